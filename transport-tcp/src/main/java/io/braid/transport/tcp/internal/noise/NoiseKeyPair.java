package io.braid.transport.tcp.internal.noise;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An X25519 key pair as Noise uses it (static {@code s} or ephemeral {@code e}): 32-byte private scalar,
 * 32-byte public u-coordinate. Immutable; accessors return copies. {@link #toString()} never shows the
 * private key.
 */
final class NoiseKeyPair {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] privateKey;
  private final byte[] publicKey;

  private NoiseKeyPair(byte[] privateKey, byte[] publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /** A fresh random key pair. */
  static NoiseKeyPair generate() {
    byte[] priv = new byte[X25519.KEY_LENGTH];
    RANDOM.nextBytes(priv);
    return fromPrivateKey(priv);
  }

  /**
   * The key pair of a fixed 32-byte private key (test vectors).
   *
   * @throws IllegalArgumentException if the key is not 32 bytes
   */
  static NoiseKeyPair fromPrivateKey(byte[] privateKey) {
    Objects.requireNonNull(privateKey, "privateKey");
    byte[] copy = privateKey.clone();
    return new NoiseKeyPair(copy, X25519.publicKey(copy));
  }

  byte[] privateKey() {
    return privateKey.clone();
  }

  byte[] publicKey() {
    return publicKey.clone();
  }

  /** DH(this private key, {@code remotePublic}); see {@link X25519#dh}. */
  byte[] dh(byte[] remotePublic) {
    return X25519.dh(privateKey, remotePublic);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NoiseKeyPair k && Arrays.equals(k.publicKey, publicKey);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(publicKey);
  }

  @Override
  public String toString() {
    return "NoiseKeyPair[public=" + HexFormat.of().formatHex(publicKey) + "]";
  }
}
