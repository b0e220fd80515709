package io.braid.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One connection's health and traffic at one moment: an immutable snapshot from
 * {@link Network#stats(PeerId)}, plain data for logs, dashboards and {@code braid watch}.
 *
 * <p>Times are nanoseconds so the record is cheap and exact; {@link #UNKNOWN} (-1) marks a value the
 * swarm or the transport does not know (no ping answered yet, a transport that counts no bytes). The
 * {@link Optional} accessors ({@link #smoothedRtt()}, {@link #idle()}) say the same in types.
 *
 * @param connectionId {@link NetConn#id()}
 * @param peer the remote peer
 * @param direction who dialed
 * @param remoteAddress the remote side's address
 * @param smoothedRttNanos smoothed RTT of keep-alive pings (RFC 6298 SRTT), or {@link #UNKNOWN}
 * @param rttVarianceNanos RTT variation (RFC 6298 RTTVAR), or {@link #UNKNOWN}
 * @param pingsAnswered pings answered so far
 * @param healthy false while a ping is overdue (see {@link ConnectionConfig#keepAliveTimeout()})
 * @param draining whether it takes no new streams (see {@link NetConn#drain})
 * @param streamsInFlight streams open now, both directions
 * @param bytesSent wire bytes sent, or {@link #UNKNOWN}
 * @param bytesReceived wire bytes received, or {@link #UNKNOWN}
 * @param ageNanos time since the swarm admitted it
 * @param idleNanos time since bytes last moved, or {@link #UNKNOWN}
 */
public record ConnectionStats(String connectionId, PeerId peer, Direction direction, Multiaddr remoteAddress,
    long smoothedRttNanos, long rttVarianceNanos, long pingsAnswered, boolean healthy, boolean draining,
    int streamsInFlight, long bytesSent, long bytesReceived, long ageNanos, long idleNanos) {

  /** The value of an unknown field. */
  public static final long UNKNOWN = -1;

  /**
   * @throws NullPointerException if an id, peer, direction or address is null
   * @throws IllegalArgumentException if a count or time is below {@link #UNKNOWN}, or the age or the
   *     stream count is negative
   */
  public ConnectionStats {
    Objects.requireNonNull(connectionId, "connectionId");
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(remoteAddress, "remoteAddress");
    atLeastUnknown("smoothedRttNanos", smoothedRttNanos);
    atLeastUnknown("rttVarianceNanos", rttVarianceNanos);
    atLeastUnknown("bytesSent", bytesSent);
    atLeastUnknown("bytesReceived", bytesReceived);
    atLeastUnknown("idleNanos", idleNanos);
    if (pingsAnswered < 0) {
      throw new IllegalArgumentException("pingsAnswered must be >= 0, was " + pingsAnswered);
    }
    if (streamsInFlight < 0) {
      throw new IllegalArgumentException("streamsInFlight must be >= 0, was " + streamsInFlight);
    }
    if (ageNanos < 0) {
      throw new IllegalArgumentException("ageNanos must be >= 0, was " + ageNanos);
    }
  }

  /**
   * A snapshot of what {@code conn} itself knows (no health information: RTT unknown, healthy), for a
   * {@link Network} that keeps none.
   */
  public static ConnectionStats of(NetConn conn) {
    return new ConnectionStats(conn.id(), conn.remotePeer(), conn.direction(), conn.remoteAddress(), UNKNOWN,
        UNKNOWN, 0, true, conn.isDraining(), conn.streamCount(), Math.max(UNKNOWN, conn.bytesSent()),
        Math.max(UNKNOWN, conn.bytesReceived()), 0, UNKNOWN);
  }

  /** The smoothed RTT; empty before the first answered ping. */
  public Optional<Duration> smoothedRtt() {
    return smoothedRttNanos == UNKNOWN ? Optional.empty() : Optional.of(Duration.ofNanos(smoothedRttNanos));
  }

  /** The age since admission. */
  public Duration age() {
    return Duration.ofNanos(ageNanos);
  }

  /** Time since bytes last moved; empty if the transport does not say. */
  public Optional<Duration> idle() {
    return idleNanos == UNKNOWN ? Optional.empty() : Optional.of(Duration.ofNanos(idleNanos));
  }

  /** Whether a balancer may place a stream on it: healthy and not draining. */
  public boolean usable() {
    return healthy && !draining;
  }

  private static void atLeastUnknown(String field, long value) {
    if (value < UNKNOWN) {
      throw new IllegalArgumentException(field + " must be >= -1 (unknown), was " + value);
    }
  }
}
