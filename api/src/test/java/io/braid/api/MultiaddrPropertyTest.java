package io.braid.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import net.jqwik.api.statistics.StatisticsReport.StatisticsReportMode;

@StatisticsReport(StatisticsReportMode.OFF)
class MultiaddrPropertyTest {
  /** One component: its text as written (canonical unless {@code canonical} is false) and its bytes. */
  record Part(String text, byte[] bytes, boolean canonical) {}

  /** Written independently of the codec: the spec's binary layout, by hand. */
  private static byte[] bytes(int... unsigned) {
    byte[] b = new byte[unsigned.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) unsigned[i];
    }
    return b;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.write(p, 0, p.length);
    }
    return out.toByteArray();
  }

  private static Arbitrary<Part> ip4() {
    return Arbitraries.bytes().array(byte[].class).ofSize(4).map(a -> new Part(
        "/ip4/" + (a[0] & 0xFF) + "." + (a[1] & 0xFF) + "." + (a[2] & 0xFF) + "." + (a[3] & 0xFF),
        concat(bytes(0x04), a), true));
  }

  /** ip6 written the long way (as the JDK prints it), so the parser meets the uncompressed form too. */
  private static Arbitrary<Part> ip6() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofSize(16);
    Arbitrary<byte[]> sparse = Arbitraries.integers().between(0, 65535).array(int[].class).ofSize(8)
        .map(w -> {
          byte[] b = new byte[16];
          for (int i = 0; i < 8; i++) {
            int word = (i % 3 == 0) ? 0 : w[i] % 3 == 0 ? 0 : w[i];
            b[2 * i] = (byte) (word >>> 8);
            b[2 * i + 1] = (byte) word;
          }
          return b;
        });
    return Arbitraries.oneOf(random, sparse).map(a -> {
      try {
        String jdk = Inet6Address.getByAddress(null, a, -1).getHostAddress();
        return new Part("/ip6/" + jdk, concat(bytes(0x29), a), false);
      } catch (UnknownHostException e) {
        throw new AssertionError(e);
      }
    });
  }

  private static Arbitrary<Part> port(String name, int... code) {
    return Arbitraries.integers().between(0, 65535).map(p -> new Part("/" + name + "/" + p,
        concat(bytes(code), bytes(p >>> 8, p & 0xFF)), true));
  }

  private static Arbitrary<Part> dns() {
    Arbitrary<String> label = Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-').ofMinLength(1)
        .ofMaxLength(20);
    Arbitrary<String> host = label.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join(".", l));
    return Combinators.combine(Arbitraries.of("dns", "dns4", "dns6", "dnsaddr"), host).as((proto, h) -> {
      int code = switch (proto) {
        case "dns" -> 0x35;
        case "dns4" -> 0x36;
        case "dns6" -> 0x37;
        default -> 0x38;
      };
      byte[] name = h.getBytes(StandardCharsets.US_ASCII);
      return new Part("/" + proto + "/" + h, concat(bytes(code, name.length), name), true);
    });
  }

  private static Arbitrary<Part> p2p() {
    Arbitrary<byte[]> sha256 = Arbitraries.bytes().array(byte[].class).ofSize(32).map(d -> concat(bytes(0x12, 32), d));
    Arbitrary<byte[]> ed25519 = Arbitraries.bytes().array(byte[].class).ofSize(32)
        .map(k -> concat(bytes(0x00, 36, 0x08, 0x01, 0x12, 0x20), k));
    return Arbitraries.oneOf(sha256, ed25519).map(mh -> new Part("/p2p/" + PeerId.fromBytes(mh).toBase58(),
        concat(bytes(0xa5, 0x03, mh.length), mh), true));
  }

  private static Arbitrary<Part> flag() {
    return Arbitraries.of(
        new Part("/quic-v1", bytes(0xcd, 0x03), true),
        new Part("/ws", bytes(0xdd, 0x03), true),
        new Part("/tls", bytes(0xc0, 0x03), true),
        new Part("/p2p-circuit", bytes(0xa2, 0x02), true));
  }

  @Provide
  Arbitrary<List<Part>> validAddresses() {
    Arbitrary<Part> any = Arbitraries.oneOf(ip4(), ip6(), port("tcp", 0x06), port("udp", 0x91, 0x02), dns(), p2p(),
        flag());
    return any.list().ofMinSize(1).ofMaxSize(6);
  }

  @Property(tries = 2000)
  void generatedAddressesEncodeToTheSpecsBytesAndRoundTrip(@ForAll("validAddresses") List<Part> parts) {
    String text = parts.stream().map(Part::text).reduce("", String::concat);
    byte[] expected = concat(parts.stream().map(Part::bytes).toArray(byte[][]::new));
    Multiaddr m = Multiaddr.fromString(text);
    assertArrayEquals(expected, m.toBytes(), () -> "bytes of " + text);
    assertEquals(parts.size(), m.components().size());
    if (parts.stream().allMatch(Part::canonical)) {
      assertEquals(text, m.toString());
    }
    assertEquals(m, Multiaddr.fromBytes(expected));
    MultiaddrRoundTrip.assertRoundTrips(m);
  }

  @Property(tries = 2000)
  void printedIp6IsReadByTheJdkAsTheSameAddress(@ForAll("ip6Bytes") byte[] address) throws UnknownHostException {
    Multiaddr m = Multiaddr.of(List.of(new Multiaddr.Component(41, "ip6", address)));
    String printed = m.valueOf("ip6").orElseThrow();
    assertTrue(printed.equals(printed.toLowerCase()) && !printed.contains(":::"), printed);
    // Brackets make the JDK treat the text as a literal: it never looks a bracketed name up.
    InetAddress jdk = InetAddress.getByName("[" + printed + "]");
    byte[] expected = jdk instanceof Inet4Address
        ? concat(bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff), jdk.getAddress())
        : jdk.getAddress();
    assertArrayEquals(address, expected, printed);
    // RFC 5952: no group has a leading zero, and a single zero group is never compressed
    for (String group : printed.replace("::", ":").split(":")) {
      assertTrue(group.isEmpty() || group.contains(".") || group.equals("0") || group.charAt(0) != '0', printed);
    }
  }

  @Provide
  Arbitrary<byte[]> ip6Bytes() {
    Arbitrary<byte[]> mapped = Arbitraries.bytes().array(byte[].class).ofSize(4)
        .map(v4 -> concat(bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff), v4));
    Arbitrary<byte[]> zeroRuns = Arbitraries.integers().between(0, 3).array(int[].class).ofSize(8).map(w -> {
      byte[] b = new byte[16];
      for (int i = 0; i < 8; i++) {
        b[2 * i + 1] = (byte) (w[i] == 3 ? 0x10 : w[i] == 2 ? 1 : 0);
      }
      return b;
    });
    return Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofSize(16), mapped, zeroRuns);
  }

  @Property(tries = 3000)
  void arbitraryBytesGiveAMultiaddrThatRoundTripsOrAnIllegalArgumentException(@ForAll @Size(max = 64) byte[] b) {
    checkBytes(b);
  }

  /** Bytes shaped like multiaddrs: known protocol codes (and a few unknown ones), lengths right or wrong. */
  @Provide
  Arbitrary<byte[]> multiaddrShapedBytes() {
    int[] codes = {4, 6, 33, 41, 42, 43, 53, 54, 55, 56, 132, 273, 275, 276, 277, 280, 281, 290, 301, 302, 400, 421,
        443, 444, 445, 446, 447, 448, 449, 454, 460, 461, 465, 466, 477, 478, 479, 480, 481, 777, 0x706c61, 1, 5, 999};
    Arbitrary<byte[]> value = Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(40),
        Arbitraries.bytes().array(byte[].class).ofMinSize(380).ofMaxSize(470),
        Arbitraries.of("/a/b", "example.com", "x%y", "/").map(s -> s.getBytes(StandardCharsets.UTF_8)),
        Arbitraries.bytes().array(byte[].class).ofSize(32).map(d -> concat(bytes(0x12, 32), d)));
    Arbitrary<byte[]> component = Combinators.combine(Arbitraries.integers().between(0, codes.length - 1).map(i -> codes[i]),
        value, Arbitraries.of(true, false), Arbitraries.integers().between(0, 3))
        .as((code, v, prefix, fixed) -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          writeVarint(out, code);
          if (prefix) {
            writeVarint(out, v.length);
            out.write(v, 0, v.length);
          } else {
            // fixed-size protocols: 0, 1, 2, 4, 8, 12, 16 or 37 bytes of the value
            int[] sizes = {0, 2, 4, 16, 1, 8, 12, 37};
            int n = Math.min(v.length, sizes[(fixed + v.length) % sizes.length]);
            out.write(v, 0, n);
          }
          return out.toByteArray();
        });
    return component.list().ofMinSize(1).ofMaxSize(5).map(l -> concat(l.toArray(byte[][]::new)));
  }

  private static void writeVarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  @Property(tries = 5000)
  void multiaddrShapedBytesGiveAMultiaddrThatRoundTripsOrAnIllegalArgumentException(
      @ForAll("multiaddrShapedBytes") byte[] b) {
    requireSomeAccepted();
    checkBytes(b);
  }

  @Property(tries = 3000)
  void mutatedValidAddressesGiveAMultiaddrThatRoundTripsOrAnIllegalArgumentException(
      @ForAll("validAddresses") List<Part> parts, @ForAll @Size(min = 1, max = 3) List<Integer> edits,
      @ForAll byte replacement) {
    requireSomeAccepted();
    byte[] b = concat(parts.stream().map(Part::bytes).toArray(byte[][]::new));
    for (int edit : edits) {
      int at = Math.floorMod(edit >> 2, b.length + 1);
      switch (Math.floorMod(edit, 4)) {
        case 0 -> { // replace a byte
          if (at < b.length) {
            b[at] = replacement;
          }
        }
        case 1 -> b = concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, Math.min(at + 1, b.length), b.length));
        case 2 -> b = concat(Arrays.copyOf(b, at), new byte[] {replacement}, Arrays.copyOfRange(b, at, b.length));
        default -> b = Arrays.copyOf(b, at);
      }
    }
    checkBytes(b);
  }

  /** Fails the property if its generator (almost) never produced valid input: then it tested nothing. */
  private static void requireSomeAccepted() {
    Statistics.coverage(c -> c.check("accepted").percentage(p -> p >= 1.0));
  }

  private static void checkBytes(byte[] b) {
    Multiaddr m;
    try {
      m = Multiaddr.fromBytes(b);
    } catch (IllegalArgumentException rejected) {
      Statistics.collect("rejected");
      return;
    }
    Statistics.collect("accepted");
    assertArrayEquals(b, m.toBytes());
    MultiaddrRoundTrip.assertRoundTrips(m);
  }

  @Property(tries = 3000)
  void arbitraryStringsGiveAMultiaddrThatRoundTripsOrAnIllegalArgumentException(@ForAll @Size(max = 60) String s) {
    checkString(s);
  }

  /** Text made of real protocol names and plausible values, valid and not, in any order. */
  @Provide
  Arbitrary<String> multiaddrShapedStrings() {
    Arbitrary<String> token = Arbitraries.oneOf(
        Arbitraries.of("ip4", "ip6", "ip6zone", "ipcidr", "tcp", "udp", "sctp", "dccp", "dns", "dns4", "dns6", "dnsaddr",
            "p2p", "ipfs", "p2p-circuit", "quic", "quic-v1", "webtransport", "certhash", "ws", "wss", "tls", "noise",
            "sni", "http", "https", "http-path", "unix", "onion", "onion3", "garlic32", "garlic64", "udt", "utp",
            "webrtc", "webrtc-direct", "memory", "plaintextv2"),
        Arbitraries.of("1.2.3.4", "::1", "::ffff:1.2.3.4", "fe80::1", "80", "0", "65535", "65536", "-1", "32", "256",
            "", "example.com", "x%y", "%2F", "a%20b", "a+b", "%", "18446744073709551615", "18446744073709551616",
            "QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC", "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq",
            "bafzbeigvf25ytwc3akrijfecaotc74udrhcxzh2cx3we5qqnw5vgrei4bm",
            "k51qzi5uqu5dhb6l8spkdx7yxafegfkee5by8h7lmjh2ehc2sgg34z7c15vzqs",
            "uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g", "b2uaraocy6yrdblb4sfptaddgimjmmpy", "uEiA",
            "aaimaq4ygg2iegci:80", "aaimaq4ygg2iegci:0",
            "vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd:1234",
            "566niximlxdzpanmn4qouucvua3k7neniwss47li5r6ugoertzuq", "\u00e9", "\ud800", "tmp", "a.sock"),
        Arbitraries.strings().ofMaxLength(6));
    return token.list().ofMinSize(1).ofMaxSize(8).map(l -> "/" + String.join("/", l));
  }

  @Property(tries = 5000)
  void multiaddrShapedStringsGiveAMultiaddrThatRoundTripsOrAnIllegalArgumentException(
      @ForAll("multiaddrShapedStrings") String s) {
    requireSomeAccepted();
    checkString(s);
  }

  private static void checkString(String s) {
    Multiaddr m;
    try {
      m = Multiaddr.fromString(s);
    } catch (IllegalArgumentException rejected) {
      Statistics.collect("rejected");
      return;
    }
    Statistics.collect("accepted");
    MultiaddrRoundTrip.assertRoundTrips(m);
  }
}
