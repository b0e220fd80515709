package io.braid.identity;

import io.braid.api.PeerId;
import io.braid.identity.internal.KeyEnvelope;
import io.braid.identity.internal.Verifier;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * A libp2p public key of any {@link KeyType}: verifies signatures and names a peer.
 *
 * <p>Obtain one from {@link PublicKeys#unmarshal(byte[])}, {@link PublicKeys#fromPeerId(PeerId)} or
 * {@link PrivateKey#publicKey()}. Every instance has been validated (a point on its curve, an RSA modulus
 * of 2048 to 8192 bits), so holding one means the key is usable.
 *
 * <p>Immutable and thread-safe. Equal by content: two keys are equal when their {@link #marshal()}
 * encodings are. Arguments must not be null ({@link NullPointerException} otherwise).
 */
public final class PublicKey {
  private final KeyType type;
  private final Verifier verifier;
  private final byte[] marshalled;
  private final PeerId peerId;

  PublicKey(Verifier verifier) {
    this.type = KeyType.fromNumber(verifier.type());
    this.verifier = verifier;
    this.marshalled = KeyEnvelope.encodePublic(verifier.type(), verifier.data());
    this.peerId = PeerIdDerivation.of(marshalled);
  }

  /** The key type. */
  public KeyType type() {
    return type;
  }

  /** The key's own encoding, the {@code Data} field of its protobuf (see {@link KeyType}); a fresh copy. */
  public byte[] raw() {
    return verifier.data();
  }

  /** The deterministic libp2p protobuf {@code PublicKey} encoding; a fresh copy. */
  public byte[] marshal() {
    return marshalled.clone();
  }

  /**
   * Whether {@code signature} is this key's signature of {@code data} in the key type's libp2p format.
   * A malformed signature of any length is simply not valid: this returns {@code false} and never
   * throws for it.
   *
   * @throws NullPointerException if an argument is null
   */
  public boolean verify(byte[] data, byte[] signature) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(signature, "signature");
    return verifier.verify(data, signature);
  }

  /**
   * The peer id of this key: the identity multihash of {@link #marshal()} when that is at most 42 bytes
   * (Ed25519, secp256k1), its sha2-256 multihash otherwise (ECDSA, RSA).
   */
  public PeerId toPeerId() {
    return peerId;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PublicKey k && MessageDigest.isEqual(k.marshalled, marshalled);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(marshalled);
  }

  /** The type and the peer id, e.g. {@code PublicKey[ED25519, 12D3KooW…]}. */
  @Override
  public String toString() {
    return "PublicKey[" + type + ", " + peerId + "]";
  }
}
