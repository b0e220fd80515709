package io.braid.transport.tcp.internal.yamux;

/**
 * Told about each stream the remote side opens. Called on the session's event loop, once per stream,
 * right after the stream was accepted (ACK sent); must not block. A listener that throws has that
 * stream reset; the session goes on.
 */
@FunctionalInterface
public interface MuxedStreamListener {
  void onInboundStream(MuxedStream stream);
}
