package io.braid.identity.internal;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * RSA keys as libp2p encodes them: public {@code Data} = DER SubjectPublicKeyInfo (rsaEncryption),
 * private {@code Data} = DER PKCS#1 {@code RSAPrivateKey}. Signatures are RSASSA-PKCS1-v1_5 with SHA-256,
 * made by the JDK.
 *
 * <p>Moduli from 2048 to 8192 bits are accepted (libp2p/specs peer-ids.md recommends at least 2048; go-libp2p
 * caps at 8192). The bound is checked on the bit length of the modulus before any arithmetic, so a huge
 * key costs a parse of at most the envelope's 4096 or 8192 bytes, not a modular exponentiation. The DER
 * itself is read and written by bouncycastle through {@link StrictDer}.
 */
public final class RsaKeys {
  public static final int MIN_BITS = 2048;
  public static final int MAX_BITS = 8192;
  /** The public exponent fits in 32 bits, as in every mainstream implementation. */
  private static final int MAX_EXPONENT_BITS = 32;
  /** AlgorithmIdentifier { rsaEncryption, NULL }. */
  private static final AlgorithmIdentifier RSA_ALGORITHM =
      new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE);

  private RsaKeys() {}

  /**
   * @throws IllegalArgumentException unless {@code data} is a canonical DER SubjectPublicKeyInfo of an
   *     RSA key with a 2048..8192-bit odd modulus and an odd exponent >= 3 of at most 32 bits
   */
  public static Verifier decodePublic(byte[] data) {
    StrictDer.Fields spki = StrictDer.Fields.of(data, "RSA public key (SubjectPublicKeyInfo)");
    ASN1Primitive algorithm = spki.next("algorithm");
    if (!RSA_ALGORITHM.toASN1Primitive().equals(algorithm)) {
      throw spki.fail("the algorithm is not rsaEncryption with NULL parameters");
    }
    byte[] pkcs1 = spki.bitStringBytes("subjectPublicKey");
    spki.expectEnd();
    StrictDer.Fields key = StrictDer.Fields.of(pkcs1, "RSA public key (PKCS#1 RSAPublicKey)");
    BigInteger n = key.unsignedInteger(MAX_BITS, "modulus");
    BigInteger e = key.unsignedInteger(MAX_EXPONENT_BITS, "public exponent");
    key.expectEnd();
    checkPublic(n, e);
    Public pub = new Public(n, e);
    if (!MessageDigest.isEqual(data, pub.data())) {
      throw new IllegalArgumentException("RSA public key is not in canonical DER form");
    }
    return pub;
  }

  /**
   * @throws IllegalArgumentException unless {@code data} is a canonical DER PKCS#1 two-prime
   *     {@code RSAPrivateKey} whose parts are consistent (n = p·q, exponents and coefficient match)
   */
  public static Signer decodePrivate(byte[] data) {
    StrictDer.Fields seq = StrictDer.Fields.of(data, "RSA private key (PKCS#1 RSAPrivateKey)");
    BigInteger version = seq.unsignedInteger(8, "version");
    if (version.signum() != 0) {
      throw seq.fail("version must be 0 (two primes), was " + version);
    }
    BigInteger n = seq.unsignedInteger(MAX_BITS, "modulus");
    BigInteger e = seq.unsignedInteger(MAX_EXPONENT_BITS, "public exponent");
    BigInteger d = seq.unsignedInteger(MAX_BITS, "private exponent");
    BigInteger p = seq.unsignedInteger(MAX_BITS, "prime p");
    BigInteger q = seq.unsignedInteger(MAX_BITS, "prime q");
    BigInteger dp = seq.unsignedInteger(MAX_BITS, "exponent dp");
    BigInteger dq = seq.unsignedInteger(MAX_BITS, "exponent dq");
    BigInteger qinv = seq.unsignedInteger(MAX_BITS, "coefficient");
    seq.expectEnd();
    checkPublic(n, e);
    // Cheap consistency checks (a few multiplications and reductions); a key that fails them would
    // make signatures that no one can verify, or leak its primes through a faulty CRT signature.
    BigInteger one = BigInteger.ONE;
    if (p.compareTo(one) <= 0 || q.compareTo(one) <= 0 || !p.multiply(q).equals(n)) {
      throw new IllegalArgumentException("RSA private key: p·q is not the modulus");
    }
    BigInteger p1 = p.subtract(one);
    BigInteger q1 = q.subtract(one);
    if (d.signum() <= 0
        || d.compareTo(n) >= 0
        || !d.mod(p1).equals(dp)
        || !d.mod(q1).equals(dq)
        || !e.multiply(dp).mod(p1).equals(one)
        || !e.multiply(dq).mod(q1).equals(one)
        || !qinv.multiply(q).mod(p).equals(one)
        || qinv.compareTo(p) >= 0) {
      throw new IllegalArgumentException("RSA private key: the private exponents or the coefficient are inconsistent");
    }
    Private key = new Private(new RSAPrivateCrtKeySpec(n, e, d, p, q, dp, dq, qinv));
    if (!MessageDigest.isEqual(data, key.data())) {
      throw new IllegalArgumentException("RSA private key is not in canonical DER form");
    }
    return key;
  }

  /**
   * Generates a key with a {@code bits}-bit modulus and exponent 65537.
   *
   * @throws IllegalArgumentException unless 2048 <= bits <= 8192
   */
  public static Signer generate(int bits, SecureRandom random) {
    if (bits < MIN_BITS || bits > MAX_BITS) {
      throw new IllegalArgumentException("RSA key size must be in [" + MIN_BITS + ", " + MAX_BITS + "] bits, was " + bits);
    }
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4), random);
      RSAPrivateCrtKey k = (RSAPrivateCrtKey) g.generateKeyPair().getPrivate();
      return new Private(
          new RSAPrivateCrtKeySpec(
              k.getModulus(),
              k.getPublicExponent(),
              k.getPrivateExponent(),
              k.getPrimeP(),
              k.getPrimeQ(),
              k.getPrimeExponentP(),
              k.getPrimeExponentQ(),
              k.getCrtCoefficient()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot generate RSA keys", e);
    }
  }

  private static void checkPublic(BigInteger n, BigInteger e) {
    if (n.bitLength() < MIN_BITS) {
      throw new IllegalArgumentException(
          "RSA modulus of " + n.bitLength() + " bits is below the minimum of " + MIN_BITS);
    }
    if (!n.testBit(0)) {
      throw new IllegalArgumentException("RSA modulus is even");
    }
    if (e.compareTo(BigInteger.valueOf(3)) < 0 || !e.testBit(0)) {
      throw new IllegalArgumentException("RSA public exponent must be odd and at least 3, was " + e);
    }
  }

  private static final class Public implements Verifier {
    private final BigInteger n;
    private final BigInteger e;
    private final PublicKey key;

    Public(BigInteger n, BigInteger e) {
      this.n = n;
      this.e = e;
      try {
        this.key = Jca.keyFactory("RSA").generatePublic(new RSAPublicKeySpec(n, e));
      } catch (GeneralSecurityException ex) {
        throw new IllegalArgumentException("the JDK rejected the RSA public key: " + ex.getMessage(), ex);
      }
    }

    @Override
    public int type() {
      return KeyEnvelope.RSA;
    }

    @Override
    public byte[] data() {
      return StrictDer.encode(new SubjectPublicKeyInfo(RSA_ALGORITHM, StrictDer.encode(new RSAPublicKey(n, e))));
    }

    @Override
    public boolean verify(byte[] message, byte[] signature) {
      // RSASSA-PKCS1-v1_5 signatures are exactly as long as the modulus (RFC 8017, 8.2.2 step 1).
      if (signature.length != (n.bitLength() + 7) / 8) {
        return false;
      }
      return Jca.verify("SHA256withRSA", key, message, signature);
    }
  }

  private static final class Private implements Signer {
    private final RSAPrivateCrtKeySpec spec;
    private final PrivateKey key;
    private final Public publicKey;

    Private(RSAPrivateCrtKeySpec spec) {
      this.spec = spec;
      this.publicKey = new Public(spec.getModulus(), spec.getPublicExponent());
      try {
        this.key = Jca.keyFactory("RSA").generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException("the JDK rejected the RSA private key", e);
      }
    }

    @Override
    public int type() {
      return KeyEnvelope.RSA;
    }

    @Override
    public byte[] data() {
      // Version 0 (two primes), as bouncycastle writes it for these eight parts.
      return StrictDer.encode(
          new RSAPrivateKey(
              spec.getModulus(),
              spec.getPublicExponent(),
              spec.getPrivateExponent(),
              spec.getPrimeP(),
              spec.getPrimeQ(),
              spec.getPrimeExponentP(),
              spec.getPrimeExponentQ(),
              spec.getCrtCoefficient()));
    }

    @Override
    public Verifier publicKey() {
      return publicKey;
    }

    @Override
    public byte[] sign(byte[] message) {
      return Jca.sign("SHA256withRSA", key, message);
    }
  }
}
