package io.braid.identity.internal;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.math.ec.ECPoint;

/**
 * ECDSA keys on NIST P-256 as libp2p encodes them: public {@code Data} = DER SubjectPublicKeyInfo with
 * an uncompressed point, private {@code Data} = DER SEC1/RFC 5915 {@code ECPrivateKey} with the named
 * curve and the public key (what go-libp2p's {@code x509.MarshalECPrivateKey} writes; the spec text says
 * "PKIX", its test vector is SEC1). Signatures are DER ECDSA over SHA-256, deterministic (RFC 6979), low S.
 *
 * <p>Only P-256 is accepted. The arithmetic is bouncycastle's, see {@link EcMath} for why not the JDK's.
 */
public final class EcdsaP256Keys {
  private static final HexFormat HEX = HexFormat.of();
  /** SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING (66 bytes) }, up to the point. */
  private static final byte[] SPKI_PREFIX =
      HEX.parseHex("3059301306072a8648ce3d020106082a8648ce3d030107034200");
  /** 1.2.840.10045.3.1.7, prime256v1. */
  private static final ASN1ObjectIdentifier P256_OID = SECObjectIdentifiers.secp256r1;
  private static final int FIELD_BYTES = 32;
  private static final int POINT_BYTES = 1 + 2 * FIELD_BYTES;

  private EcdsaP256Keys() {}

  /**
   * @throws IllegalArgumentException unless {@code data} is the 91-byte DER SubjectPublicKeyInfo of a
   *     valid P-256 point, uncompressed
   */
  public static Verifier decodePublic(byte[] data) {
    if (data.length != SPKI_PREFIX.length + POINT_BYTES
        || !Arrays.equals(data, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)
        || data[SPKI_PREFIX.length] != 0x04) {
      throw new IllegalArgumentException(
          "ECDSA public key must be the DER SubjectPublicKeyInfo of an uncompressed P-256 point (91 bytes"
              + " starting 3059301306072a8648ce3d0201...), was " + data.length + " bytes that are not");
    }
    byte[] point = Arrays.copyOfRange(data, SPKI_PREFIX.length, data.length);
    return new Public(EcMath.decodePoint(EcMath.P256, point, "ECDSA P-256 public key"));
  }

  /**
   * @throws IllegalArgumentException unless {@code data} is a DER {@code ECPrivateKey} (version 1, a
   *     32-byte scalar in [1, n-1], the P-256 curve OID, and the matching public key) in canonical form
   */
  public static Signer decodePrivate(byte[] data) {
    StrictDer.Fields seq = StrictDer.Fields.of(data, "ECDSA private key (SEC1 ECPrivateKey)");
    BigInteger version = seq.unsignedInteger(8, "version");
    if (!version.equals(BigInteger.ONE)) {
      throw seq.fail("version must be 1, was " + version);
    }
    byte[] scalar = seq.octetString("private scalar");
    if (scalar.length != FIELD_BYTES) {
      throw seq.fail("private scalar must be 32 bytes, was " + scalar.length);
    }
    if (!seq.nextIsTagged(0)) {
      throw seq.fail("the curve parameters [0] are missing; libp2p keys name the curve");
    }
    if (!P256_OID.equals(seq.explicit(0, "curve parameters"))) {
      throw seq.fail("the curve is not P-256 (prime256v1); only P-256 is supported");
    }
    byte[] claimedPoint = null;
    if (seq.nextIsTagged(1)) {
      claimedPoint = seq.bitStringBytes(seq.explicit(1, "public key"), "public key");
    }
    seq.expectEnd();
    BigInteger d = new BigInteger(1, scalar);
    EcMath.checkScalar(EcMath.P256, d, "ECDSA private key");
    Private key = new Private(d, EcMath.publicPoint(EcMath.P256, d));
    if (claimedPoint != null && !MessageDigest.isEqual(claimedPoint, key.publicKey.point.getEncoded(false))) {
      throw new IllegalArgumentException("ECDSA private key: the embedded public key does not belong to the scalar");
    }
    if (!MessageDigest.isEqual(data, key.data())) {
      throw new IllegalArgumentException(
          "ECDSA private key is not in canonical form (version 1, 32-byte scalar, [0] P-256, [1] public key)");
    }
    return key;
  }

  public static Signer generate(SecureRandom random) {
    BigInteger d = EcMath.randomScalar(EcMath.P256, random);
    return new Private(d, EcMath.publicPoint(EcMath.P256, d));
  }

  private static final class Public implements Verifier {
    private final ECPoint point;

    Public(ECPoint point) {
      this.point = point;
    }

    @Override
    public int type() {
      return KeyEnvelope.ECDSA;
    }

    @Override
    public byte[] data() {
      byte[] encoded = point.getEncoded(false);
      byte[] out = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + encoded.length);
      System.arraycopy(encoded, 0, out, SPKI_PREFIX.length, encoded.length);
      return out;
    }

    @Override
    public boolean verify(byte[] message, byte[] signature) {
      return EcMath.verify(EcMath.P256, point, message, signature);
    }
  }

  private static final class Private implements Signer {
    private final BigInteger d;
    private final Public publicKey;

    Private(BigInteger d, ECPoint q) {
      this.d = d;
      this.publicKey = new Public(q);
    }

    @Override
    public int type() {
      return KeyEnvelope.ECDSA;
    }

    @Override
    public byte[] data() {
      // Version 1, the scalar in 32 bytes, [0] the curve, [1] the public key: go-libp2p's form.
      return StrictDer.encode(
          new ECPrivateKey(8 * FIELD_BYTES, d, new DERBitString(publicKey.point.getEncoded(false)), P256_OID));
    }

    @Override
    public Verifier publicKey() {
      return publicKey;
    }

    @Override
    public byte[] sign(byte[] message) {
      return EcMath.sign(EcMath.P256, d, message);
    }
  }
}
