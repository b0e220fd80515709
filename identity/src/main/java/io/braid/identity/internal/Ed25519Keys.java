package io.braid.identity.internal;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Ed25519 keys as libp2p encodes them: public {@code Data} = the 32-byte key, private {@code Data} =
 * 32-byte seed || 32-byte public key. Signatures are plain 64-byte Ed25519 (RFC 8032) signatures.
 *
 * <p>Why bouncycastle and not the JDK's Ed25519: on JDK 17 the JDK's implementation took about 380 µs
 * to sign and 390 µs to verify on the build machine, bouncycastle's 21 µs and 47 µs; a Noise handshake
 * does one of each. The JDK 17 API also cannot derive a public key from a seed. CrossCheckTest checks
 * that both produce the same signatures.
 */
public final class Ed25519Keys {
  private static final int KEY_BYTES = 32;

  private Ed25519Keys() {}

  /** @throws IllegalArgumentException unless {@code data} is 32 bytes that decode to a curve point */
  public static Verifier decodePublic(byte[] data) {
    if (data.length != KEY_BYTES) {
      throw new IllegalArgumentException("Ed25519 public key must be 32 bytes, was " + data.length);
    }
    Ed25519PublicKeyParameters key;
    try {
      key = new Ed25519PublicKeyParameters(data, 0);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Ed25519 public key is not a point on the curve", e);
    }
    return new Public(key);
  }

  /**
   * @throws IllegalArgumentException unless {@code data} is 64 bytes whose second half is the public key
   *     of the seed in the first half
   */
  public static Signer decodePrivate(byte[] data) {
    if (data.length != 2 * KEY_BYTES) {
      throw new IllegalArgumentException(
          "Ed25519 private key must be 64 bytes (seed || public key), was " + data.length);
    }
    Private key = new Private(new Ed25519PrivateKeyParameters(data, 0));
    byte[] claimed = Arrays.copyOfRange(data, KEY_BYTES, 2 * KEY_BYTES);
    if (!MessageDigest.isEqual(claimed, key.publicKey.key.getEncoded())) {
      throw new IllegalArgumentException("Ed25519 private key: the public half does not belong to the seed");
    }
    return key;
  }

  public static Signer generate(SecureRandom random) {
    return new Private(new Ed25519PrivateKeyParameters(random));
  }

  private static final class Public implements Verifier {
    private final Ed25519PublicKeyParameters key;

    Public(Ed25519PublicKeyParameters key) {
      this.key = key;
    }

    @Override
    public int type() {
      return KeyEnvelope.ED25519;
    }

    @Override
    public byte[] data() {
      return key.getEncoded();
    }

    @Override
    public boolean verify(byte[] message, byte[] signature) {
      // Ed25519Signer buffers the message and is not thread-safe: one per call. It rejects signatures
      // of the wrong length and non-canonical S itself.
      Ed25519Signer verifier = new Ed25519Signer();
      verifier.init(false, key);
      verifier.update(message, 0, message.length);
      return verifier.verifySignature(signature);
    }
  }

  private static final class Private implements Signer {
    private final Ed25519PrivateKeyParameters key;
    private final Public publicKey;

    Private(Ed25519PrivateKeyParameters key) {
      this.key = key;
      this.publicKey = new Public(key.generatePublicKey());
    }

    @Override
    public int type() {
      return KeyEnvelope.ED25519;
    }

    @Override
    public byte[] data() {
      byte[] out = Arrays.copyOf(key.getEncoded(), 2 * KEY_BYTES);
      System.arraycopy(publicKey.key.getEncoded(), 0, out, KEY_BYTES, KEY_BYTES);
      return out;
    }

    @Override
    public Verifier publicKey() {
      return publicKey;
    }

    @Override
    public byte[] sign(byte[] message) {
      Ed25519Signer signer = new Ed25519Signer();
      signer.init(true, key);
      signer.update(message, 0, message.length);
      return signer.generateSignature();
    }
  }
}
