package io.braid.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.Multiaddr.Component;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MultiaddrTest {
  private static final String PEER = "QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC";
  private static final String PEER2 = "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq";

  private static String roundTrip(String text) {
    Multiaddr m = Multiaddr.fromString(text);
    assertEquals(m, Multiaddr.fromBytes(m.toBytes()));
    assertEquals(m, Multiaddr.fromString(m.toString()));
    return m.toString();
  }

  private static IllegalArgumentException rejected(String text) {
    return assertThrows(IllegalArgumentException.class, () -> Multiaddr.fromString(text));
  }

  private static IllegalArgumentException rejectedBytes(String hex) {
    return assertThrows(IllegalArgumentException.class, () -> Multiaddr.fromBytes(Vectors.hex(hex)));
  }

  @Nested
  @DisplayName("ip6 text")
  class Ip6 {
    @ParameterizedTest(name = "{0} prints as {1}")
    @DisplayName("prints in RFC 5952 form, IPv4-mapped addresses as ::ffff:a.b.c.d")
    @CsvSource({
        "2001:0DB8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "1:0:0:2:0:0:0:3, 1:0:0:2::3",
        "0:0:0:0:0:0:0:0, ::",
        "1::, 1::",
        "::2:3:4:5:6:7:8, 0:2:3:4:5:6:7:8",
        "::ffff:7f00:1, ::ffff:127.0.0.1",
        "::ffff:10.0.0.1, ::ffff:10.0.0.1",
        "::1.2.3.4, ::102:304",
        "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
        "1:2:3:4:5:6:1.2.3.4, 1:2:3:4:5:6:102:304",
        "fe80::0001, fe80::1",
        "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",
    })
    void printsCanonically(String text, String canonical) {
      assertEquals("/ip6/" + canonical, roundTrip("/ip6/" + text));
    }

    @ParameterizedTest(name = "''{0}''")
    @DisplayName("rejects malformed addresses without looking anything up")
    @ValueSource(strings = {
        "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", ":1::", "1::2:", "1:::2", "1::2::3", "12345::", "1.2.3.4",
        "::1.2.3", "::1.2.3.04", "1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4::5:6:7:8", "fe80::1%eth0", "[::1]", "::g",
        "localhost", "example.com", "::\u0661", "\uff11::", "1:2:3:4:5:6:1.2.3.4:5", ":", "::1.2.3.4.5",
        "0000:0000:0000:0000:0000:0000:0000:0000:0",
    })
    void rejectsMalformed(String text) {
      assertTrue(rejected("/ip6/" + text).getMessage().contains("ip6"));
    }
  }

  @ParameterizedTest(name = "''{0}''")
  @DisplayName("ip4 text must be four decimal octets without leading zeros")
  @ValueSource(strings = {"01.2.3.4", "1.2.3", "256.1.1.1", "1.2.3.4.5", " 1.2.3.4", "\uff11.2.3.4", "1..2.3",
      "1.2.3.4 ", "::ffff:1.2.3.4", "0x7f.0.0.1", "1.2.3.-4"})
  void ip4TextMustBeStrictDottedQuad(String text) {
    rejected("/ip4/" + text);
  }

  @Test
  void portsAreDecimalWithLeadingZerosAllowedAsInGo() {
    assertEquals("/tcp/80", roundTrip("/tcp/00080"));
    assertEquals("/udp/0", roundTrip("/udp/0"));
    assertEquals("/dccp/65535", roundTrip("/dccp/65535"));
    for (String bad : new String[] {"+80", "-0", "65536", "99999999999999999999", "8 0", "", "0x50", "\u0668\u0660"}) {
      rejected("/tcp/" + bad);
    }
  }

  @Test
  void trailingSlashesAreIgnoredAndIpfsReadsAsP2p() {
    assertEquals("/ip4/1.2.3.4/tcp/5", roundTrip("/ip4/1.2.3.4/tcp/5///"));
    assertEquals("/p2p/" + PEER, roundTrip("/ipfs/" + PEER));
    assertTrue(Multiaddr.fromString("/ipfs/" + PEER).has("p2p"));
  }

  @Test
  void emptyProtocolNamesAndUnknownProtocolsAreRejectedByName() {
    assertTrue(rejected("/ip4/1.2.3.4//tcp/1").getMessage().contains("empty protocol name"));
    assertTrue(rejected("//ip4/1.2.3.4").getMessage().contains("empty protocol name"));
    assertTrue(rejected("/ip5/1.2.3.4").getMessage().contains("unknown protocol 'ip5'"));
    assertTrue(rejected("ip4/1.2.3.4").getMessage().contains("must start with '/'"));
    assertTrue(rejected("/ip4/127.0.0.1/quic/1234").getMessage().contains("/quic takes no value"));
  }

  @Nested
  @DisplayName("http-path values are percent-encoded like Go's url.QueryEscape")
  class HttpPath {
    @Test
    void reservedBytesSpaceAndNonAsciiAreEscaped() {
      Multiaddr m = Multiaddr.fromString("/http-path/a+b%2Fc%2B%C3%A9%00~-_.");
      assertArrayEquals(Vectors.hex("e103" + "0d" + "6120622f632bc3a9007e2d5f2e"), m.toBytes());
      assertEquals("/http-path/a+b%2Fc%2B%C3%A9%00~-_.", m.toString());
    }

    @Test
    void anyBytesRoundTrip() {
      byte[] all = new byte[256];
      for (int i = 0; i < 256; i++) {
        all[i] = (byte) i;
      }
      List<Component> c = List.of(new Component(481, "http-path", all));
      Multiaddr m = Multiaddr.of(c);
      assertEquals(m, Multiaddr.fromString(m.toString()));
    }

    @Test
    void brokenEscapesAndEmptyPathsAreRejected() {
      rejected("/http-path/%zz");
      rejected("/http-path/abc%2");
      rejected("/http-path/%");
      rejected("/http-path/");
      rejectedBytes("e10300");
    }
  }

  @Nested
  @DisplayName("unix paths swallow the rest of the text and come last")
  class Unix {
    @Test
    void theValueIsTheRestOfTheAddressWithItsLeadingSlash() {
      Multiaddr m = Multiaddr.fromString("/ip4/1.2.3.4/tcp/80/unix/a/b/c/d/e/f");
      assertEquals(3, m.components().size());
      assertEquals("/a/b/c/d/e/f", m.valueOf("unix").orElseThrow());
      assertArrayEquals("/a/b/c/d/e/f".getBytes(java.nio.charset.StandardCharsets.UTF_8),
          m.components().get(2).value());
      assertEquals("/ip4/1.2.3.4/tcp/80/unix/a/b/c/d/e/f", roundTrip(m.toString()));
      assertEquals("/unix/tmp/p2p/ip4/tcp", roundTrip("/unix/tmp/p2p/ip4/tcp/"));
    }

    @Test
    void aPathComponentMustBeLast() {
      Multiaddr unix = Multiaddr.fromString("/unix/tmp/x.sock");
      assertThrows(IllegalArgumentException.class, () -> unix.encapsulate("/tcp/1"));
      List<Component> c = new ArrayList<>(unix.components());
      c.add(Multiaddr.fromString("/tcp/1").components().get(0));
      assertThrows(IllegalArgumentException.class, () -> Multiaddr.of(c));
      assertTrue(rejectedBytes("9003022f61" + "060001").getMessage().contains("must be the last component"));
    }

    @Test
    void decodedPathsMustStartWithASlashAndNotEndInOne() {
      rejectedBytes("900306303030303030"); // "000000"
      rejectedBytes("9003062f303030302f"); // "/0000/"
      rejectedBytes("9003012f"); // "/"
      rejectedBytes("9003022fff"); // not UTF-8
    }
  }

  @Test
  void certhashReadsAnyMultibaseAndPrintsBase64Url() {
    String b32 = "/certhash/b2uaraocy6yrdblb4sfptaddgimjmmpy";
    assertEquals("/certhash/u1QEQOFj2IjCsPJFfMAxmQxLGPw", roundTrip(b32));
    assertEquals(Multiaddr.fromString(b32), Multiaddr.fromString("/certhash/f" + "d501103858f62230ac3c915f300c664312c63f"));
    // 'uEiA' is the multihash header 0x12 0x20 (sha2-256, 32 bytes) with no digest after it
    assertTrue(rejected("/certhash/uEiA").getMessage().contains("digest"));
    assertTrue(rejected("/certhash/uEiB").getMessage().contains("trailing bits"));
    assertTrue(rejected("/certhash/xyz").getMessage().contains("multibase prefix 'x'"));
    rejectedBytes("d2030112"); // a lone varint is not a multihash
  }

  @Test
  void onionAddressesAcceptEitherCaseAndPrintLowerCase() {
    assertEquals("/onion/aaimaq4ygg2iegci:80", roundTrip("/onion/AAIMAQ4YGG2IEGCI:80"));
    rejected("/onion/aaimaq4ygg2iegci:80:81");
    rejected("/onion/aaimaq4ygg2iegc=:80");
    rejected("/onion/aaimaq4ygg2iegci:65536");
    rejectedBytes("bc03" + "0010c0439831b4821848" + "0000"); // port 0
  }

  @Test
  void garlicAddressesKeepTheirCanonicalEncoding() {
    byte[] dest = new byte[386];
    dest[0] = 1;
    Multiaddr g64 = Multiaddr.of(List.of(new Component(446, "garlic64", dest)));
    assertTrue(g64.toString().endsWith("AAA="), "386 = 3 * 128 + 2 bytes end in one padding character");
    assertEquals(g64, Multiaddr.fromString(g64.toString()));
    rejected(g64.toString().replace("=", ""));
    rejected(g64.toString().replace("AAA=", "AAB="));
    assertThrows(IllegalArgumentException.class,
        () -> new Component(446, "garlic64", new byte[385]));
    assertThrows(IllegalArgumentException.class,
        () -> new Component(447, "garlic32", new byte[33]));
    Multiaddr g32 = Multiaddr.of(List.of(new Component(447, "garlic32", new byte[40])));
    assertEquals(g32, Multiaddr.fromString(g32.toString()));
  }

  @Test
  void memoryIsAnUnsignedBigEndian64BitNumber() {
    Multiaddr max = Multiaddr.fromString("/memory/18446744073709551615");
    assertArrayEquals(Vectors.hex("8906ffffffffffffffff"), max.toBytes());
    assertEquals("/memory/18446744073709551615", max.toString());
    rejected("/memory/18446744073709551616");
    rejected("/memory/-1");
    rejected("/memory/+1");
  }

  @Test
  void namesMayBeAnyUtf8WithoutASlash() {
    assertEquals("/dns/b\u00fccher.example/tcp/1", roundTrip("/dns/b\u00fccher.example/tcp/1"));
    assertEquals("/ip6zone/x%y/ip6/::1", roundTrip("/ip6zone/x%y/ip6/::1"));
    assertEquals("/sni/example.com", roundTrip("/sni/example.com"));
    rejected("/dns4/\ud800.example"); // an unpaired surrogate has no UTF-8 form
    rejectedBytes("3502c328"); // malformed UTF-8
    rejectedBytes("36022f61"); // '/a'
    rejectedBytes("3700"); // empty
    rejected("/sni//sni/0");
  }

  @Nested
  @DisplayName("size bounds are checked before work is done")
  class Bounds {
    @Test
    void aHugeDeclaredLengthIsRejectedWithoutAllocating() {
      IllegalArgumentException e = rejectedBytes("35ffffffffffffffff7f");
      assertTrue(e.getMessage().contains("declares"), e.getMessage());
      rejectedBytes("3580"); // truncated length varint
      rejectedBytes("06ff"); // truncated fixed value
    }

    @Test
    void binaryInputLongerThanMaxBytesIsRejected() {
      byte[] big = new byte[Multiaddr.MAX_BYTES + 1];
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Multiaddr.fromBytes(big));
      assertTrue(e.getMessage().contains(String.valueOf(Multiaddr.MAX_BYTES)), e.getMessage());
    }

    @Test
    void textLongerThanMaxTextLengthIsRejectedAtOnce() {
      String huge = "/dns/" + "a".repeat(1_000_000);
      IllegalArgumentException e = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> rejected(huge));
      assertTrue(e.getMessage().contains("too long"), e.getMessage());
    }

    @Test
    void textThatEncodesToMoreThanMaxBytesIsRejected() {
      assertTrue(rejected("/dns/" + "a".repeat(Multiaddr.MAX_BYTES)).getMessage().contains("too long"));
      StringBuilder sb = new StringBuilder();
      while (sb.length() < Multiaddr.MAX_TEXT_LENGTH - 10) {
        sb.append("/ws");
      }
      assertTrue(rejected(sb.toString()).getMessage().contains("too long"));
    }

    @Test
    void theLongestTextOfAMaximalAddressStillParses() {
      // 2048 x /p2p-websocket-star: 2 bytes each, the most text per byte of any protocol
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < Multiaddr.MAX_BYTES / 2; i++) {
        sb.append("/p2p-websocket-star");
      }
      Multiaddr m = Multiaddr.fromString(sb.toString());
      assertEquals(Multiaddr.MAX_BYTES, m.toBytes().length);
      assertTrue(m.toString().length() <= Multiaddr.MAX_TEXT_LENGTH);
    }

    @Test
    void messagesStayShortWhateverTheInput() {
      IllegalArgumentException e = rejected("/onion/" + "\u007f".repeat(5000) + ":1");
      assertTrue(e.getMessage().length() < 400, e.getMessage());
    }
  }

  @Nested
  @DisplayName("components are always valid")
  class Components {
    @Test
    void anUnknownCodeIsRejected() {
      assertThrows(IllegalArgumentException.class, () -> new Component(1, "x", new byte[0]));
    }

    @Test
    void aNameThatIsNotTheCodesIsRejectedAndAnAliasIsNormalised() {
      assertTrue(assertThrows(IllegalArgumentException.class, () -> new Component(6, "udp", new byte[2]))
          .getMessage().contains("/tcp, not /udp"));
      Component alias = new Component(421, "ipfs", PeerId.fromString(PEER).toBytes());
      assertEquals("p2p", alias.name());
      assertEquals("/p2p/" + PEER, alias.toString());
    }

    @Test
    void aValueOfTheWrongSizeOrContentIsRejected() {
      assertThrows(IllegalArgumentException.class, () -> new Component(4, "ip4", new byte[3]));
      assertThrows(IllegalArgumentException.class, () -> new Component(477, "ws", new byte[1]));
      assertThrows(IllegalArgumentException.class, () -> new Component(421, "p2p", new byte[] {0x12, 0x01, 0}));
      assertThrows(IllegalArgumentException.class, () -> new Component(53, "dns", new byte[0]));
      assertThrows(NullPointerException.class, () -> new Component(53, "dns", null));
    }

    @Test
    void valuesAreCopiedInAndOut() {
      byte[] v = {127, 0, 0, 1};
      Component c = new Component(4, "ip4", v);
      v[0] = 10;
      c.value()[1] = 9;
      assertEquals("127.0.0.1", c.valueString());
      assertEquals(new Component(4, "ip4", new byte[] {127, 0, 0, 1}), c);
      assertEquals(new Component(4, "ip4", new byte[] {127, 0, 0, 1}).hashCode(), c.hashCode());
    }

    @Test
    void ofRejectsAnEmptyList() {
      assertThrows(IllegalArgumentException.class, () -> Multiaddr.of(List.of()));
    }
  }

  @Nested
  @DisplayName("working with addresses")
  class Operations {
    private final Multiaddr tcp = Multiaddr.fromString("/ip4/1.2.3.4/tcp/4001");
    private final Multiaddr full = tcp.encapsulate("/p2p/" + PEER);

    @Test
    void encapsulateAppendsAndDecapsulateRemovesTheLastOccurrence() {
      assertEquals("/ip4/1.2.3.4/tcp/4001/p2p/" + PEER, full.toString());
      assertEquals(Optional.of(tcp), full.decapsulate(Multiaddr.fromString("/p2p/" + PEER)));
      assertEquals(Optional.of(Multiaddr.fromString("/ip4/1.2.3.4")), full.decapsulate(Multiaddr.fromString("/tcp/4001")));
      assertEquals(Optional.empty(), full.decapsulate(Multiaddr.fromString("/ip4/1.2.3.4")));
      assertEquals(Optional.of(full), full.decapsulate(Multiaddr.fromString("/udp/1")));
      Multiaddr twice = Multiaddr.fromString("/ip4/1.2.3.4/tcp/1/ip4/5.6.7.8/tcp/1");
      assertEquals("/ip4/1.2.3.4/tcp/1/ip4/5.6.7.8", twice.decapsulate(Multiaddr.fromString("/tcp/1")).orElseThrow()
          .toString());
    }

    @Test
    void thePeerIdIsTheLastP2pComponent() {
      Multiaddr relayed = Multiaddr.fromString("/ip4/1.2.3.4/tcp/1/p2p/" + PEER + "/p2p-circuit/p2p/" + PEER2);
      assertEquals(Optional.of(PeerId.fromString(PEER2)), relayed.peerId());
      assertEquals("/ip4/1.2.3.4/tcp/1/p2p/" + PEER + "/p2p-circuit", relayed.withoutPeerId().toString());
      assertEquals(Optional.empty(), tcp.peerId());
      assertEquals(tcp, full.withoutPeerId());
      assertEquals(tcp, tcp.withoutPeerId());
    }

    @Test
    void valueOfAndHasFindComponentsByName() {
      assertEquals(Optional.of("4001"), full.valueOf("tcp"));
      assertEquals(Optional.of(PEER), full.valueOf("p2p"));
      assertEquals(Optional.empty(), full.valueOf("udp"));
      assertTrue(full.has("ip4"));
      assertFalse(full.has("ip6"));
    }

    @Test
    void equalityIsByBytesAndBytesAreCopied() {
      Multiaddr a = Multiaddr.fromString("/ip4/1.2.3.4/tcp/4001");
      assertEquals(tcp, a);
      assertEquals(tcp.hashCode(), a.hashCode());
      assertNotEquals(tcp, full);
      byte[] b = a.toBytes();
      b[1] = 9;
      assertEquals(tcp, a);
      byte[] in = tcp.toBytes();
      Multiaddr c = Multiaddr.fromBytes(in);
      in[1] = 9;
      assertEquals(tcp, c);
    }

    @Test
    void nullsAreNullPointerExceptions() {
      assertThrows(NullPointerException.class, () -> Multiaddr.fromString(null));
      assertThrows(NullPointerException.class, () -> Multiaddr.fromBytes(null));
    }
  }
}
