package io.braid.api.internal;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The multiaddr protocol table and the per-protocol value codecs, on plain codes, names and bytes (this
 * package does not depend back on {@code io.braid.api}). Internal: use {@code Multiaddr}.
 *
 * <p>Design note. Semantics follow go-multiaddr, which the libp2p implementations test against: the same
 * protocol table (multiformats/multiaddr protocols.csv), the same text for each value, the same checks on
 * binary values as on text. A few checks go further, all so that any accepted input round-trips
 * (bytes to text to the same bytes): multibase and base32/base64 values must be canonical (matching case
 * and padding, zero trailing bits), text values must be well-formed UTF-8, and a path protocol
 * ({@code unix}) must be the last component. Every declared length is checked against the input before
 * anything is allocated.
 */
public final class MultiaddrCodec {
  private MultiaddrCodec() {}

  /** Marks a protocol whose value carries a varint length prefix. */
  private static final int VARIABLE = -1;

  /** One protocol of the table. */
  public static final class Protocol {
    private final int code;
    private final String name;
    private final int size;
    private final boolean path;
    private final Value value;
    private final byte[] codeVarint;

    private Protocol(int code, String name, int size, boolean path, Value value) {
      this.code = code;
      this.name = name;
      this.size = size;
      this.path = path;
      this.value = value;
      ByteArrayOutputStream out = new ByteArrayOutputStream(4);
      Varint.write(out, code);
      this.codeVarint = out.toByteArray();
    }

    public int code() {
      return code;
    }

    public String name() {
      return name;
    }

    /** Whether the protocol carries a value at all. */
    public boolean hasValue() {
      return size != 0;
    }

    /** Whether the value is written with a varint length prefix (rather than having a fixed size). */
    public boolean lengthPrefixed() {
      return size == VARIABLE;
    }

    /** Whether the value is a path that swallows the rest of the text form; such a protocol comes last. */
    public boolean path() {
      return path;
    }

    @Override
    public String toString() {
      return "/" + name;
    }
  }

  /** A protocol with its value in binary form, checked. */
  public record Part(Protocol protocol, byte[] value) {}

  private static final Map<Integer, Protocol> BY_CODE = new HashMap<>();
  private static final Map<String, Protocol> BY_NAME = new HashMap<>();

  private static void add(int code, String name, int size, Value value) {
    add(code, name, size, false, value);
  }

  private static void add(int code, String name, int size, boolean path, Value value) {
    Protocol p = new Protocol(code, name, size, path, value);
    BY_CODE.put(code, p);
    BY_NAME.put(name, p);
  }

  static {
    // Codes and sizes from multiformats/multiaddr protocols.csv (sizes there are in bits).
    add(4, "ip4", 4, Value.IP4);
    add(6, "tcp", 2, Value.PORT);
    add(33, "dccp", 2, Value.PORT);
    add(41, "ip6", 16, Value.IP6);
    add(42, "ip6zone", VARIABLE, Value.NAME);
    add(43, "ipcidr", 1, Value.CIDR);
    add(53, "dns", VARIABLE, Value.NAME);
    add(54, "dns4", VARIABLE, Value.NAME);
    add(55, "dns6", VARIABLE, Value.NAME);
    add(56, "dnsaddr", VARIABLE, Value.NAME);
    add(132, "sctp", 2, Value.PORT);
    add(273, "udp", 2, Value.PORT);
    add(275, "p2p-webrtc-star", 0, Value.NONE);
    add(276, "p2p-webrtc-direct", 0, Value.NONE);
    add(277, "p2p-stardust", 0, Value.NONE);
    add(280, "webrtc-direct", 0, Value.NONE);
    add(281, "webrtc", 0, Value.NONE);
    add(290, "p2p-circuit", 0, Value.NONE);
    add(301, "udt", 0, Value.NONE);
    add(302, "utp", 0, Value.NONE);
    add(400, "unix", VARIABLE, true, Value.UNIX_PATH);
    add(421, "p2p", VARIABLE, Value.PEER_ID);
    add(443, "https", 0, Value.NONE);
    add(444, "onion", 12, Value.ONION);
    add(445, "onion3", 37, Value.ONION3);
    add(446, "garlic64", VARIABLE, Value.GARLIC64);
    add(447, "garlic32", VARIABLE, Value.GARLIC32);
    add(448, "tls", 0, Value.NONE);
    add(449, "sni", VARIABLE, Value.NAME);
    add(454, "noise", 0, Value.NONE);
    add(460, "quic", 0, Value.NONE);
    add(461, "quic-v1", 0, Value.NONE);
    add(465, "webtransport", 0, Value.NONE);
    add(466, "certhash", VARIABLE, Value.MULTIHASH);
    add(477, "ws", 0, Value.NONE);
    add(478, "wss", 0, Value.NONE);
    add(479, "p2p-websocket-star", 0, Value.NONE);
    add(480, "http", 0, Value.NONE);
    add(481, "http-path", VARIABLE, Value.HTTP_PATH);
    add(777, "memory", 8, Value.MEMORY);
    add(0x706c61, "plaintextv2", 0, Value.NONE);
  }

  /** Names that parse as another protocol: {@code /ipfs/…} is the old name of {@code /p2p/…}. */
  private static final Map<String, Protocol> ALIASES = Map.of("ipfs", BY_CODE.get(421));

  /** @throws IllegalArgumentException if no protocol has {@code code} */
  public static Protocol byCode(long code) {
    Protocol p = code >= 0 && code <= Integer.MAX_VALUE ? BY_CODE.get((int) code) : null;
    if (p == null) {
      throw new IllegalArgumentException("unknown multiaddr protocol code " + code);
    }
    return p;
  }

  /** The protocol named {@code name} (or an alias of it), or null. */
  public static Protocol byName(String name) {
    Protocol p = BY_NAME.get(name);
    return p != null ? p : ALIASES.get(name);
  }

  /**
   * Checks a value in binary form.
   *
   * @throws IllegalArgumentException saying what is wrong, naming the protocol
   */
  public static void check(Protocol p, byte[] value) {
    if (p.size == 0) {
      if (value.length != 0) {
        throw new IllegalArgumentException("/" + p.name + " takes no value, got " + value.length + " bytes");
      }
      return;
    }
    if (p.size > 0 && value.length != p.size) {
      throw new IllegalArgumentException("/" + p.name + " value must be " + p.size + " bytes, was "
          + value.length);
    }
    if (value.length == 0) {
      throw new IllegalArgumentException("/" + p.name + " value must not be empty");
    }
    try {
      p.value.check(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid /" + p.name + " value: " + e.getMessage(), e);
    }
  }

  /** The text form of a checked value; empty for a protocol without one. */
  public static String format(Protocol p, byte[] value) {
    return p.value.format(value);
  }

  /** Appends the binary form of one component. */
  public static void write(ByteArrayOutputStream out, Protocol p, byte[] value) {
    out.write(p.codeVarint, 0, p.codeVarint.length);
    if (p.size == VARIABLE) {
      Varint.write(out, value.length);
    }
    out.write(value, 0, value.length);
  }

  /**
   * Parses the text form: {@code /name/value/name/...}, trailing slashes ignored, a path protocol taking the
   * rest of the text as its value.
   *
   * @throws IllegalArgumentException saying what is wrong, quoting the text
   */
  public static List<Part> parse(String text) {
    try {
      return parseUnquoted(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid multiaddr " + Text.quote(text) + ": " + e.getMessage(), e);
    }
  }

  private static List<Part> parseUnquoted(String text) {
    int end = text.length();
    while (end > 0 && text.charAt(end - 1) == '/') {
      end--;
    }
    if (end == 0) {
      throw new IllegalArgumentException("empty multiaddr");
    }
    if (text.charAt(0) != '/') {
      throw new IllegalArgumentException("must start with '/'");
    }
    String[] parts = text.substring(1, end).split("/", -1);
    List<Part> out = new ArrayList<>();
    for (int i = 0; i < parts.length; i++) {
      String name = parts[i];
      Protocol p = byName(name);
      if (p == null) {
        if (name.isEmpty()) {
          throw new IllegalArgumentException("empty protocol name (a '//' in the middle)");
        }
        Protocol previous = out.isEmpty() ? null : out.get(out.size() - 1).protocol;
        throw new IllegalArgumentException("unknown protocol " + Text.quote(name)
            + (previous != null && !previous.hasValue() ? " (/" + previous.name + " takes no value)" : ""));
      }
      if (p.size == 0) {
        out.add(new Part(p, new byte[0]));
        continue;
      }
      if (++i >= parts.length) {
        throw new IllegalArgumentException("/" + p.name + " needs a value");
      }
      String valueText;
      if (p.path) {
        valueText = "/" + String.join("/", Arrays.asList(parts).subList(i, parts.length));
        i = parts.length;
      } else {
        valueText = parts[i];
      }
      byte[] value;
      try {
        value = p.value.parse(valueText);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid /" + p.name + " value " + Text.quote(valueText) + ": "
            + e.getMessage(), e);
      }
      check(p, value);
      out.add(new Part(p, value));
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * Decodes the binary form: components of {@code <varint code>[<varint length>]<value>}.
   *
   * @throws IllegalArgumentException saying what is wrong and at which offset
   */
  public static List<Part> decode(byte[] bytes) {
    if (bytes.length == 0) {
      throw new IllegalArgumentException("invalid multiaddr bytes: empty");
    }
    List<Part> out = new ArrayList<>();
    int[] pos = {0};
    while (pos[0] < bytes.length) {
      int at = pos[0];
      try {
        if (!out.isEmpty() && out.get(out.size() - 1).protocol.path) {
          throw new IllegalArgumentException("/" + out.get(out.size() - 1).protocol.name
              + " is a path and must be the last component, but more bytes follow");
        }
        Protocol p = byCode(Varint.read(bytes, pos));
        int len = p.size;
        if (len == VARIABLE) {
          long declared = Varint.read(bytes, pos);
          if (declared > bytes.length - pos[0]) {
            throw new IllegalArgumentException("/" + p.name + " declares a " + declared + "-byte value but only "
                + (bytes.length - pos[0]) + " bytes remain");
          }
          len = (int) declared;
        } else if (len > bytes.length - pos[0]) {
          throw new IllegalArgumentException("/" + p.name + " needs a " + len + "-byte value but only "
              + (bytes.length - pos[0]) + " bytes remain");
        }
        byte[] value = Arrays.copyOfRange(bytes, pos[0], pos[0] + len);
        pos[0] += len;
        check(p, value);
        out.add(new Part(p, value));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid multiaddr bytes: " + e.getMessage() + " (component at offset "
            + at + ")", e);
      }
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * Parses, checks and prints one kind of value: a table row of three functions. {@code parse} may leave
   * checks to {@code check}, which covers what the size check in {@link MultiaddrCodec#check} leaves open.
   */
  private enum Value {
    NONE(s -> {
      throw new IllegalArgumentException("takes no value");
    }, v -> ""),
    IP4(IpText::parse4, IpText::format4),
    IP6(IpText::parse6, IpText::format6),
    PORT(s -> {
      int port = (int) parseDecimal(s, 65535, "a port");
      return new byte[] {(byte) (port >>> 8), (byte) port};
    }, v -> Integer.toString(((v[0] & 0xFF) << 8) | (v[1] & 0xFF))),
    CIDR(s -> new byte[] {(byte) parseDecimal(s, 255, "a mask length")}, v -> Integer.toString(v[0] & 0xFF)),
    /** A name (DNS name, zone id, SNI): any UTF-8 text without '/', which would split it. */
    NAME(Text::utf8, MultiaddrCodec::checkName, Text::utf8),
    /** A file system path, written in text as the rest of the multiaddr: starts with '/', never ends in one. */
    UNIX_PATH(Text::utf8, MultiaddrCodec::checkUnixPath, Text::utf8),
    PEER_ID(PeerIds::parse, PeerIds::validate, BaseX.BASE58BTC::encode),
    /** Tor v2: 10-byte hash (16 base32 characters) and a port 1-65535. */
    ONION(s -> parseOnion(s, 16), MultiaddrCodec::checkOnionPort, MultiaddrCodec::formatOnion),
    /** Tor v3: 35-byte public key, checksum and version (56 base32 characters) and a port 1-65535. */
    ONION3(s -> parseOnion(s, 56), MultiaddrCodec::checkOnionPort, MultiaddrCodec::formatOnion),
    /** I2P destination in I2P's padded base64: at least 386 bytes. */
    GARLIC64(s -> Rfc4648.I2P_BASE64.decode(s, true), v -> {
      if (v.length < 386) {
        throw new IllegalArgumentException("an I2P destination has at least 386 bytes, this has " + v.length);
      }
    }, v -> Rfc4648.I2P_BASE64.encode(v, true)),
    /** I2P base32 address, lower case, unpadded: 32 bytes, or at least 35 for an encrypted lease set. */
    GARLIC32(s -> Rfc4648.BASE32_LOWER.decode(s, false), v -> {
      if (v.length != 32 && v.length < 35) {
        throw new IllegalArgumentException("an I2P base32 address has 32 or at least 35 bytes, this has "
            + v.length);
      }
    }, v -> Rfc4648.BASE32_LOWER.encode(v, false)),
    /** A multihash, read in any supported multibase, printed in base64url as go-multiaddr does. */
    MULTIHASH(s -> Multibase.decode(s, MAX_MULTIBASE_CHARS), Multihash::check, Multibase::encodeBase64Url),
    /** Arbitrary bytes, percent-encoded in text as Go's url.QueryEscape does (space as '+'). */
    HTTP_PATH(MultiaddrCodec::queryUnescape, MultiaddrCodec::queryEscape),
    /** An unsigned 64-bit integer, big-endian. */
    MEMORY(MultiaddrCodec::parseMemory, MultiaddrCodec::formatMemory);

    private final Function<String, byte[]> parser;
    private final Consumer<byte[]> checker;
    private final Function<byte[], String> formatter;

    Value(Function<String, byte[]> parser, Function<byte[], String> formatter) {
      this(parser, v -> {}, formatter);
    }

    Value(Function<String, byte[]> parser, Consumer<byte[]> checker, Function<byte[], String> formatter) {
      this.parser = parser;
      this.checker = checker;
      this.formatter = formatter;
    }

    byte[] parse(String s) {
      return parser.apply(s);
    }

    void check(byte[] v) {
      checker.accept(v);
    }

    String format(byte[] v) {
      return formatter.apply(v);
    }
  }

  private static void checkName(byte[] v) {
    for (byte b : v) {
      if (b == '/') {
        throw new IllegalArgumentException("must not contain '/'");
      }
    }
    Text.utf8(v);
  }

  private static void checkUnixPath(byte[] v) {
    if (v.length < 2 || v[0] != '/') {
      throw new IllegalArgumentException("a path must start with '/' and name something after it");
    }
    if (v[v.length - 1] == '/') {
      throw new IllegalArgumentException("a path must not end in '/'");
    }
    Text.utf8(v);
  }

  private static byte[] parseMemory(String s) {
    if (s.isEmpty() || s.length() > 20 || !isDigits(s)) {
      throw new IllegalArgumentException("must be a decimal number from 0 to 18446744073709551615");
    }
    long v;
    try {
      v = Long.parseUnsignedLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be a decimal number from 0 to 18446744073709551615");
    }
    byte[] b = new byte[8];
    for (int k = 7; k >= 0; k--) {
      b[k] = (byte) v;
      v >>>= 8;
    }
    return b;
  }

  private static String formatMemory(byte[] v) {
    long x = 0;
    for (byte b : v) {
      x = (x << 8) | (b & 0xFF);
    }
    return Long.toUnsignedString(x);
  }

  /** Bound on multibase text in a value; a multihash of any sane size is far shorter. */
  private static final int MAX_MULTIBASE_CHARS = 1024;

  private static boolean isDigits(String s) {
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** A decimal number of ASCII digits (leading zeros allowed, as Go's ParseUint allows them) up to {@code max}. */
  private static long parseDecimal(String s, long max, String what) {
    if (s.isEmpty() || !isDigits(s)) {
      throw new IllegalArgumentException("must be " + what + ", a decimal number from 0 to " + max);
    }
    long v = 0;
    for (int k = 0; k < s.length(); k++) {
      v = v * 10 + (s.charAt(k) - '0');
      if (v > max) {
        throw new IllegalArgumentException("must be " + what + ", a decimal number from 0 to " + max);
      }
    }
    return v;
  }

  private static byte[] parseOnion(String s, int hostChars) {
    int colon = s.indexOf(':');
    if (colon < 0 || s.indexOf(':', colon + 1) >= 0) {
      throw new IllegalArgumentException("must be <address>:<port>");
    }
    String host = s.substring(0, colon);
    if (host.length() != hostChars) {
      throw new IllegalArgumentException("the address must be " + hostChars + " base32 characters, was "
          + host.length());
    }
    // Either case is accepted (Tor addresses are case-insensitive); ASCII-only upper-casing keeps the length.
    StringBuilder upper = new StringBuilder(hostChars);
    for (int k = 0; k < hostChars; k++) {
      char c = host.charAt(k);
      upper.append(c >= 'a' && c <= 'z' ? (char) (c - 32) : c);
    }
    byte[] addr = Rfc4648.BASE32_UPPER.decode(upper, false);
    int port = (int) parseDecimal(s.substring(colon + 1), 65535, "a port");
    if (port == 0) {
      throw new IllegalArgumentException("port must be from 1 to 65535, was 0");
    }
    byte[] out = Arrays.copyOf(addr, addr.length + 2);
    out[addr.length] = (byte) (port >>> 8);
    out[addr.length + 1] = (byte) port;
    return out;
  }

  private static void checkOnionPort(byte[] v) {
    if (v[v.length - 2] == 0 && v[v.length - 1] == 0) {
      throw new IllegalArgumentException("port must be from 1 to 65535, was 0");
    }
  }

  private static String formatOnion(byte[] v) {
    int port = ((v[v.length - 2] & 0xFF) << 8) | (v[v.length - 1] & 0xFF);
    return Rfc4648.BASE32_LOWER.encode(Arrays.copyOf(v, v.length - 2), false) + ":" + port;
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private static boolean unreserved(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '_' || c == '.' || c == '~';
  }

  private static String queryEscape(byte[] v) {
    StringBuilder sb = new StringBuilder(v.length * 3);
    for (byte b : v) {
      int c = b & 0xFF;
      if (unreserved(c)) {
        sb.append((char) c);
      } else if (c == ' ') {
        sb.append('+');
      } else {
        sb.append('%').append(HEX[c >>> 4]).append(HEX[c & 15]);
      }
    }
    return sb.toString();
  }

  private static byte[] queryUnescape(String s) {
    byte[] in = Text.utf8(s);
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
    for (int k = 0; k < in.length; k++) {
      int c = in[k];
      if (c == '%') {
        int hi = k + 1 < in.length ? Character.digit(in[k + 1], 16) : -1;
        int lo = k + 2 < in.length ? Character.digit(in[k + 2], 16) : -1;
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("'%' at byte " + k + " is not followed by two hex digits");
        }
        out.write((hi << 4) | lo);
        k += 2;
      } else if (c == '+') {
        out.write(' ');
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }
}
