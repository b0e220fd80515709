package io.braid.api;

/**
 * Receives a listener's inbound connections, in two steps so that admission happens before any
 * handshake work is spent.
 *
 * <p>For every raw connection a transport accepts it calls {@link #accept} once, before the handshake.
 * If that returns {@code true} it later calls exactly one of {@link #connected} and {@link #failed};
 * if {@code false}, the transport closes the raw connection and calls nothing else. This pairing lets the
 * swarm reserve a slot in {@code accept} and release it on every path.
 *
 * <p>Called on transport threads; must not block.
 */
public interface InboundConnectionHandler {

  /** A raw connection arrived from {@code remoteAddress}; return {@code false} to refuse it at once. */
  boolean accept(Multiaddr remoteAddress);

  /** The handshake succeeded. The receiver owns {@code connection} and must close it eventually. */
  void connected(NetConn connection);

  /** The handshake failed or timed out; the transport has already closed the raw connection. */
  void failed(Multiaddr remoteAddress, Throwable cause);
}
