package io.braid.api;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link TransportProvider} gets to build a {@link Transport} for one node.
 *
 * @param identity the node's identity, used by the security handshake
 * @param streamRouter resolves inbound stream protocols to handlers
 * @param handshakeTimeout bound on an inbound handshake (the swarm passes
 *     {@link ConnectionConfig#connectionTimeout()}); positive
 * @param metrics where the transport reports the bytes it reads and writes
 *     ({@link NetworkMetrics#bytesRead}, {@link NetworkMetrics#bytesWritten}); the swarm passes its own,
 *     already isolated so that a throwing implementation cannot break the transport. {@link NetworkMetrics#NOOP}
 *     if none.
 */
public record TransportContext(HostIdentity identity, StreamRouter streamRouter, Duration handshakeTimeout,
    NetworkMetrics metrics) {
  public TransportContext {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(streamRouter, "streamRouter");
    Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    Objects.requireNonNull(metrics, "metrics");
    if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException("handshakeTimeout must be > 0, was " + handshakeTimeout);
    }
  }

  /** A context that reports no metrics ({@link NetworkMetrics#NOOP}). */
  public TransportContext(HostIdentity identity, StreamRouter streamRouter, Duration handshakeTimeout) {
    this(identity, streamRouter, handshakeTimeout, NetworkMetrics.NOOP);
  }
}
