package io.braid.transport.tcp.internal.noise;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.KeyAgreement;

/**
 * X25519 (RFC 7748) on the JDK's {@code XDH} provider, in the raw 32-byte encodings Noise puts on the
 * wire. The JDK clamps the scalar itself; this class converts the little-endian u-coordinate and rejects
 * the all-zero shared secret a low-order public key produces (Noise rev 34 section 12.1 allows either
 * behaviour; libp2p implementations reject it).
 */
final class X25519 {
  static final int KEY_LENGTH = 32;

  private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
  private static final byte[] BASE_POINT = new byte[KEY_LENGTH];

  static {
    BASE_POINT[0] = 9;
  }

  private X25519() {}

  /** The public key of a 32-byte private key (the scalar multiple of the base point). */
  static byte[] publicKey(byte[] privateKey) {
    return dh(privateKey, BASE_POINT);
  }

  /**
   * The shared secret of {@code privateKey} and {@code publicKey}, both 32 bytes.
   *
   * @throws NoiseHandshakeException if the public key has small order (all-zero result)
   * @throws IllegalArgumentException if a key is not 32 bytes
   */
  static byte[] dh(byte[] privateKey, byte[] publicKey) {
    checkLength("private key", privateKey);
    checkLength("public key", publicKey);
    try {
      KeyFactory factory = KeyFactory.getInstance("XDH");
      PrivateKey priv =
          factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey.clone()));
      PublicKey pub =
          factory.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, decodeU(publicKey)));
      KeyAgreement agreement = KeyAgreement.getInstance("X25519");
      agreement.init(priv);
      byte[] secret;
      try {
        agreement.doPhase(pub, true);
        secret = agreement.generateSecret();
      } catch (InvalidKeyException | IllegalStateException e) {
        // The JDK reports the all-zero result as "Point has small order" (InvalidKeyException in 17+).
        throw lowOrder(e);
      }
      if (isAllZero(secret)) {
        throw lowOrder(null);
      }
      return secret;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK's X25519 failed", e);
    }
  }

  private static NoiseHandshakeException lowOrder(Throwable cause) {
    return new NoiseHandshakeException(
        "X25519 with the remote key gave the all-zero secret: the remote sent a low-order public key", cause);
  }

  /** RFC 7748 decodeUCoordinate: little-endian, top bit ignored, non-canonical values reduced mod p. */
  private static BigInteger decodeU(byte[] u) {
    byte[] bigEndian = new byte[KEY_LENGTH];
    for (int i = 0; i < KEY_LENGTH; i++) {
      bigEndian[i] = u[KEY_LENGTH - 1 - i];
    }
    bigEndian[0] &= 0x7f;
    return new BigInteger(1, bigEndian).mod(P);
  }

  private static boolean isAllZero(byte[] b) {
    int acc = 0;
    for (byte x : b) {
      acc |= x;
    }
    return acc == 0;
  }

  private static void checkLength(String what, byte[] key) {
    if (key.length != KEY_LENGTH) {
      throw new IllegalArgumentException("X25519 " + what + " must be 32 bytes, was " + key.length);
    }
  }
}
