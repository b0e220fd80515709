package io.braid.api;

import java.time.Duration;
import java.util.List;

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
  // keep-N (issue 14): events of Network#keepConnected and ConnectionConfig#keepConnectedTarget

  /**
   * A kept peer has fewer usable connections than its target (a connection closed, or the keeping just
   * began); the network redials in the background. Fires once per episode, until
   * {@link #targetRestored} or {@link #keepConnectedGaveUp}.
   *
   * @param current the usable connections now, both directions
   * @param target the kept number
   */
  default void belowTarget(PeerId peer, int current, int target) {}

  /**
   * A kept peer is back at its target.
   *
   * @param connections the usable connections now (at least the target)
   * @param took from the {@link #belowTarget} event of this episode to now
   */
  default void targetRestored(PeerId peer, int connections, Duration took) {}

  /**
   * The network stopped keeping {@code peer}: {@code 1 + RetryConfig#maxRetries()} consecutive redial
   * rounds added no connection. It stays stopped until {@link Network#keepConnected} is called again.
   *
   * @param causes each failed round's failure (a {@link DialException} with every try, or the limit that
   *     refused), oldest first; immutable
   */
  default void keepConnectedGaveUp(PeerId peer, int target, List<Throwable> causes) {}
}
