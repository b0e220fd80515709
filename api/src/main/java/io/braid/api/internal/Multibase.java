package io.braid.api.internal;

/**
 * Multibase text: one prefix character naming the encoding, then the encoded bytes
 * (multiformats/multibase). Reads the common encodings: base16 {@code f F}, base32 {@code b B c C},
 * base32hex {@code v V t T}, base36 {@code k K}, base58btc {@code z}, base64 {@code m M} and base64url
 * {@code u U} (the upper-case or padded variant of each as the table defines). Letter case must match the
 * prefix, padding must match the variant.
 */
public final class Multibase {
  private Multibase() {}

  /**
   * Decodes multibase text.
   *
   * @param maxChars longer text is rejected before any work
   * @throws IllegalArgumentException if empty, too long, of an unsupported encoding, or malformed
   */
  public static byte[] decode(String text, int maxChars) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty multibase text");
    }
    if (text.length() > maxChars) {
      throw new IllegalArgumentException("multibase text too long: " + text.length() + " characters, at most "
          + maxChars);
    }
    String body = text.substring(1);
    char prefix = text.charAt(0);
    return switch (prefix) {
      case 'f' -> Rfc4648.BASE16_LOWER.decode(body, false);
      case 'F' -> Rfc4648.BASE16_UPPER.decode(body, false);
      case 'b' -> Rfc4648.BASE32_LOWER.decode(body, false);
      case 'B' -> Rfc4648.BASE32_UPPER.decode(body, false);
      case 'c' -> Rfc4648.BASE32_LOWER.decode(body, true);
      case 'C' -> Rfc4648.BASE32_UPPER.decode(body, true);
      case 'v' -> Rfc4648.BASE32HEX_LOWER.decode(body, false);
      case 'V' -> Rfc4648.BASE32HEX_UPPER.decode(body, false);
      case 't' -> Rfc4648.BASE32HEX_LOWER.decode(body, true);
      case 'T' -> Rfc4648.BASE32HEX_UPPER.decode(body, true);
      case 'k' -> BaseX.BASE36_LOWER.decode(body, maxChars);
      case 'K' -> BaseX.BASE36_UPPER.decode(body, maxChars);
      case 'z' -> BaseX.BASE58BTC.decode(body, maxChars);
      case 'm' -> Rfc4648.BASE64.decode(body, false);
      case 'M' -> Rfc4648.BASE64.decode(body, true);
      case 'u' -> Rfc4648.BASE64URL.decode(body, false);
      case 'U' -> Rfc4648.BASE64URL.decode(body, true);
      default -> throw new IllegalArgumentException("unsupported multibase prefix " + Text.quoteChar(prefix));
    };
  }

  /** Multibase base64url without padding (prefix {@code u}), as go-multiaddr prints certificate hashes. */
  public static String encodeBase64Url(byte[] data) {
    return "u" + Rfc4648.BASE64URL.encode(data, false);
  }

  /** Multibase base32, lower case, without padding (prefix {@code b}), as CIDv1 are printed. */
  public static String encodeBase32(byte[] data) {
    return "b" + Rfc4648.BASE32_LOWER.encode(data, false);
  }
}
