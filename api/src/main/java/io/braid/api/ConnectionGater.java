package io.braid.api;

/**
 * Allows or denies connections by peer and by address, at the earliest point each can be decided.
 * Every method defaults to allowing, so a gater overrides only what it cares about.
 *
 * <p>Called on network and transport threads, possibly concurrently; must be thread-safe, fast and
 * non-blocking. A gater that throws is treated as denying.
 */
public interface ConnectionGater {

  /** Allows everything. */
  ConnectionGater ALLOW_ALL = new ConnectionGater() {};

  /** Before dialing {@code peer} at all (no slot is reserved if this denies). */
  default boolean allowDialPeer(PeerId peer) {
    return true;
  }

  /** Before one connection attempt to {@code address} of {@code peer}. */
  default boolean allowDialAddress(PeerId peer, Multiaddr address) {
    return true;
  }

  /** When a raw inbound connection from {@code remoteAddress} arrives, before any handshake work. */
  default boolean allowAccept(Multiaddr remoteAddress) {
    return true;
  }

  /** Once the remote side is authenticated, in either direction, before the connection is admitted. */
  default boolean allowSecured(PeerId peer, Multiaddr remoteAddress, Direction direction) {
    return true;
  }
}
