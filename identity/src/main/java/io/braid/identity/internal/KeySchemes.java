package io.braid.identity.internal;

import java.security.SecureRandom;

/** Dispatches on the libp2p key type number to the scheme that handles it. */
public final class KeySchemes {
  /** RSA keys generated without an explicit size have 2048 bits, the smallest libp2p accepts. */
  public static final int DEFAULT_RSA_BITS = 2048;

  private KeySchemes() {}

  /** @throws IllegalArgumentException for an unknown type or invalid key bytes */
  public static Verifier decodePublic(int type, byte[] data) {
    switch (type) {
      case KeyEnvelope.RSA:
        return RsaKeys.decodePublic(data);
      case KeyEnvelope.ED25519:
        return Ed25519Keys.decodePublic(data);
      case KeyEnvelope.SECP256K1:
        return Secp256k1Keys.decodePublic(data);
      case KeyEnvelope.ECDSA:
        return EcdsaP256Keys.decodePublic(data);
      default:
        throw new IllegalArgumentException("unknown key type " + type);
    }
  }

  /** @throws IllegalArgumentException for an unknown type or invalid key bytes */
  public static Signer decodePrivate(int type, byte[] data) {
    switch (type) {
      case KeyEnvelope.RSA:
        return RsaKeys.decodePrivate(data);
      case KeyEnvelope.ED25519:
        return Ed25519Keys.decodePrivate(data);
      case KeyEnvelope.SECP256K1:
        return Secp256k1Keys.decodePrivate(data);
      case KeyEnvelope.ECDSA:
        return EcdsaP256Keys.decodePrivate(data);
      default:
        throw new IllegalArgumentException("unknown key type " + type);
    }
  }

  /** A fresh key of {@code type} (RSA with {@link #DEFAULT_RSA_BITS}). */
  public static Signer generate(int type, SecureRandom random) {
    switch (type) {
      case KeyEnvelope.RSA:
        return RsaKeys.generate(DEFAULT_RSA_BITS, random);
      case KeyEnvelope.ED25519:
        return Ed25519Keys.generate(random);
      case KeyEnvelope.SECP256K1:
        return Secp256k1Keys.generate(random);
      case KeyEnvelope.ECDSA:
        return EcdsaP256Keys.generate(random);
      default:
        throw new IllegalArgumentException("unknown key type " + type);
    }
  }
}
