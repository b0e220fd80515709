package io.braid.api;

import java.time.Duration;

/**
 * Receives a {@link Network}'s connection events. Every method has an empty default, so a listener
 * overrides only what it needs.
 *
 * <p>Each event fires exactly once per connection or peer transition, in order for one peer, never while
 * the network holds a lock, on a thread of the network's executor. Listeners must not block. A listener
 * that throws is logged; the network and the other listeners go on.
 */
public interface NetworkListener {

  /** A connection was admitted and is in every view. */
  default void connectionOpened(NetConn connection) {}

  /** A connection closed and has left every view. */
  default void connectionClosed(NetConn connection, CloseReason reason) {}

  /** The first connection to {@code peer} opened (fires before that connection's {@code connectionOpened}). */
  default void peerConnected(PeerId peer) {}

  /** The last connection to {@code peer} closed (fires after that connection's {@code connectionClosed}). */
  default void peerDisconnected(PeerId peer) {}

  /**
   * A ping of {@code connection} has gone unanswered for {@code silentFor} (at least
   * {@link ConnectionConfig#keepAliveTimeout()}): it left stream placement, and it will be closed after
   * {@link ConnectionConfig#unhealthyGrace()} unless an answer arrives first.
   */
  default void connectionUnhealthy(NetConn connection, Duration silentFor) {}

  /** An unhealthy {@code connection} answered a ping again and is back in stream placement. */
  default void connectionHealthy(NetConn connection) {}
}
