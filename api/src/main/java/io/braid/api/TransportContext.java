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
 */
public record TransportContext(HostIdentity identity, StreamRouter streamRouter, Duration handshakeTimeout) {
  public TransportContext {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(streamRouter, "streamRouter");
    Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException("handshakeTimeout must be > 0, was " + handshakeTimeout);
    }
  }
}
