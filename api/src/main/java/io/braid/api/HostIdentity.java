package io.braid.api;

/**
 * This node's identity as a transport's security handshake needs it: the peer id, the public key and
 * a signing function. Implementations hold the private key and never expose it. Thread-safe.
 */
public interface HostIdentity {

  /** The peer id derived from {@link #publicKey()}. */
  PeerId peerId();

  /** The public key in the libp2p protobuf {@code PublicKey} encoding; a fresh copy each call. */
  byte[] publicKey();

  /**
   * Signs {@code data} with the private key, in the key type's libp2p signature format.
   *
   * @throws UnsupportedOperationException if this identity cannot sign (test identities)
   */
  byte[] sign(byte[] data);
}
