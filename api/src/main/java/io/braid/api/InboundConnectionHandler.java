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

  /**
   * Like {@link #accept(Multiaddr)}, for a transport that can abort the handshake it is about to start:
   * the receiver may run {@code abort} later, once, on any thread, to close the raw connection before its
   * handshake ends (to make room for a connection from another address when the pending handshakes are
   * at their cap); the transport then calls {@link #failed} as for any failed handshake. Transports that
   * can abort call this method; by default it ignores {@code abort} and calls {@link #accept(Multiaddr)}.
   *
   * @param abort closes the raw connection; must not block
   */
  default boolean accept(Multiaddr remoteAddress, Runnable abort) {
    return accept(remoteAddress);
  }

  /** The handshake succeeded. The receiver owns {@code connection} and must close it eventually. */
  void connected(NetConn connection);

  /** The handshake failed or timed out; the transport has already closed the raw connection. */
  void failed(Multiaddr remoteAddress, Throwable cause);
}
