package io.braid.api.internal;

/**
 * IPv4 and IPv6 address text, parsed and printed by hand: {@code InetAddress} would fall back to a DNS
 * lookup for text it does not recognise, and prints IPv6 in a non-canonical form.
 */
public final class IpText {
  private IpText() {}

  /**
   * Parses dotted-quad IPv4: four decimal octets 0-255 without leading zeros (which some parsers read as
   * octal, so they are refused rather than guessed at).
   */
  public static byte[] parse4(String s) {
    byte[] out = new byte[4];
    if (!parse4(s, 0, s.length(), out, 0)) {
      throw new IllegalArgumentException("invalid ip4 address " + Text.quote(s));
    }
    return out;
  }

  private static boolean parse4(String s, int from, int to, byte[] out, int at) {
    int p = from;
    for (int octet = 0; octet < 4; octet++) {
      if (octet > 0) {
        if (p >= to || s.charAt(p) != '.') {
          return false;
        }
        p++;
      }
      int start = p;
      int value = 0;
      while (p < to && p - start < 3 && s.charAt(p) >= '0' && s.charAt(p) <= '9') {
        value = value * 10 + (s.charAt(p) - '0');
        p++;
      }
      int digits = p - start;
      if (digits == 0 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
        return false;
      }
      out[at + octet] = (byte) value;
    }
    return p == to;
  }

  public static String format4(byte[] b) {
    return (b[0] & 0xFF) + "." + (b[1] & 0xFF) + "." + (b[2] & 0xFF) + "." + (b[3] & 0xFF);
  }

  /**
   * Parses IPv6 text (RFC 4291 section 2.2): eight groups of 1-4 hex digits, one {@code ::} standing for
   * at least one zero group, optionally a dotted-quad IPv4 address as the last 32 bits. No zone, no brackets.
   */
  public static byte[] parse6(String s) {
    byte[] out = new byte[16];
    int n = s.length();
    // The longest valid text is 45 characters; anything longer is refused before it is scanned.
    if (n < 2 || n > 45) {
      throw invalid6(s);
    }
    int i = 0;
    int ellipsis = -1;
    int p = 0;
    if (s.startsWith("::")) {
      ellipsis = 0;
      p = 2;
    }
    while (p < n) {
      if (i == 16) {
        throw invalid6(s);
      }
      int start = p;
      int value = 0;
      while (p < n && Character.digit(s.charAt(p), 16) >= 0 && s.charAt(p) < 0x80) {
        value = (value << 4) | Character.digit(s.charAt(p), 16);
        p++;
        if (p - start > 4) {
          break;
        }
      }
      if (p < n && s.charAt(p) == '.') {
        // Embedded IPv4: must be last and fill exactly the final 32 bits.
        if ((ellipsis < 0 && i != 12) || i > 12 || !parse4(s, start, n, out, i)) {
          throw invalid6(s);
        }
        i += 4;
        break;
      }
      int digits = p - start;
      if (digits == 0 || digits > 4) {
        throw invalid6(s);
      }
      out[i++] = (byte) (value >>> 8);
      out[i++] = (byte) value;
      if (p == n) {
        break;
      }
      if (s.charAt(p) != ':') {
        throw invalid6(s);
      }
      p++;
      if (p < n && s.charAt(p) == ':') {
        if (ellipsis >= 0) {
          throw invalid6(s);
        }
        ellipsis = i;
        p++;
      } else if (p == n) {
        throw invalid6(s); // a lone trailing ':'
      }
    }
    if (i < 16) {
      if (ellipsis < 0) {
        throw invalid6(s);
      }
      int gap = 16 - i;
      System.arraycopy(out, ellipsis, out, ellipsis + gap, i - ellipsis);
      java.util.Arrays.fill(out, ellipsis, ellipsis + gap, (byte) 0);
    } else if (ellipsis >= 0) {
      throw invalid6(s); // '::' must stand for at least one zero group
    }
    return out;
  }

  private static IllegalArgumentException invalid6(String s) {
    return new IllegalArgumentException("invalid ip6 address " + Text.quote(s));
  }

  /**
   * Prints IPv6 as go-multiaddr does: an IPv4-mapped address as {@code ::ffff:a.b.c.d}; any other in the
   * RFC 5952 canonical form (lower case, no leading zeros, the first longest run of two or more zero groups
   * as {@code ::}).
   */
  public static String format6(byte[] b) {
    boolean mapped = (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
    for (int k = 0; k < 10 && mapped; k++) {
      mapped = b[k] == 0;
    }
    if (mapped) {
      return "::ffff:" + (b[12] & 0xFF) + "." + (b[13] & 0xFF) + "." + (b[14] & 0xFF) + "." + (b[15] & 0xFF);
    }
    int[] w = new int[8];
    for (int k = 0; k < 8; k++) {
      w[k] = ((b[2 * k] & 0xFF) << 8) | (b[2 * k + 1] & 0xFF);
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int k = 0; k < 8; ) {
      if (w[k] != 0) {
        k++;
        continue;
      }
      int j = k;
      while (j < 8 && w[j] == 0) {
        j++;
      }
      if (j - k > bestLen) {
        bestStart = k;
        bestLen = j - k;
      }
      k = j;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int k = 0; k < 8; k++) {
      if (k == bestStart) {
        sb.append("::");
        k += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(w[k]));
    }
    return sb.toString();
  }
}
