package io.braid.api.internal;

import io.braid.api.Multiaddr.Component;
import io.braid.api.PeerId;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The multiaddr protocol table and the per-protocol value codecs. Internal: use {@code Multiaddr}.
 *
 * <p>PROVISIONAL: covers ip4, ip6, tcp, udp, dns, dns4, dns6, dnsaddr, p2p, memory and the value-less
 * protocols; the full table is being filled in.
 */
public final class MultiaddrCodec {
  private MultiaddrCodec() {}

  /** Size: 0 = no value, >0 = fixed bytes, -1 = varint length prefix. */
  private record Proto(int code, String name, int size) {}

  private static final Map<Integer, Proto> BY_CODE = new HashMap<>();
  private static final Map<String, Proto> BY_NAME = new HashMap<>();

  private static void add(int code, String name, int size) {
    Proto p = new Proto(code, name, size);
    BY_CODE.put(code, p);
    BY_NAME.put(name, p);
  }

  static {
    add(4, "ip4", 4);
    add(6, "tcp", 2);
    add(273, "udp", 2);
    add(41, "ip6", 16);
    add(53, "dns", -1);
    add(54, "dns4", -1);
    add(55, "dns6", -1);
    add(56, "dnsaddr", -1);
    add(421, "p2p", -1);
    add(777, "memory", 8);
    add(290, "p2p-circuit", 0);
    add(448, "tls", 0);
    add(454, "noise", 0);
    add(460, "quic", 0);
    add(461, "quic-v1", 0);
    add(477, "ws", 0);
    add(478, "wss", 0);
  }

  public static boolean hasValue(int code) {
    Proto p = BY_CODE.get(code);
    return p != null && p.size != 0;
  }

  public static boolean isLengthPrefixed(int code) {
    Proto p = BY_CODE.get(code);
    return p != null && p.size < 0;
  }

  public static List<Component> parse(String text) {
    if (text.isEmpty() || text.charAt(0) != '/') {
      throw new IllegalArgumentException("multiaddr must start with '/': '" + text + "'");
    }
    String[] parts = text.substring(1).split("/", -1);
    int n = parts.length;
    if (n > 0 && parts[n - 1].isEmpty()) {
      n--;
    }
    if (n == 0) {
      throw new IllegalArgumentException("empty multiaddr: '" + text + "'");
    }
    List<Component> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = parts[i];
      Proto p = BY_NAME.get(name.equals("ipfs") ? "p2p" : name);
      if (p == null) {
        throw new IllegalArgumentException("unknown multiaddr protocol '" + name + "' in '" + text + "'");
      }
      byte[] value = new byte[0];
      if (p.size != 0) {
        if (++i >= n || parts[i].isEmpty()) {
          throw new IllegalArgumentException("protocol '" + name + "' needs a value in '" + text + "'");
        }
        value = valueFromString(p, parts[i]);
      }
      out.add(new Component(p.code, p.name, value));
    }
    return out;
  }

  public static List<Component> decode(byte[] bytes) {
    if (bytes.length == 0) {
      throw new IllegalArgumentException("empty multiaddr bytes");
    }
    List<Component> out = new ArrayList<>();
    int[] pos = {0};
    while (pos[0] < bytes.length) {
      int at = pos[0];
      long code = Varint.read(bytes, pos);
      Proto p = code > Integer.MAX_VALUE ? null : BY_CODE.get((int) code);
      if (p == null) {
        throw new IllegalArgumentException("unknown multiaddr protocol code " + code + " at offset " + at);
      }
      int len = p.size;
      if (len < 0) {
        long l = Varint.read(bytes, pos);
        if (l > bytes.length - pos[0]) {
          throw new IllegalArgumentException("protocol '" + p.name + "' declares " + l
              + " bytes at offset " + at + " but only " + (bytes.length - pos[0]) + " remain");
        }
        len = (int) l;
      } else if (len > bytes.length - pos[0]) {
        throw new IllegalArgumentException("truncated '" + p.name + "' value at offset " + at);
      }
      byte[] v = java.util.Arrays.copyOfRange(bytes, pos[0], pos[0] + len);
      pos[0] += len;
      valueToString(p.code, v); // validates
      out.add(new Component(p.code, p.name, v));
    }
    return out;
  }

  private static byte[] valueFromString(Proto p, String s) {
    switch (p.name) {
      case "ip4":
        return Ip.parse4(s);
      case "ip6":
        return Ip.parse6(s);
      case "tcp":
      case "udp": {
        int port = parsePort(p.name, s);
        return new byte[] {(byte) (port >>> 8), (byte) port};
      }
      case "memory": {
        long v;
        try {
          v = Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("invalid memory value '" + s + "'");
        }
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
          b[i] = (byte) v;
          v >>>= 8;
        }
        return b;
      }
      case "p2p":
        return PeerId.fromString(s).toBytes();
      default: {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return b;
      }
    }
  }

  public static String valueToString(int code, byte[] v) {
    Proto p = BY_CODE.get(code);
    if (p == null) {
      throw new IllegalArgumentException("unknown multiaddr protocol code " + code);
    }
    switch (p.name) {
      case "ip4":
        return Ip.format4(v);
      case "ip6":
        return Ip.format6(v);
      case "tcp":
      case "udp":
        return Integer.toString(((v[0] & 0xFF) << 8) | (v[1] & 0xFF));
      case "memory": {
        long x = 0;
        for (byte b : v) {
          x = (x << 8) | (b & 0xFF);
        }
        return Long.toUnsignedString(x);
      }
      case "p2p":
        return PeerId.fromBytes(v).toBase58();
      default:
        return p.size == 0 ? "" : new String(v, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private static int parsePort(String name, String s) {
    if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("invalid " + name + " port '" + s + "'");
    }
    int port = Integer.parseInt(s);
    if (port > 65535) {
      throw new IllegalArgumentException(name + " port out of range: " + s);
    }
    return port;
  }

  /** IP address text codecs without DNS lookups (InetAddress would resolve names). */
  static final class Ip {
    static byte[] parse4(String s) {
      String[] parts = s.split("\\.", -1);
      if (parts.length != 4) {
        throw new IllegalArgumentException("invalid ip4 address '" + s + "'");
      }
      byte[] b = new byte[4];
      for (int i = 0; i < 4; i++) {
        String p = parts[i];
        if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
            || (p.length() > 1 && p.charAt(0) == '0')) {
          throw new IllegalArgumentException("invalid ip4 address '" + s + "'");
        }
        int v = Integer.parseInt(p);
        if (v > 255) {
          throw new IllegalArgumentException("invalid ip4 address '" + s + "'");
        }
        b[i] = (byte) v;
      }
      return b;
    }

    static String format4(byte[] b) {
      return (b[0] & 0xFF) + "." + (b[1] & 0xFF) + "." + (b[2] & 0xFF) + "." + (b[3] & 0xFF);
    }

    static byte[] parse6(String s) {
      if (s.isEmpty() || s.length() > 45 || !s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
        throw new IllegalArgumentException("invalid ip6 address '" + s + "'");
      }
      try {
        byte[] b = java.net.InetAddress.getByName("[" + s + "]").getAddress();
        if (b.length == 4) {
          byte[] m = new byte[16];
          m[10] = (byte) 0xFF;
          m[11] = (byte) 0xFF;
          System.arraycopy(b, 0, m, 12, 4);
          return m;
        }
        return b;
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException("invalid ip6 address '" + s + "'");
      }
    }

    static String format6(byte[] b) {
      // RFC 5952 canonical form: lowercase, longest zero run (length >= 2) compressed.
      int[] w = new int[8];
      for (int i = 0; i < 8; i++) {
        w[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
      }
      int bestStart = -1;
      int bestLen = 0;
      for (int i = 0; i < 8; ) {
        if (w[i] == 0) {
          int j = i;
          while (j < 8 && w[j] == 0) {
            j++;
          }
          if (j - i > bestLen && j - i >= 2) {
            bestStart = i;
            bestLen = j - i;
          }
          i = j;
        } else {
          i++;
        }
      }
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 8; i++) {
        if (i == bestStart) {
          sb.append("::");
          i += bestLen - 1;
          continue;
        }
        if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
          sb.append(':');
        }
        sb.append(Integer.toHexString(w[i]));
      }
      return sb.toString();
    }

    private Ip() {}
  }

  static void unused(ByteArrayOutputStream o) {}
}
