package io.braid.identity.internal;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/** Small helpers over the JDK's providers (never a registered third-party provider: no global state). */
final class Jca {
  private Jca() {}

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  static KeyFactory keyFactory(String algorithm) {
    try {
      return KeyFactory.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks the " + algorithm + " key factory (JDK 17 has it)", e);
    }
  }

  /** Signs with a fresh {@link Signature}: Signature objects are stateful and not thread-safe. */
  static byte[] sign(String algorithm, PrivateKey key, byte[] message) {
    try {
      Signature s = Signature.getInstance(algorithm);
      s.initSign(key);
      s.update(message);
      return s.sign();
    } catch (GeneralSecurityException e) {
      // The key was validated when decoded, so this is a broken JDK, not bad input.
      throw new IllegalStateException(algorithm + " signing failed", e);
    }
  }

  /** Verifies with a fresh {@link Signature}; any failure to parse or check the signature is {@code false}. */
  static boolean verify(String algorithm, PublicKey key, byte[] message, byte[] signature) {
    try {
      Signature s = Signature.getInstance(algorithm);
      s.initVerify(key);
      s.update(message);
      return s.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      // A malformed signature from the network is an invalid signature, whatever the provider throws.
      return false;
    }
  }
}
