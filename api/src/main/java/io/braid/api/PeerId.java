package io.braid.api;

import io.braid.api.internal.Base32;
import io.braid.api.internal.Base58;
import io.braid.api.internal.Varint;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A libp2p peer id: the multihash of a node's public key (the identity multihash when the encoded key is
 * at most 42 bytes, sha2-256 otherwise), per libp2p/specs peer-ids.
 *
 * <p>Immutable, thread-safe, equal by content. Text forms: base58btc of the multihash
 * ({@code Qm…}, {@code 12D3Koo…}, {@code 16Uiu2…}), the canonical one printed by {@link #toString()};
 * and CIDv1 with the {@code libp2p-key} codec in base32 ({@code bafz…}), from {@link #toCid()}.
 */
public final class PeerId implements Comparable<PeerId> {
  private static final int IDENTITY = 0x00;
  private static final int SHA2_256 = 0x12;
  private static final int LIBP2P_KEY_CODEC = 0x72;
  private static final int CID_V1 = 0x01;
  /** Longest accepted multihash: an identity hash of a key of a few hundred bytes is plenty. */
  static final int MAX_BYTES = 256;
  private static final int MAX_TEXT = 512;

  private final byte[] multihash;
  private int hash;

  private PeerId(byte[] multihash) {
    this.multihash = multihash;
  }

  /**
   * Parses a peer id from its multihash bytes.
   *
   * @throws IllegalArgumentException unless the bytes are one well-formed identity or sha2-256 multihash
   */
  public static PeerId fromBytes(byte[] multihash) {
    byte[] copy = multihash.clone();
    validateMultihash(copy);
    return new PeerId(copy);
  }

  /**
   * Parses a peer id from text: bare base58btc ({@code Qm…}, {@code 1…}) or a CIDv1 with the
   * {@code libp2p-key} codec in a multibase this class reads: base32 {@code b}/{@code B}, base36
   * {@code k}, base58btc {@code z}.
   *
   * @throws IllegalArgumentException saying what is wrong, for any other text
   */
  public static PeerId fromString(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("peer id text is empty");
    }
    if (text.length() > MAX_TEXT) {
      throw new IllegalArgumentException("peer id text too long: " + text.length() + " characters");
    }
    if (text.startsWith("Qm") || text.charAt(0) == '1') {
      return fromBytesWithContext(Base58.decode(text, MAX_TEXT), text);
    }
    byte[] cid = switch (text.charAt(0)) {
      case 'b' -> Base32.decode(text.substring(1));
      case 'B' -> Base32.decode(text.substring(1));
      case 'k' -> Base36.decode(text.substring(1));
      case 'z' -> Base58.decode(text.substring(1), MAX_TEXT);
      default -> throw new IllegalArgumentException("not a peer id: '" + abbreviate(text)
          + "' is neither base58btc nor a multibase CID");
    };
    return fromCidBytes(cid, text);
  }

  /** The multihash bytes; a fresh copy. */
  public byte[] toBytes() {
    return multihash.clone();
  }

  /** The bare base58btc form, as libp2p prints peer ids. */
  public String toBase58() {
    return Base58.encode(multihash);
  }

  /** The CIDv1 form: multibase base32 of {@code <0x01><0x72><multihash>}, starting {@code bafz}. */
  public String toCid() {
    byte[] cid = new byte[2 + multihash.length];
    cid[0] = CID_V1;
    cid[1] = LIBP2P_KEY_CODEC;
    System.arraycopy(multihash, 0, cid, 2, multihash.length);
    return "b" + Base32.encode(cid);
  }

  /**
   * The public key in libp2p protobuf encoding when it is inlined (identity multihash), else null.
   */
  public byte[] inlinedPublicKey() {
    if ((multihash[0] & 0xFF) != IDENTITY) {
      return null;
    }
    int[] pos = {1};
    int len = (int) Varint.read(multihash, pos);
    return Arrays.copyOfRange(multihash, pos[0], pos[0] + len);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PeerId p && Arrays.equals(p.multihash, multihash);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Arrays.hashCode(multihash);
      hash = h;
    }
    return h;
  }

  /** Orders by the multihash bytes, unsigned, lexicographically: a total order every node agrees on. */
  @Override
  public int compareTo(PeerId other) {
    return Arrays.compareUnsigned(multihash, other.multihash);
  }

  /** The base58btc form. */
  @Override
  public String toString() {
    return toBase58();
  }

  private static PeerId fromCidBytes(byte[] cid, String text) {
    int[] pos = {0};
    long version = Varint.read(cid, pos);
    if (version != CID_V1) {
      throw new IllegalArgumentException("peer id CID '" + abbreviate(text) + "' has version " + version
          + ", expected 1");
    }
    long codec = Varint.read(cid, pos);
    if (codec != LIBP2P_KEY_CODEC) {
      throw new IllegalArgumentException("peer id CID '" + abbreviate(text) + "' has codec 0x"
          + Long.toHexString(codec) + ", expected libp2p-key (0x72)");
    }
    return fromBytesWithContext(Arrays.copyOfRange(cid, pos[0], cid.length), text);
  }

  private static PeerId fromBytesWithContext(byte[] mh, String text) {
    try {
      validateMultihash(mh);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid peer id '" + abbreviate(text) + "': " + e.getMessage(), e);
    }
    return new PeerId(mh);
  }

  private static void validateMultihash(byte[] mh) {
    if (mh.length == 0) {
      throw new IllegalArgumentException("empty multihash");
    }
    if (mh.length > MAX_BYTES) {
      throw new IllegalArgumentException("multihash too long: " + mh.length + " bytes, at most " + MAX_BYTES);
    }
    int[] pos = {0};
    long code = Varint.read(mh, pos);
    long len = Varint.read(mh, pos);
    if (code == SHA2_256) {
      if (len != 32) {
        throw new IllegalArgumentException("sha2-256 multihash must have a 32-byte digest, declares " + len);
      }
    } else if (code != IDENTITY) {
      throw new IllegalArgumentException("multihash code 0x" + Long.toHexString(code)
          + " is not a peer id hash (identity 0x00 or sha2-256 0x12)");
    } else if (len == 0) {
      throw new IllegalArgumentException("identity multihash with an empty key");
    }
    if (len != mh.length - pos[0]) {
      throw new IllegalArgumentException("multihash declares a " + len + "-byte digest but has "
          + (mh.length - pos[0]));
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  /** Base36 (lowercase), multibase {@code k}. */
  private static final class Base36 {
    static byte[] decode(String text) {
      if (text.length() > MAX_TEXT) {
        throw new IllegalArgumentException("base36 text too long");
      }
      java.math.BigInteger n = java.math.BigInteger.ZERO;
      int zeros = 0;
      while (zeros < text.length() && text.charAt(zeros) == '0') {
        zeros++;
      }
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'z') ? c - 'a' + 10 : -1;
        if (d < 0) {
          throw new IllegalArgumentException("invalid base36 character '" + c + "' at index " + i);
        }
        n = n.multiply(java.math.BigInteger.valueOf(36)).add(java.math.BigInteger.valueOf(d));
      }
      byte[] mag = n.signum() == 0 ? new byte[0] : n.toByteArray();
      if (mag.length > 0 && mag[0] == 0) {
        mag = Arrays.copyOfRange(mag, 1, mag.length);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(new byte[zeros], 0, zeros);
      out.write(mag, 0, mag.length);
      return out.toByteArray();
    }
  }
}
