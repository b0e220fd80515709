package io.braid.api.internal;

/** Structural checks of multihashes: {@code <varint code><varint digest length><digest>}. */
public final class Multihash {
  public static final int IDENTITY = 0x00;
  public static final int SHA2_256 = 0x12;

  private Multihash() {}

  /**
   * Checks that {@code mh} is exactly one multihash and returns its code.
   *
   * @throws IllegalArgumentException if empty, truncated, with trailing bytes, or with bad varints
   */
  public static long check(byte[] mh) {
    if (mh.length == 0) {
      throw new IllegalArgumentException("empty multihash");
    }
    int[] pos = {0};
    long code = Varint.read(mh, pos);
    if (pos[0] >= mh.length) {
      throw new IllegalArgumentException("multihash has no digest length");
    }
    long len = Varint.read(mh, pos);
    int remaining = mh.length - pos[0];
    if (len != remaining) {
      throw new IllegalArgumentException("multihash declares a " + len + "-byte digest but has " + remaining
          + " bytes");
    }
    return code;
  }
}
