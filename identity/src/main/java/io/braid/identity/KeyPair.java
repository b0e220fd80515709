package io.braid.identity;

import io.braid.identity.internal.KeySchemes;
import io.braid.identity.internal.RsaKeys;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * A private key and its public key, freshly generated.
 *
 * <p>Immutable and thread-safe. Generation draws from a {@link SecureRandom} (a new default instance
 * unless one is passed); RSA generation takes hundreds of milliseconds or more, the others well under
 * one. Arguments must not be null ({@link NullPointerException} otherwise).
 */
public final class KeyPair {
  private final PrivateKey privateKey;

  private KeyPair(PrivateKey privateKey) {
    this.privateKey = privateKey;
  }

  /** A new Ed25519 key pair, libp2p's recommended type. */
  public static KeyPair generate() {
    return generate(KeyType.ED25519);
  }

  /** A new key pair of {@code type}; RSA keys have 2048 bits. */
  public static KeyPair generate(KeyType type) {
    return generate(type, new SecureRandom());
  }

  /** A new key pair of {@code type} drawn from {@code random}; RSA keys have 2048 bits. */
  public static KeyPair generate(KeyType type, SecureRandom random) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(random, "random");
    return new KeyPair(new PrivateKey(KeySchemes.generate(type.number(), random)));
  }

  /**
   * A new RSA key pair with a {@code bits}-bit modulus and public exponent 65537.
   *
   * @throws IllegalArgumentException unless {@code 2048 <= bits <= 8192}
   */
  public static KeyPair generateRsa(int bits, SecureRandom random) {
    Objects.requireNonNull(random, "random");
    return new KeyPair(new PrivateKey(RsaKeys.generate(bits, random)));
  }

  /** The private key. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The public key; the same as {@code privateKey().publicKey()}. */
  public PublicKey publicKey() {
    return privateKey.publicKey();
  }

  /** Shows the public half only. */
  @Override
  public String toString() {
    return "KeyPair[" + privateKey.type() + ", " + privateKey.publicKey().toPeerId() + "]";
  }
}
