package io.braid.identity;

import io.braid.api.PeerId;
import io.braid.identity.internal.KeyEnvelope;
import io.braid.identity.internal.KeySchemes;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads public keys from their libp2p encodings, as peers send them (for example in a Noise handshake
 * payload). Decoding is strict: anything but one deterministic encoding of a valid key of a known type
 * is rejected, because peer ids hash these exact bytes.
 *
 * <p>Stateless and thread-safe. Arguments must not be null ({@link NullPointerException} otherwise).
 */
public final class PublicKeys {
  private PublicKeys() {}

  /**
   * Decodes a protobuf {@code PublicKey}; {@code marshal()} of the result equals {@code bytes}.
   *
   * @throws IllegalArgumentException with a message saying what is wrong when the bytes are not a
   *     deterministic protobuf {@code PublicKey} (truncated, unknown or repeated fields, over-long
   *     varints, longer than 4096 bytes), name an unknown key type, or carry key bytes that are not a
   *     valid key of that type (wrong length, malformed DER, a point off the curve, an RSA modulus outside
   *     2048..8192 bits). Nothing expensive happens before the size checks; no other exception escapes.
   */
  public static PublicKey unmarshal(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    KeyEnvelope.Contents c = KeyEnvelope.decodePublic(bytes);
    return new PublicKey(KeySchemes.decodePublic(c.type(), c.data()));
  }

  /**
   * The public key inlined in {@code peerId} (an identity multihash, as Ed25519 and secp256k1 peer ids
   * are), or empty when the peer id is a sha2-256 hash of the key (ECDSA, RSA), which only the peer can
   * supply.
   *
   * @throws IllegalArgumentException if the peer id inlines bytes that are not a valid public key
   */
  public static Optional<PublicKey> fromPeerId(PeerId peerId) {
    Objects.requireNonNull(peerId, "peerId");
    byte[] inlined = peerId.inlinedPublicKey();
    return inlined == null ? Optional.empty() : Optional.of(unmarshal(inlined));
  }
}
