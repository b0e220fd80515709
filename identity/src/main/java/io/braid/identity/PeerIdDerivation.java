package io.braid.identity;

import io.braid.api.PeerId;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** libp2p/specs peer-ids.md, "Peer Ids": which multihash names a key. */
final class PeerIdDerivation {
  /** Encoded keys up to this length are inlined in the peer id (identity multihash). */
  static final int MAX_INLINE_KEY_LENGTH = 42;
  private static final int IDENTITY = 0x00;
  private static final int SHA2_256 = 0x12;

  private PeerIdDerivation() {}

  static PeerId of(byte[] marshalledPublicKey) {
    byte[] mh;
    if (marshalledPublicKey.length <= MAX_INLINE_KEY_LENGTH) {
      mh = new byte[2 + marshalledPublicKey.length];
      mh[0] = IDENTITY;
      mh[1] = (byte) marshalledPublicKey.length; // < 128: a one-byte varint
      System.arraycopy(marshalledPublicKey, 0, mh, 2, marshalledPublicKey.length);
    } else {
      byte[] digest;
      try {
        digest = MessageDigest.getInstance("SHA-256").digest(marshalledPublicKey);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK lacks SHA-256", e);
      }
      mh = new byte[2 + digest.length];
      mh[0] = SHA2_256;
      mh[1] = (byte) digest.length;
      System.arraycopy(digest, 0, mh, 2, digest.length);
    }
    return PeerId.fromBytes(mh);
  }
}
