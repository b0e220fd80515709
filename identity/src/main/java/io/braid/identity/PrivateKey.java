package io.braid.identity;

import io.braid.identity.internal.KeyEnvelope;
import io.braid.identity.internal.Signer;
import java.util.Objects;

/**
 * A libp2p private key of any {@link KeyType}: signs, and knows its {@link #publicKey()}.
 *
 * <p>Obtain one from {@link KeyPair#generate(KeyType)} or {@link PrivateKeys#unmarshal(byte[])}. The
 * secret leaves this object only through {@link #marshal()}, which callers use to store the key; {@link
 * #toString()} shows the type and the peer id, never key material.
 *
 * <p>Immutable and thread-safe; equality is identity (comparing secrets is not something callers need).
 * Arguments must not be null ({@link NullPointerException} otherwise).
 */
public final class PrivateKey {
  private final KeyType type;
  private final Signer signer;
  private final PublicKey publicKey;

  PrivateKey(Signer signer) {
    this.type = KeyType.fromNumber(signer.type());
    this.signer = signer;
    this.publicKey = new PublicKey(signer.publicKey());
  }

  /** The key type. */
  public KeyType type() {
    return type;
  }

  /** The matching public key. */
  public PublicKey publicKey() {
    return publicKey;
  }

  /**
   * Signs {@code data} in the key type's libp2p format: Ed25519 signature; DER ECDSA over SHA-256
   * (secp256k1, P-256; RFC 6979 nonces, low S); RSASSA-PKCS1-v1_5 with SHA-256. Every type signs
   * deterministically: the same data gives the same signature.
   */
  public byte[] sign(byte[] data) {
    Objects.requireNonNull(data, "data");
    return signer.sign(data);
  }

  /**
   * The deterministic libp2p protobuf {@code PrivateKey} encoding: the secret key, a fresh copy that
   * the caller owns (and should erase when done). {@link PrivateKeys#unmarshal(byte[])} reads it back.
   */
  public byte[] marshal() {
    return KeyEnvelope.encodePrivate(signer.type(), signer.data());
  }

  /** The type and the peer id, never key material: {@code PrivateKey[ED25519, 12D3KooW…]}. */
  @Override
  public String toString() {
    return "PrivateKey[" + type + ", " + publicKey.toPeerId() + "]";
  }
}
