package io.braid.identity;

import io.braid.api.HostIdentity;
import io.braid.api.PeerId;
import java.util.Objects;

/**
 * A node's identity backed by a real libp2p private key: what transports need to prove who this node is
 * in a security handshake.
 *
 * <p>To keep an identity across restarts, generate a {@link KeyPair}, store {@code
 * privateKey().marshal()} safely, and load it with {@link #fromPrivateKey(byte[])}. This object never
 * hands its private key out, as {@link HostIdentity} requires; {@link #toString()} shows the peer id.
 *
 * <p>Immutable and thread-safe; {@link #sign(byte[])} may be called concurrently. Arguments must not be
 * null ({@link NullPointerException} otherwise).
 */
public final class Identity implements HostIdentity {
  private final PrivateKey privateKey;

  private Identity(PrivateKey privateKey) {
    this.privateKey = privateKey;
  }

  /** A new identity with a fresh Ed25519 key. */
  public static Identity generate() {
    return generate(KeyType.ED25519);
  }

  /** A new identity with a fresh key of {@code type} (RSA: 2048 bits). */
  public static Identity generate(KeyType type) {
    return new Identity(KeyPair.generate(type).privateKey());
  }

  /**
   * The identity of a stored private key, in the libp2p protobuf {@code PrivateKey} encoding.
   *
   * @throws IllegalArgumentException as {@link PrivateKeys#unmarshal(byte[])} does
   */
  public static Identity fromPrivateKey(byte[] marshalledPrivateKey) {
    return new Identity(PrivateKeys.unmarshal(marshalledPrivateKey));
  }

  /** The identity of {@code privateKey}. */
  public static Identity fromPrivateKey(PrivateKey privateKey) {
    return new Identity(Objects.requireNonNull(privateKey, "privateKey"));
  }

  @Override
  public PeerId peerId() {
    return privateKey.publicKey().toPeerId();
  }

  @Override
  public byte[] publicKey() {
    return privateKey.publicKey().marshal();
  }

  /** The public key as an object, to verify this identity's signatures. */
  public PublicKey verifyingKey() {
    return privateKey.publicKey();
  }

  /** The key type. */
  public KeyType keyType() {
    return privateKey.type();
  }

  /** {@inheritDoc} Never throws {@link UnsupportedOperationException}: a real key always signs. */
  @Override
  public byte[] sign(byte[] data) {
    return privateKey.sign(data);
  }

  /** The key type and peer id, never key material. */
  @Override
  public String toString() {
    return "Identity[" + privateKey.type() + ", " + peerId() + "]";
  }
}
