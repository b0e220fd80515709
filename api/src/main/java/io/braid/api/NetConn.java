package io.braid.api;

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
}
