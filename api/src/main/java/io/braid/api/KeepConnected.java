package io.braid.api;

/**
 * The handle of a {@link Network#keepConnected} request: while it is active, the network keeps the peer
 * at {@link #target()} connections, redialing in the background when one closes.
 *
 * <p>It stops being active when {@link #close()} is called, when a later {@code keepConnected} for the same
 * peer replaces it, when the network gives up (see {@link NetworkListener#keepConnectedGaveUp}), on
 * {@link Network#closePeer} of the peer and on {@link Network#close()}. Stopping never closes a
 * connection: the peer keeps what it has. Thread-safe.
 */
public interface KeepConnected extends AutoCloseable {

  /** The peer kept connected. */
  PeerId peer();

  /** The number of connections kept, at least 1. */
  int target();

  /** Whether the network still looks after the peer for this handle. */
  boolean isActive();

  /** Stops looking after the peer (a redial waiting for its turn is cancelled); idempotent, never throws. */
  @Override
  void close();
}
