package io.braid.identity.internal;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.math.ec.ECPoint;

/**
 * secp256k1 keys as libp2p encodes them: public {@code Data} = 33-byte compressed point, private
 * {@code Data} = the raw 32-byte scalar. Signatures are DER ECDSA over SHA-256 of the message.
 *
 * <p>The JDK has no secp256k1 (removed in JDK 16): see {@link EcMath}. Signing is deterministic
 * (RFC 6979) and emits low-S signatures, as go-libp2p's signer does; verification accepts either S.
 */
public final class Secp256k1Keys {
  private static final int SCALAR_BYTES = 32;
  private static final int COMPRESSED_BYTES = 33;

  private Secp256k1Keys() {}

  /** @throws IllegalArgumentException unless {@code data} is a 33-byte compressed point on secp256k1 */
  public static Verifier decodePublic(byte[] data) {
    if (data.length != COMPRESSED_BYTES || (data[0] != 0x02 && data[0] != 0x03)) {
      throw new IllegalArgumentException(
          "secp256k1 public key must be a 33-byte compressed point (0x02/0x03 prefix), was " + data.length
              + " bytes");
    }
    ECPoint q = EcMath.decodePoint(EcMath.SECP256K1, data, "secp256k1 public key");
    return new Public(q);
  }

  /** @throws IllegalArgumentException unless {@code data} is a 32-byte scalar in [1, n-1] */
  public static Signer decodePrivate(byte[] data) {
    if (data.length != SCALAR_BYTES) {
      throw new IllegalArgumentException("secp256k1 private key must be 32 bytes, was " + data.length);
    }
    BigInteger d = new BigInteger(1, data);
    EcMath.checkScalar(EcMath.SECP256K1, d, "secp256k1 private key");
    return new Private(d);
  }

  public static Signer generate(SecureRandom random) {
    return new Private(EcMath.randomScalar(EcMath.SECP256K1, random));
  }

  private static final class Public implements Verifier {
    private final ECPoint q;
    private final byte[] data;

    Public(ECPoint q) {
      this.q = q;
      this.data = q.getEncoded(true);
    }

    @Override
    public int type() {
      return KeyEnvelope.SECP256K1;
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public boolean verify(byte[] message, byte[] signature) {
      return EcMath.verify(EcMath.SECP256K1, q, message, signature);
    }
  }

  private static final class Private implements Signer {
    private final BigInteger d;
    private final Public publicKey;

    Private(BigInteger d) {
      this.d = d;
      this.publicKey = new Public(EcMath.publicPoint(EcMath.SECP256K1, d));
    }

    @Override
    public int type() {
      return KeyEnvelope.SECP256K1;
    }

    @Override
    public byte[] data() {
      return EcMath.fixed(d, SCALAR_BYTES);
    }

    @Override
    public Verifier publicKey() {
      return publicKey;
    }

    @Override
    public byte[] sign(byte[] message) {
      return EcMath.sign(EcMath.SECP256K1, d, message);
    }
  }
}
