package io.braid.api;

import java.util.concurrent.CompletableFuture;

/**
 * Dials and listens over some kind of multiaddr, and upgrades raw connections into secured, multiplexed
 * {@link NetConn}s. Made by a {@link TransportProvider}, which the swarm finds with
 * {@link java.util.ServiceLoader}.
 *
 * <h2>Contract for implementers</h2>
 * <ul>
 *   <li>{@link #dial} authenticates the remote side and fails with {@link PeerIdMismatchException} if it
 *       is not {@code expectedPeer}. Cancelling the returned future aborts the attempt and releases its
 *       socket and buffers. The transport does not retry; the swarm does.</li>
 *   <li>Inbound connections go to the listener's {@link InboundConnectionHandler} as it specifies; an
 *       inbound handshake that does not finish within {@link TransportContext#handshakeTimeout()} fails.</li>
 *   <li>Inbound streams are negotiated against {@link TransportContext#streamRouter()}; an unknown
 *       protocol is refused and the stream's connection goes on.</li>
 *   <li>Futures may be completed on transport threads; nothing here blocks.</li>
 *   <li>{@link #close()} stops listeners and closes every connection the transport made.</li>
 * </ul>
 * The testkit's {@code TransportContract} checks all of this; every transport should extend it.
 */
public interface Transport extends AutoCloseable {

  /** Whether this transport can dial and listen on {@code address}. Cheap, pure. */
  boolean supports(Multiaddr address);

  /**
   * Connects to {@code address} and upgrades the connection.
   *
   * @param address where to connect; may end with {@code /p2p/<id>}, which must then equal
   *     {@code expectedPeer}
   * @param expectedPeer who must be on the other side
   * @return a future completed with the open connection, or exceptionally with
   *     {@link TransportException} (refused, reset, unreachable: retryable),
   *     {@link PeerIdMismatchException} or {@link ProtocolNegotiationException} (not retryable)
   * @throws IllegalArgumentException if {@code !supports(address)}
   */
  CompletableFuture<NetConn> dial(Multiaddr address, PeerId expectedPeer);

  /**
   * Starts listening on {@code address}.
   *
   * @return a future completed once bound, with the concrete addresses
   * @throws IllegalArgumentException if {@code !supports(address)}
   */
  CompletableFuture<TransportListener> listen(Multiaddr address, InboundConnectionHandler handler);

  /** Closes every listener and connection of this transport. Idempotent; does not block. */
  @Override
  void close();
}
