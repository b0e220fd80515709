package io.braid.api;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One live, secured, multiplexed connection to a remote peer.
 *
 * <p>Implemented by transports (and by fakes in tests); used by the swarm and by load balancers.
 * Every method is thread-safe; {@link #isOpen()} and {@link #streamCount()} never block and are cheap
 * enough to call on every stream placement.
 */
public interface NetConn extends AutoCloseable {

  /** An id unique within this process, stable for the connection's life, for logs and diagnostics. */
  String id();

  /** This side's peer id. */
  PeerId localPeer();

  /** The authenticated peer id of the remote side. */
  PeerId remotePeer();

  /** This side's address of the connection. */
  Multiaddr localAddress();

  /** The remote side's address of the connection. */
  Multiaddr remoteAddress();

  /** Whether this side dialed it. */
  Direction direction();

  /** {@code false} from the moment the connection starts closing; never true again. */
  boolean isOpen();

  /**
   * The number of streams open on this connection right now, in both directions: a stream counts from
   * the moment it is opened (before its protocol is negotiated) until it is fully closed or reset.
   * Exact at every moment, so a balancer sees real load.
   */
  int streamCount();

  /**
   * Opens an outbound stream and negotiates the first of {@code protocols} the remote side accepts.
   *
   * @param protocols protocol ids in order of preference; at least one
   * @return a future completed with the stream, or exceptionally with
   *     {@link ProtocolNegotiationException} (none accepted), {@link ConnectionClosedException} (the
   *     connection closed) or {@link LimitExceededException} (the stream limit was reached)
   * @throws IllegalArgumentException if {@code protocols} is empty
   */
  CompletableFuture<NetStream> newStream(String... protocols);

  /** Closes the connection and every stream on it. Idempotent; does not block. */
  @Override
  void close();

  /**
   * Completes, once, with the reason the connection closed, after {@link #isOpen()} turned false and
   * after every stream on it stopped counting. Never completes exceptionally.
   */
  CompletableFuture<CloseReason> closeFuture();

  // ---- health and drain (issue 14); defaults keep older transports compiling

  /** What {@link #bytesSent()}, {@link #bytesReceived()} and {@link #lastActivityNanos()} return when unknown. */
  long UNKNOWN = -1;

  /**
   * Sends one keep-alive ping (Yamux ping, or the transport's equivalent) and completes with the round trip
   * measured by the transport. Outstanding pings are bounded by the transport: over its bound the future
   * fails with {@link LimitExceededException}. Completes on a transport thread; must not block there.
   *
   * <p>The default fails with {@link UnsupportedOperationException}: a transport without pings gives no
   * health information, and the swarm then treats the connection as always healthy.
   *
   * @return the measured round trip; exceptionally with {@link ConnectionClosedException} once the
   *     connection closes, or {@link UnsupportedOperationException}
   */
  default CompletableFuture<Duration> ping() {
    return CompletableFuture.failedFuture(new UnsupportedOperationException(
        "connection " + id() + " does not support ping"));
  }

  /**
   * Closes the connection gracefully: from now on {@link #newStream} fails with
   * {@link ConnectionClosedException} ("draining") and {@link #isDraining()} is true; the remote is told
   * (Yamux GO_AWAY with the normal code) so it opens no more streams; streams in flight go on; the
   * connection closes when {@link #streamCount()} reaches 0 or when {@code grace} ends, whichever comes
   * first (streams still open then fail). Idempotent: a second call returns the same close and keeps the
   * first grace.
   *
   * <p>The default fails with {@link UnsupportedOperationException} (the swarm then closes the connection
   * itself at the end of the grace period, having taken it out of stream placement).
   *
   * @param grace how long streams in flight may take; zero closes at once
   * @return {@link #closeFuture()}, the reason being {@link CloseReason#LOCAL}
   * @throws IllegalArgumentException if {@code grace} is negative
   */
  default CompletableFuture<CloseReason> drain(Duration grace) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException(
        "connection " + id() + " does not support drain"));
  }

  /**
   * Whether this connection takes no new streams because it is draining: {@link #drain} was called on it,
   * or the remote side announced it goes away (Yamux GO_AWAY). Never false again once true. Default false.
   */
  default boolean isDraining() {
    return false;
  }

  /** Bytes written to the wire for this connection so far (framing and encryption included), or {@link #UNKNOWN}. */
  default long bytesSent() {
    return UNKNOWN;
  }

  /** Bytes read from the wire for this connection so far, or {@link #UNKNOWN}. */
  default long bytesReceived() {
    return UNKNOWN;
  }

  /**
   * When bytes last moved on this connection in either direction, on the {@link System#nanoTime()} scale
   * (the opening counts as activity; a test transport may use a fake clock of the same scale), or
   * {@link #UNKNOWN}.
   */
  default long lastActivityNanos() {
    return UNKNOWN;
  }
}
