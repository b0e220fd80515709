package io.braid.core.internal;

import io.braid.api.CloseReason;
import io.braid.api.ConnectionTimeoutException;
import io.braid.api.Direction;
import io.braid.api.LimitExceededException;
import io.braid.api.NetworkMetrics;
import io.braid.api.PeerId;
import io.braid.api.PeerIdMismatchException;
import io.braid.api.ProtocolNegotiationException;
import io.braid.api.TransportException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user's {@link NetworkMetrics}, called so that one that throws is logged (the first time at WARN
 * with its stack trace, later at DEBUG) and ignored instead of breaking a dial, an admission or a stream.
 * Also the swarm's clock for the durations it reports, and the mapping of failures to the port's small
 * enums. Handed to the transports too, through {@code TransportContext}.
 *
 * <p>Threads: any thread; the collaborators call it with no lock held (see the {@code Swarm} class
 * comment), so an implementation may read the swarm's views.
 */
public final class GuardedMetrics implements NetworkMetrics {
  private static final Logger log = LoggerFactory.getLogger(GuardedMetrics.class);

  /** The no-op guard: what a collaborator made without metrics uses. */
  static final GuardedMetrics NONE = new GuardedMetrics(NetworkMetrics.NOOP, System::nanoTime);

  private final NetworkMetrics delegate;
  private final LongSupplier nanoTime;
  private final AtomicBoolean warned = new AtomicBoolean();

  /**
   * @param delegate the user's metrics
   * @param nanoTime the clock durations are measured with ({@code System::nanoTime} in production)
   */
  public GuardedMetrics(NetworkMetrics delegate, LongSupplier nanoTime) {
    this.delegate = Objects.requireNonNull(delegate, "metrics");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /** Whether events go anywhere; lets a hot path skip work for {@link NetworkMetrics#NOOP}. */
  boolean enabled() {
    return delegate != NetworkMetrics.NOOP;
  }

  /** Now, on the clock durations are measured with. */
  long now() {
    return nanoTime.getAsLong();
  }

  /** The time since {@code start} (a {@link #now()} reading); never negative. */
  Duration since(long start) {
    return Duration.ofNanos(Math.max(0, nanoTime.getAsLong() - start));
  }

  /** The port's name for why an attempt failed. */
  static DialFailure classify(Throwable cause) {
    Throwable t = Failures.unwrap(cause);
    if (t instanceof ConnectionTimeoutException || t instanceof TimeoutException) {
      return DialFailure.TIMEOUT;
    }
    if (t instanceof PeerIdMismatchException) {
      return DialFailure.PEER_ID_MISMATCH;
    }
    if (t instanceof ProtocolNegotiationException) {
      return DialFailure.NEGOTIATION;
    }
    if (t instanceof LimitExceededException) {
      return DialFailure.LIMIT;
    }
    if (t instanceof io.braid.api.ConnectionClosedException) {
      return DialFailure.CLOSED;
    }
    if (t instanceof TransportException || t instanceof java.io.IOException) {
      return DialFailure.TRANSPORT;
    }
    return DialFailure.OTHER;
  }

  /** The scope of a {@link LimitExceededException}, by the limit's configuration name; null if unknown. */
  static LimitScope scopeOf(String limit) {
    switch (limit) {
      case "maxConnectionsPerPeer":
        return LimitScope.MAX_CONNECTIONS_PER_PEER;
      case "maxConnections":
        return LimitScope.MAX_CONNECTIONS;
      case "maxPendingHandshakes":
        return LimitScope.MAX_PENDING_HANDSHAKES;
      case "maxStreamsPerConnection":
        return LimitScope.MAX_STREAMS_PER_CONNECTION;
      default:
        return null;
    }
  }

  private void failed(String event, RuntimeException e) {
    if (warned.compareAndSet(false, true)) {
      log.warn("network metrics {} threw in {}; ignoring it (later failures are logged at DEBUG)", delegate,
          event, e);
    } else {
      log.debug("network metrics {} threw in {}: {}", delegate, event, e.toString());
    }
  }

  @Override
  public void connectionOpened(PeerId peer, Direction direction, String transport) {
    try {
      delegate.connectionOpened(peer, direction, transport);
    } catch (RuntimeException e) {
      failed("connectionOpened", e);
    }
  }

  @Override
  public void connectionClosed(PeerId peer, Direction direction, String transport, Duration lifetime,
      CloseReason.Kind reason) {
    try {
      delegate.connectionClosed(peer, direction, transport, lifetime, reason);
    } catch (RuntimeException e) {
      failed("connectionClosed", e);
    }
  }

  @Override
  public void peerConnections(PeerId peer, int connections) {
    try {
      delegate.peerConnections(peer, connections);
    } catch (RuntimeException e) {
      failed("peerConnections", e);
    }
  }

  @Override
  public void streamOpened(PeerId peer, Direction direction, int streamsOnConnection) {
    try {
      delegate.streamOpened(peer, direction, streamsOnConnection);
    } catch (RuntimeException e) {
      failed("streamOpened", e);
    }
  }

  @Override
  public void streamClosed(PeerId peer, Direction direction, int streamsOnConnection) {
    try {
      delegate.streamClosed(peer, direction, streamsOnConnection);
    } catch (RuntimeException e) {
      failed("streamClosed", e);
    }
  }

  @Override
  public void streamOpenLatency(PeerId peer, Duration latency, boolean succeeded) {
    try {
      delegate.streamOpenLatency(peer, latency, succeeded);
    } catch (RuntimeException e) {
      failed("streamOpenLatency", e);
    }
  }

  @Override
  public void balancerChoice(String balancer, int position, int candidates, boolean fallback) {
    try {
      delegate.balancerChoice(balancer, position, candidates, fallback);
    } catch (RuntimeException e) {
      failed("balancerChoice", e);
    }
  }

  @Override
  public void bytesRead(String transport, long bytes) {
    try {
      delegate.bytesRead(transport, bytes);
    } catch (RuntimeException e) {
      failed("bytesRead", e);
    }
  }

  @Override
  public void bytesWritten(String transport, long bytes) {
    try {
      delegate.bytesWritten(transport, bytes);
    } catch (RuntimeException e) {
      failed("bytesWritten", e);
    }
  }

  @Override
  public void dialAttempt(PeerId peer, String transport) {
    try {
      delegate.dialAttempt(peer, transport);
    } catch (RuntimeException e) {
      failed("dialAttempt", e);
    }
  }

  @Override
  public void dialRetry(PeerId peer, DialFailure cause) {
    try {
      delegate.dialRetry(peer, cause);
    } catch (RuntimeException e) {
      failed("dialRetry", e);
    }
  }

  @Override
  public void dialFailure(PeerId peer, DialFailure cause) {
    try {
      delegate.dialFailure(peer, cause);
    } catch (RuntimeException e) {
      failed("dialFailure", e);
    }
  }

  @Override
  public void handshakeCompleted(PeerId peer, String transport, Duration duration) {
    try {
      delegate.handshakeCompleted(peer, transport, duration);
    } catch (RuntimeException e) {
      failed("handshakeCompleted", e);
    }
  }

  @Override
  public void limitRefused(PeerId peer, LimitScope scope, Direction direction) {
    try {
      delegate.limitRefused(peer, scope, direction);
    } catch (RuntimeException e) {
      failed("limitRefused", e);
    }
  }

  @Override
  public String toString() {
    return "GuardedMetrics[" + delegate + "]";
  }
}
