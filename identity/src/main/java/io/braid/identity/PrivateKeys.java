package io.braid.identity;

import io.braid.identity.internal.KeyEnvelope;
import io.braid.identity.internal.KeySchemes;
import java.util.Objects;

/**
 * Reads private keys from the libp2p protobuf {@code PrivateKey} encoding (what {@link
 * PrivateKey#marshal()} writes and go-libp2p's {@code crypto.MarshalPrivateKey} writes).
 *
 * <p>Stateless and thread-safe. Error messages never contain key material. Arguments must not be null
 * ({@link NullPointerException} otherwise).
 */
public final class PrivateKeys {
  private PrivateKeys() {}

  /**
   * Decodes a protobuf {@code PrivateKey}; {@code marshal()} of the result equals {@code bytes}.
   *
   * @throws IllegalArgumentException with a message saying what is wrong when the bytes are not a
   *     deterministic protobuf {@code PrivateKey} (at most 8192 bytes), name an unknown key type, or carry
   *     key bytes that are not a valid, self-consistent key of that type (an Ed25519 public half that
   *     does not match the seed, a scalar out of range, RSA parts that do not fit together, an RSA
   *     modulus outside 2048..8192 bits). No other exception escapes.
   */
  public static PrivateKey unmarshal(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    KeyEnvelope.Contents c = KeyEnvelope.decodePrivate(bytes);
    return new PrivateKey(KeySchemes.decodePrivate(c.type(), c.data()));
  }
}
