package io.braid.identity.planted;

import com.google.protobuf.ByteString;
import io.braid.api.PeerId;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.crypto.digests.SHA256Digest;

/** Planted, allowed: identity using the api, the JDK, bouncycastle and protobuf-java. */
public final class IdentityUsesApiJdkBouncycastleAndProtobuf {
  public PeerId hashed(ByteString key) throws NoSuchAlgorithmException {
    byte[] jdk = MessageDigest.getInstance("SHA-256").digest(key.toByteArray());
    SHA256Digest bc = new SHA256Digest();
    byte[] out = new byte[32];
    bc.update(key.toByteArray(), 0, key.size());
    bc.doFinal(out, 0);
    byte[] mh = new byte[34];
    mh[0] = 0x12;
    mh[1] = 32;
    System.arraycopy(MessageDigest.isEqual(jdk, out) ? out : jdk, 0, mh, 2, 32);
    return PeerId.fromBytes(mh);
  }
}
