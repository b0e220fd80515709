package io.braid.identity.internal;

/** A decoded, validated public key of one libp2p key type. Immutable and thread-safe. */
public interface Verifier {
  /** The libp2p {@code KeyType} number (see {@link KeyEnvelope}). */
  int type();

  /** The {@code Data} field of the key's protobuf {@code PublicKey}; a fresh copy. */
  byte[] data();

  /**
   * Whether {@code signature} is this key's signature of {@code message}. Malformed signatures of any
   * shape or length give {@code false}; this method throws nothing but {@link NullPointerException}.
   */
  boolean verify(byte[] message, byte[] signature);
}
