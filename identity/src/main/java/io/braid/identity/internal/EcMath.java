package io.braid.identity.internal;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * ECDSA over SHA-256 on secp256k1 and P-256 with bouncycastle's lightweight API (no registered
 * provider, so no global state): point validation, key derivation, DER signatures.
 *
 * <p>Why not the JDK for P-256: on JDK 17 its ECDSA took about 340 µs to sign and 640 µs to verify on
 * the build machine, bouncycastle's 69 µs and 53 µs. CrossCheckTest checks that the two agree.
 */
final class EcMath {
  static final ECDomainParameters SECP256K1 = domain("secp256k1");
  static final ECDomainParameters P256 = domain("secp256r1");

  private EcMath() {}

  private static ECDomainParameters domain(String name) {
    X9ECParameters p = CustomNamedCurves.getByName(name);
    return new ECDomainParameters(p.getCurve(), p.getG(), p.getN(), p.getH());
  }

  /**
   * Decodes an encoded point (SEC1: compressed or uncompressed) and checks it lies on the curve, in the
   * prime-order group, and is not the point at infinity.
   */
  static ECPoint decodePoint(ECDomainParameters domain, byte[] encoded, String what) {
    ECPoint q;
    try {
      q = domain.getCurve().decodePoint(encoded);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(what + " is not a point on the curve: " + e.getMessage(), e);
    }
    if (q.isInfinity() || !q.isValid()) {
      throw new IllegalArgumentException(what + " is not a valid curve point");
    }
    return q.normalize();
  }

  /** Checks that {@code d} is a valid private scalar, 1 <= d < n. */
  static void checkScalar(ECDomainParameters domain, BigInteger d, String what) {
    if (d.signum() <= 0 || d.compareTo(domain.getN()) >= 0) {
      throw new IllegalArgumentException(what + " is not in [1, n-1]");
    }
  }

  /** d·G. */
  static ECPoint publicPoint(ECDomainParameters domain, BigInteger d) {
    return new FixedPointCombMultiplier().multiply(domain.getG(), d).normalize();
  }

  /** A private scalar drawn uniformly from [1, n-1]. */
  static BigInteger randomScalar(ECDomainParameters domain, SecureRandom random) {
    BigInteger n = domain.getN();
    byte[] candidate = new byte[(n.bitLength() + 7) / 8];
    // Rejection sampling: for both curves a draw falls outside [1, n-1] with probability below 2^-32,
    // so the bound of 64 draws is never reached by a working random source.
    for (int i = 0; i < 64; i++) {
      random.nextBytes(candidate);
      BigInteger d = new BigInteger(1, candidate);
      if (d.signum() > 0 && d.compareTo(n) < 0) {
        return d;
      }
    }
    throw new IllegalStateException("the random source gave 64 scalars out of range: it is broken");
  }

  /**
   * The DER ECDSA signature of SHA-256({@code message}). Deterministic (RFC 6979), so signing needs no
   * random source and leaks nothing through a weak one; S is normalized to the low half, which every
   * verifier accepts and some (Bitcoin-style secp256k1 libraries) require.
   */
  static byte[] sign(ECDomainParameters domain, BigInteger d, byte[] message) {
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, new ECPrivateKeyParameters(d, domain));
    BigInteger[] rs = signer.generateSignature(Jca.sha256(message));
    BigInteger n = domain.getN();
    BigInteger s = rs[1].compareTo(n.shiftRight(1)) > 0 ? n.subtract(rs[1]) : rs[1];
    return encodeSignature(rs[0], s);
  }

  /** Whether {@code signature} is a strict-DER ECDSA signature of SHA-256({@code message}) by {@code q}. */
  static boolean verify(ECDomainParameters domain, ECPoint q, byte[] message, byte[] signature) {
    BigInteger[] rs = decodeSignature(domain, signature);
    if (rs == null) {
      return false;
    }
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, new ECPublicKeyParameters(q, domain));
    return verifier.verifySignature(Jca.sha256(message), rs[0], rs[1]);
  }

  /** A big-endian unsigned integer left-padded to {@code size} bytes. */
  static byte[] fixed(BigInteger v, int size) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[size];
    int copy = Math.min(raw.length, size);
    System.arraycopy(raw, raw.length - copy, out, size - copy, copy);
    return out;
  }

  /** DER {@code SEQUENCE { INTEGER r, INTEGER s }}, as ECDSA signatures are encoded. */
  static byte[] encodeSignature(BigInteger r, BigInteger s) {
    return StrictDer.encode(new DERSequence(new ASN1Encodable[] {new ASN1Integer(r), new ASN1Integer(s)}));
  }

  /** The (r, s) of a strict DER ECDSA signature with both in [1, n-1], or null if it is not one. */
  static BigInteger[] decodeSignature(ECDomainParameters domain, byte[] signature) {
    int bits = domain.getN().bitLength();
    // SEQUENCE { INTEGER r, INTEGER s }, each at most bits/8 + 1 content bytes: 72 bytes for both curves.
    // Signatures come from the network unbounded by the key envelope's caps; a longer one is not parsed.
    if (signature.length > 6 + 2 * (bits / 8 + 1)) {
      return null;
    }
    try {
      StrictDer.Fields seq = StrictDer.Fields.of(signature, "ECDSA signature");
      BigInteger r = seq.unsignedInteger(bits, "r");
      BigInteger s = seq.unsignedInteger(bits, "s");
      seq.expectEnd();
      if (r.signum() == 0 || s.signum() == 0 || r.compareTo(domain.getN()) >= 0 || s.compareTo(domain.getN()) >= 0) {
        return null;
      }
      return new BigInteger[] {r, s};
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
