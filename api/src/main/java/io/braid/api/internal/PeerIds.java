package io.braid.api.internal;

import java.util.Arrays;

/**
 * The peer id rules of libp2p/specs peer-ids.md, on raw multihash bytes: which multihashes are peer ids,
 * and their text forms (bare base58btc, or a CIDv1 with the {@code libp2p-key} codec in any multibase).
 */
public final class PeerIds {
  /** Longest accepted multihash: an identity hash inlines keys of at most 42 bytes; this leaves plenty. */
  public static final int MAX_MULTIHASH_BYTES = 256;
  /** Longest accepted text: any accepted multihash fits in well under this in every supported form. */
  public static final int MAX_TEXT = 512;
  private static final int CID_V1 = 0x01;
  private static final int LIBP2P_KEY = 0x72;

  private PeerIds() {}

  /**
   * Checks that {@code mh} is a peer id: one identity multihash with a non-empty digest, or one sha2-256
   * multihash with a 32-byte digest.
   *
   * @throws IllegalArgumentException saying what is wrong otherwise
   */
  public static void validate(byte[] mh) {
    if (mh.length > MAX_MULTIHASH_BYTES) {
      throw new IllegalArgumentException("multihash too long: " + mh.length + " bytes, at most "
          + MAX_MULTIHASH_BYTES);
    }
    long code = Multihash.check(mh);
    int digest = mh.length - digestOffset(mh);
    if (code == Multihash.SHA2_256) {
      if (digest != 32) {
        throw new IllegalArgumentException("sha2-256 multihash must have a 32-byte digest, has " + digest);
      }
    } else if (code == Multihash.IDENTITY) {
      if (digest == 0) {
        throw new IllegalArgumentException("identity multihash with an empty key");
      }
    } else {
      throw new IllegalArgumentException("multihash code 0x" + Long.toHexString(code)
          + " is not a peer id hash (identity 0x00 or sha2-256 0x12)");
    }
  }

  /**
   * Parses peer id text: bare base58btc if it starts with {@code Qm} or {@code 1}, otherwise a multibase
   * CIDv1 with the {@code libp2p-key} codec.
   *
   * @return the multihash
   * @throws IllegalArgumentException saying what is wrong, for any other text
   */
  public static byte[] parse(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("peer id text is empty");
    }
    if (text.length() > MAX_TEXT) {
      throw new IllegalArgumentException("peer id text too long: " + text.length() + " characters, at most "
          + MAX_TEXT);
    }
    try {
      byte[] mh;
      if (text.startsWith("Qm") || text.startsWith("1")) {
        mh = BaseX.BASE58BTC.decode(text, MAX_TEXT);
      } else {
        byte[] cid;
        try {
          cid = Multibase.decode(text, MAX_TEXT);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("neither bare base58btc (which starts with 'Qm' or '1') nor a"
              + " multibase CID: " + e.getMessage(), e);
        }
        mh = multihashOfCid(cid);
      }
      validate(mh);
      return mh;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid peer id " + Text.quote(text) + ": " + e.getMessage(), e);
    }
  }

  /** The CIDv1 text of the peer id {@code mh}: base32 of {@code <0x01><0x72><multihash>}. */
  public static String toCid(byte[] mh) {
    byte[] cid = new byte[2 + mh.length];
    cid[0] = CID_V1;
    cid[1] = LIBP2P_KEY;
    System.arraycopy(mh, 0, cid, 2, mh.length);
    return Multibase.encodeBase32(cid);
  }

  /** The offset of the digest in a checked multihash. */
  public static int digestOffset(byte[] mh) {
    int[] pos = {0};
    Varint.read(mh, pos);
    Varint.read(mh, pos);
    return pos[0];
  }

  private static byte[] multihashOfCid(byte[] cid) {
    if (cid.length == 0) {
      throw new IllegalArgumentException("empty CID");
    }
    int[] pos = {0};
    long version = Varint.read(cid, pos);
    if (version != CID_V1) {
      throw new IllegalArgumentException("CID version " + version + ", expected 1");
    }
    if (pos[0] >= cid.length) {
      throw new IllegalArgumentException("CID has no codec");
    }
    long codec = Varint.read(cid, pos);
    if (codec != LIBP2P_KEY) {
      throw new IllegalArgumentException("CID codec 0x" + Long.toHexString(codec)
          + ", expected libp2p-key (0x72)");
    }
    return Arrays.copyOfRange(cid, pos[0], cid.length);
  }
}
