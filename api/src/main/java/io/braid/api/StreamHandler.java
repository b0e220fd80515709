package io.braid.api;

/**
 * Serves inbound streams of one protocol. Registered with {@link Network#setStreamHandler}.
 *
 * <p>Called on a transport thread, once per stream, after the protocol is negotiated. It must not block:
 * it should start asynchronous reads and writes and return, or hand the stream to its own executor.
 * The handler owns the stream and must close or reset it eventually. A handler that throws has its
 * stream reset; the connection and other streams go on.
 */
@FunctionalInterface
public interface StreamHandler {
  void handle(NetStream stream);
}
