package io.braid.identity.internal;

import java.math.BigInteger;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/** Curve arithmetic the JDK does not offer: point decoding with validation, public key derivation. */
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
    byte[] inner = new Der.Writer().integer(r).integer(s).toByteArray();
    return new Der.Writer().tlv(Der.SEQUENCE, inner).toByteArray();
  }

  /** The (r, s) of a strict DER ECDSA signature with both in [1, n-1], or null if it is not one. */
  static BigInteger[] decodeSignature(ECDomainParameters domain, byte[] signature) {
    try {
      Der.Reader outer = Der.Reader.of(signature, "ECDSA signature");
      Der.Reader seq = outer.sequence();
      outer.expectEnd();
      int bits = domain.getN().bitLength();
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
