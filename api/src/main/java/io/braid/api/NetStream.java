package io.braid.api;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One bidirectional, ordered, flow-controlled byte stream multiplexed over a {@link NetConn}, with one
 * negotiated protocol.
 *
 * <h2>Reading</h2>
 * {@link #read()} is pull-based: nothing is delivered until asked, and bytes not yet read stay in a
 * bounded buffer whose fullness stops the remote writer (for Yamux: the receive window is not
 * replenished). At most one read may be outstanding; a second concurrent call fails with
 * {@link IllegalStateException}. End of stream (the remote half-closed) completes the read with an
 * <em>empty</em> buffer, and every later read does the same.
 *
 * <h2>Writing</h2>
 * {@link #write(ByteBuffer)} queues the bytes in order; its future completes when the transport has
 * accepted them within the flow-control window. A writer that waits for each future before the next
 * write is therefore held back by a slow reader (backpressure); one that does not wait queues without
 * bound and has only itself to blame. The stream consumes the buffer's remaining bytes (its position
 * moves to its limit) before the future completes; the caller must not modify the buffer until then.
 *
 * <h2>Closing</h2>
 * {@link #closeWrite()} half-closes (the remote reads end of stream; this side may go on reading).
 * {@link #reset()} aborts both directions at once: pending and later operations on both sides fail with
 * {@link StreamResetException}. {@link #close()} half-closes and discards what the remote still sends.
 * All three are idempotent. {@link #closeFuture()} completes when both directions are done.
 *
 * <h2>Threads</h2>
 * All methods are thread-safe. Futures may be completed on a transport thread: dependent actions must
 * not block there (use the {@code ...Async} variants with an executor to do slow work).
 */
public interface NetStream extends AutoCloseable {

  /** The stream's id, unique within its connection. */
  long id();

  /** The connection this stream runs over. */
  NetConn connection();

  /** The protocol negotiated for this stream, e.g. {@code /ipfs/ping/1.0.0}. */
  String protocol();

  /** Whether this side opened the stream. */
  Direction direction();

  /**
   * Reads the next bytes.
   *
   * @return a future completed with a read-only, non-empty buffer owned by the caller, with an empty
   *     buffer at end of stream, or exceptionally with {@link StreamResetException} or
   *     {@link ConnectionClosedException}
   * @throws IllegalStateException if a read is already outstanding
   */
  CompletableFuture<ByteBuffer> read();

  /**
   * Writes the remaining bytes of {@code data}, in order after every earlier write.
   *
   * @return a future completed when the bytes are accepted by flow control, or exceptionally if the
   *     stream was reset, half-closed for writing, or its connection closed
   */
  CompletableFuture<Void> write(ByteBuffer data);

  /** Half-closes: no more writes; the remote side reads end of stream after what was written. */
  CompletableFuture<Void> closeWrite();

  /** Aborts the stream in both directions. Idempotent. */
  void reset();

  /** Half-closes and discards further inbound bytes. Idempotent; does not block. */
  @Override
  void close();

  /** {@code false} once the stream is reset or both directions are closed. */
  boolean isOpen();

  /**
   * Completes normally when both directions closed in an orderly way, exceptionally with
   * {@link StreamResetException} or {@link ConnectionClosedException} otherwise. Never completes before
   * the stream stops counting in {@link NetConn#streamCount()}.
   */
  CompletableFuture<Void> closeFuture();
}
