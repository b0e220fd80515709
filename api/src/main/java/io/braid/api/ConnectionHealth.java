package io.braid.api;

/**
 * What the swarm knows about the health of its connections, as a {@link LoadBalancer} sees it through
 * {@link LoadBalancer#select(PeerId, java.util.List, ConnectionHealth)}.
 *
 * <p>Every lookup is cheap and allocation-free (a balancer calls them on every stream open), thread-safe,
 * and never blocks. A connection the implementation does not know (not the swarm's, or already closed)
 * reads as unknown RTT, no streams, healthy and not draining. Values are live: two calls may differ.
 */
public interface ConnectionHealth {

  /** What the RTT lookups return while no ping has been answered (or the transport has no ping). */
  long UNKNOWN_RTT = -1;

  /** No health information: RTT unknown, in-flight from {@link NetConn#streamCount()}, always healthy. */
  ConnectionHealth NONE = new ConnectionHealth() {
    @Override
    public long smoothedRttNanos(NetConn conn) {
      return UNKNOWN_RTT;
    }

    @Override
    public long lastRttNanos(NetConn conn) {
      return UNKNOWN_RTT;
    }

    @Override
    public boolean healthy(NetConn conn) {
      return true;
    }

    @Override
    public String toString() {
      return "ConnectionHealth.NONE";
    }
  };

  /**
   * The smoothed round trip of {@code conn}'s keep-alive pings (TCP's SRTT, RFC 6298: gain 1/8), in
   * nanoseconds; {@link #UNKNOWN_RTT} before the first answer.
   */
  long smoothedRttNanos(NetConn conn);

  /** The round trip of the last answered ping, in nanoseconds, unsmoothed; {@link #UNKNOWN_RTT} before one. */
  long lastRttNanos(NetConn conn);

  /** Streams open on {@code conn} right now, both directions; by default {@link NetConn#streamCount()}. */
  default int inFlight(NetConn conn) {
    return conn.streamCount();
  }

  /**
   * False while a ping of {@code conn} has gone unanswered for longer than the keep-alive timeout; true
   * again when an answer arrives. A connection without ping support is always healthy.
   */
  boolean healthy(NetConn conn);

  /** Whether {@code conn} takes no new streams (draining here or told by the remote); by default {@link NetConn#isDraining()}. */
  default boolean draining(NetConn conn) {
    return conn.isDraining();
  }

  /** Healthy and not draining: a connection a balancer may pick. */
  default boolean usable(NetConn conn) {
    return healthy(conn) && !draining(conn);
  }
}
