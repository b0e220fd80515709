package io.braid.api;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link TransportProvider} gets to build a {@link Transport} for one node.
 *
 * @param identity the node's identity, used by the security handshake
 * @param streamRouter resolves inbound stream protocols to handlers
 * @param handshakeTimeout bound on a handshake, inbound and outbound (the swarm passes the shorter of
 *     {@link ConnectionConfig#handshakeTimeout()} and {@link ConnectionConfig#connectionTimeout()});
 *     positive
 * @param metrics where the transport reports the bytes it reads and writes
 *     ({@link NetworkMetrics#bytesRead}, {@link NetworkMetrics#bytesWritten}); the swarm passes its own,
 *     already isolated so that a throwing implementation cannot break the transport. {@link NetworkMetrics#NOOP}
 *     if none.
 * @param resources what the transport asks before it opens or accepts a stream and before it buffers for
 *     one (the swarm passes its own); {@link ResourceManager#UNLIMITED} if none
 */
public record TransportContext(HostIdentity identity, StreamRouter streamRouter, Duration handshakeTimeout,
    NetworkMetrics metrics, ResourceManager resources) {
  public TransportContext {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(streamRouter, "streamRouter");
    Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(resources, "resources");
    if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException("handshakeTimeout must be > 0, was " + handshakeTimeout);
    }
  }

  /** A context with no resource limits ({@link ResourceManager#UNLIMITED}). */
  public TransportContext(HostIdentity identity, StreamRouter streamRouter, Duration handshakeTimeout,
      NetworkMetrics metrics) {
    this(identity, streamRouter, handshakeTimeout, metrics, ResourceManager.UNLIMITED);
  }

  /** A context that reports no metrics ({@link NetworkMetrics#NOOP}) and has no resource limits. */
  public TransportContext(HostIdentity identity, StreamRouter streamRouter, Duration handshakeTimeout) {
    this(identity, streamRouter, handshakeTimeout, NetworkMetrics.NOOP);
  }
}
