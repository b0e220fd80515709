package io.braid.transport.tcp.internal.yamux;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One Yamux stream, with the semantics of {@link io.braid.api.NetStream} minus {@code protocol()} and
 * {@code connection()}, which the wiring adds when it wraps this into a NetStream.
 *
 * <p><b>Ownership:</b> no Netty buffer crosses this interface. {@link #read()} hands out a heap
 * {@link ByteBuffer} copied from the wire that the caller owns; {@link #receiveAll} lends views of the
 * session's own buffers, valid for the duration the receiver's contract states; {@link #write(ByteBuffer)} moves the
 * buffer's position to its limit at once but does not copy it: the frames refer to the caller's bytes
 * until they are written to the socket, so the caller must not modify them before the write's future
 * completes (as {@link io.braid.api.NetStream#write} says).
 *
 * <p><b>Threads:</b> all methods are thread-safe; work runs on the session's event loop and futures
 * are completed there, so dependent actions must not block.
 */
public interface MuxedStream {

  /** The Yamux stream id (odd when the client opened it, even when the server did). */
  long id();

  /** Whether this side opened the stream. */
  boolean isOutbound();

  /**
   * The next received bytes: a read-only, non-empty buffer; an empty buffer once the remote
   * half-closed and everything before was read. Fails with {@link io.braid.api.StreamResetException}
   * after a reset, {@link io.braid.api.ConnectionClosedException} after the session closed.
   * Reading returns receive-window credit to the remote writer.
   *
   * @throws IllegalStateException if a read is already outstanding
   */
  CompletableFuture<ByteBuffer> read();

  /**
   * Pushes every remaining byte to {@code receiver}, with the contract of
   * {@link io.braid.api.NetStream#receiveAll(io.braid.api.NetStream.Receiver)}: each chunk is a read-only
   * view of the decrypted frame itself (no copy) while the receiver keeps up; bytes that arrived before
   * (or while the receiver paused) are delivered from the stream's receive queue first.
   *
   * @throws IllegalStateException if a read is outstanding or a receiver is already installed
   */
  CompletableFuture<Void> receiveAll(io.braid.api.NetStream.Receiver receiver);

  /**
   * Queues {@code data}'s remaining bytes after every earlier write; the future completes once they
   * were sent within the remote's receive window and written to the socket. Fails with {@link io.braid.api.StreamResetException},
   * {@link IllegalStateException} after {@link #closeWrite()}, or
   * {@link io.braid.api.ConnectionClosedException}.
   */
  CompletableFuture<Void> write(ByteBuffer data);

  /**
   * Sets what the session asks before this stream's receive window grows past what it holds by {@code n}
   * bytes (auto-tuning): {@code reserve.test(n)} true lets it grow, false keeps the window as it is (the
   * stream goes on at its current window). Called on the session's event loop; must be fast and must not
   * block. The default allows every growth (within {@link YamuxConfig}'s own bounds). Set it before the
   * stream carries data; the caller gives the reserved bytes back when the stream ends.
   */
  void memoryGuard(java.util.function.LongPredicate reserve);

  /** Sends FIN after every queued write; completes when the FIN was sent. Idempotent. */
  CompletableFuture<Void> closeWrite();

  /** Sends RST and fails pending and later operations with StreamResetException. Idempotent. */
  void reset();

  /**
   * As {@link #reset()}, for an inbound stream this side refuses (a limit, a protocol whose scope is full):
   * the refusal also counts against the session's {@link YamuxConfig#maxRefusedStreams()}, past which the
   * session closes as flooded. Idempotent: a stream counts once. The default only resets.
   */
  default void refuse() {
    reset();
  }

  /**
   * Half-closes and discards what the remote still sends (returning its window credit at once so it
   * is not stalled). Idempotent, does not block.
   */
  void close();

  /** {@code false} once reset or both directions are closed. */
  boolean isOpen();

  /**
   * Completes normally when both directions closed in order (FIN both ways), exceptionally with
   * StreamResetException or ConnectionClosedException; never before the stream stops counting in
   * the session's stream counts.
   */
  CompletableFuture<Void> closeFuture();
}
