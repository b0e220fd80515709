package io.braid.identity.internal;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;

/**
 * secp256k1 keys as libp2p encodes them: public {@code Data} = 33-byte compressed point, private
 * {@code Data} = the raw 32-byte scalar. Signatures are DER ECDSA over SHA-256 of the message.
 *
 * <p>The JDK has no secp256k1 (removed in JDK 16), so this is bouncycastle's lightweight API, used
 * directly rather than through a registered provider. Signing is deterministic (RFC 6979) and emits
 * low-S signatures, as go-libp2p's signer does; verification accepts either S.
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
    BigInteger n = EcMath.SECP256K1.getN();
    // Rejection sampling: a draw falls outside [1, n-1] with probability about 2^-128, so the bound of
    // 64 draws is never reached by a working random source.
    for (int i = 0; i < 64; i++) {
      byte[] candidate = new byte[SCALAR_BYTES];
      random.nextBytes(candidate);
      BigInteger d = new BigInteger(1, candidate);
      if (d.signum() > 0 && d.compareTo(n) < 0) {
        return new Private(d);
      }
    }
    throw new IllegalStateException("the random source gave 64 scalars out of range: it is broken");
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
      BigInteger[] rs = EcMath.decodeSignature(EcMath.SECP256K1, signature);
      if (rs == null) {
        return false;
      }
      ECDSASigner verifier = new ECDSASigner();
      verifier.init(false, new ECPublicKeyParameters(q, EcMath.SECP256K1));
      return verifier.verifySignature(Jca.sha256(message), rs[0], rs[1]);
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
      ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
      signer.init(true, new ECPrivateKeyParameters(d, EcMath.SECP256K1));
      BigInteger[] rs = signer.generateSignature(Jca.sha256(message));
      BigInteger n = EcMath.SECP256K1.getN();
      BigInteger s = rs[1].compareTo(n.shiftRight(1)) > 0 ? n.subtract(rs[1]) : rs[1];
      return EcMath.encodeSignature(rs[0], s);
    }
  }
}
