package io.braid.api.internal;

import java.io.ByteArrayOutputStream;

/** Unsigned LEB128 varints as multiformats use them: at most 9 bytes (63 bits), minimally encoded. */
public final class Varint {
  private Varint() {}

  public static void write(ByteArrayOutputStream out, long value) {
    if (value < 0) {
      throw new IllegalArgumentException("varint must be non-negative, was " + value);
    }
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  public static int size(long value) {
    int n = 1;
    while ((value & ~0x7FL) != 0) {
      value >>>= 7;
      n++;
    }
    return n;
  }

  /**
   * Reads a varint at {@code pos[0]} and advances it.
   *
   * @throws IllegalArgumentException if truncated, longer than 9 bytes, or not minimally encoded
   */
  public static long read(byte[] data, int[] pos) {
    long result = 0;
    int shift = 0;
    int start = pos[0];
    for (int i = 0; i < 9; i++) {
      int p = start + i;
      if (p >= data.length) {
        throw new IllegalArgumentException("truncated varint at offset " + start);
      }
      int b = data[p] & 0xFF;
      result |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        if (b == 0 && i > 0) {
          throw new IllegalArgumentException("varint at offset " + start + " is not minimally encoded");
        }
        pos[0] = p + 1;
        return result;
      }
      shift += 7;
    }
    throw new IllegalArgumentException("varint at offset " + start + " is longer than 9 bytes");
  }
}
