package io.braid.api.internal;

import java.util.Arrays;

/**
 * Big-number encodings whose base is not a power of two: base58btc (Bitcoin alphabet) and base36. Each
 * leading zero byte is written as one leading zero digit, as multibase specifies.
 *
 * <p>Conversion is quadratic in the length, so {@link #decode} rejects text longer than the caller's bound
 * before doing any work.
 */
public final class BaseX {
  public static final BaseX BASE58BTC =
      new BaseX("base58btc", "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz");
  public static final BaseX BASE36_LOWER = new BaseX("base36", "0123456789abcdefghijklmnopqrstuvwxyz");
  public static final BaseX BASE36_UPPER = new BaseX("base36", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");

  private final String name;
  private final char[] alphabet;
  private final int base;
  private final byte[] index = new byte[128];

  private BaseX(String name, String alphabet) {
    this.name = name;
    this.alphabet = alphabet.toCharArray();
    this.base = alphabet.length();
    Arrays.fill(index, (byte) -1);
    for (int i = 0; i < base; i++) {
      index[this.alphabet[i]] = (byte) i;
    }
  }

  public String encode(byte[] input) {
    int zeros = 0;
    while (zeros < input.length && input[zeros] == 0) {
      zeros++;
    }
    byte[] number = input.clone();
    // Each digit carries at least log2(36) > 5 bits, so two digits per byte is always room enough.
    char[] out = new char[input.length * 2];
    int outStart = out.length;
    for (int start = zeros; start < number.length; ) {
      out[--outStart] = alphabet[divmod(number, start, 256, base)];
      if (number[start] == 0) {
        start++;
      }
    }
    while (outStart < out.length && out[outStart] == alphabet[0]) {
      outStart++;
    }
    for (int i = 0; i < zeros; i++) {
      out[--outStart] = alphabet[0];
    }
    return new String(out, outStart, out.length - outStart);
  }

  /**
   * Decodes {@code text}.
   *
   * @param maxChars longer text is rejected before any work
   * @throws IllegalArgumentException on a character outside the alphabet or over-long text
   */
  public byte[] decode(CharSequence text, int maxChars) {
    int n = text.length();
    if (n > maxChars) {
      throw new IllegalArgumentException(name + " text too long: " + n + " characters, at most " + maxChars);
    }
    byte[] digits = new byte[n];
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      int d = c < 128 ? index[c] : -1;
      if (d < 0) {
        throw new IllegalArgumentException("invalid " + name + " character " + Text.quoteChar(c)
            + " at index " + i);
      }
      digits[i] = (byte) d;
    }
    int zeros = 0;
    while (zeros < n && digits[zeros] == 0) {
      zeros++;
    }
    // A digit carries less than 8 bits, so the bytes never outnumber the digits.
    byte[] decoded = new byte[n];
    int outStart = n;
    for (int start = zeros; start < n; ) {
      decoded[--outStart] = (byte) divmod(digits, start, base, 256);
      if (digits[start] == 0) {
        start++;
      }
    }
    while (outStart < n && decoded[outStart] == 0) {
      outStart++;
    }
    return Arrays.copyOfRange(decoded, outStart - zeros, n);
  }

  /** Divides the big number {@code number[first..]} (digits in {@code base}) by {@code divisor} in place. */
  private static int divmod(byte[] number, int first, int base, int divisor) {
    int remainder = 0;
    for (int i = first; i < number.length; i++) {
      int temp = remainder * base + (number[i] & 0xFF);
      number[i] = (byte) (temp / divisor);
      remainder = temp % divisor;
    }
    return remainder;
  }
}
