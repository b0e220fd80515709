package io.braid.identity.internal;

/** A decoded, validated private key of one libp2p key type. Immutable and thread-safe. */
public interface Signer {
  /** The libp2p {@code KeyType} number (see {@link KeyEnvelope}). */
  int type();

  /** The {@code Data} field of the key's protobuf {@code PrivateKey}; a fresh copy of secret bytes. */
  byte[] data();

  /** The matching public key. */
  Verifier publicKey();

  /** The key type's libp2p signature of {@code message}. */
  byte[] sign(byte[] message);
}
