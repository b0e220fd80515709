package io.braid.api.internal;

import java.util.Arrays;

/**
 * The bit-packing encodings of RFC 4648 (base16, base32, base32hex, base64, base64url) and I2P's base64
 * variant, each with one fixed alphabet.
 *
 * <p>Decoding is strict so that every accepted text is the one {@link #encode} would print: characters
 * outside the alphabet (including the other letter case), wrong padding and non-zero trailing bits are all
 * rejected. That is what lets a multiaddr parsed from text print back to text that parses to the same bytes.
 */
public final class Rfc4648 {
  public static final Rfc4648 BASE16_LOWER = new Rfc4648("base16", "0123456789abcdef", 4, 1);
  public static final Rfc4648 BASE16_UPPER = new Rfc4648("base16", "0123456789ABCDEF", 4, 1);
  public static final Rfc4648 BASE32_LOWER = new Rfc4648("base32", "abcdefghijklmnopqrstuvwxyz234567", 5, 8);
  public static final Rfc4648 BASE32_UPPER = new Rfc4648("base32", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 5, 8);
  public static final Rfc4648 BASE32HEX_LOWER = new Rfc4648("base32hex", "0123456789abcdefghijklmnopqrstuv", 5, 8);
  public static final Rfc4648 BASE32HEX_UPPER = new Rfc4648("base32hex", "0123456789ABCDEFGHIJKLMNOPQRSTUV", 5, 8);
  public static final Rfc4648 BASE64 = new Rfc4648("base64",
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 6, 4);
  public static final Rfc4648 BASE64URL = new Rfc4648("base64url",
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 6, 4);
  /** I2P's base64: the standard alphabet with {@code -~} for {@code +/}, padded with {@code =}. */
  public static final Rfc4648 I2P_BASE64 = new Rfc4648("i2p base64",
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-~", 6, 4);

  private final String name;
  private final char[] alphabet;
  private final byte[] index = new byte[128];
  private final int bits;
  /** Characters per padded block (8 for base32, 4 for base64, 1 for base16, which never pads). */
  private final int block;

  private Rfc4648(String name, String alphabet, int bits, int block) {
    this.name = name;
    this.alphabet = alphabet.toCharArray();
    this.bits = bits;
    this.block = block;
    Arrays.fill(index, (byte) -1);
    for (int i = 0; i < this.alphabet.length; i++) {
      index[this.alphabet[i]] = (byte) i;
    }
  }

  /** The text for {@code data}, with {@code =} padding to a whole block if {@code pad}. */
  public String encode(byte[] data, boolean pad) {
    StringBuilder sb = new StringBuilder((data.length * 8 + bits - 1) / bits + block);
    int buffer = 0;
    int held = 0;
    int mask = (1 << bits) - 1;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xFF);
      held += 8;
      while (held >= bits) {
        held -= bits;
        sb.append(alphabet[(buffer >>> held) & mask]);
      }
      buffer &= (1 << held) - 1;
    }
    if (held > 0) {
      sb.append(alphabet[(buffer << (bits - held)) & mask]);
    }
    if (pad) {
      while (sb.length() % block != 0) {
        sb.append('=');
      }
    }
    return sb.toString();
  }

  /**
   * Decodes {@code text}, which must be padded to whole blocks if {@code padded} and must carry no padding
   * otherwise.
   *
   * @throws IllegalArgumentException on a character outside the alphabet, a length no encoder produces,
   *     wrong padding or non-zero trailing bits
   */
  public byte[] decode(CharSequence text, boolean padded) {
    int n = text.length();
    if (padded && block > 1) {
      if (n % block != 0) {
        throw new IllegalArgumentException("padded " + name + " length must be a multiple of " + block
            + ", was " + n);
      }
      int stripped = 0;
      while (stripped < block - 1 && n > 0 && text.charAt(n - 1) == '=') {
        n--;
        stripped++;
      }
    }
    if ((long) n * bits % 8 >= bits) {
      throw new IllegalArgumentException("invalid " + name + " length " + n);
    }
    byte[] out = new byte[(int) ((long) n * bits / 8)];
    int buffer = 0;
    int held = 0;
    int pos = 0;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      int v = c < 128 ? index[c] : -1;
      if (v < 0) {
        throw new IllegalArgumentException("invalid " + name + " character " + Text.quoteChar(c)
            + " at index " + i);
      }
      buffer = (buffer << bits) | v;
      held += bits;
      if (held >= 8) {
        held -= 8;
        out[pos++] = (byte) (buffer >>> held);
        buffer &= (1 << held) - 1;
      }
    }
    if (buffer != 0) {
      throw new IllegalArgumentException("non-canonical " + name + ": the unused trailing bits are not zero");
    }
    return out;
  }
}
