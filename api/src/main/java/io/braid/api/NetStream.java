package io.braid.api;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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
 * <p>{@link #receiveAll(Receiver)} is the push alternative for bulk data: the transport hands each
 * chunk to a {@link Receiver} as it arrives, as a <em>borrowed</em> view of its own buffer (no copy, no
 * allocation per chunk on Braid's TCP transport), until end of stream. A stream is read one way or the
 * other: once {@code receiveAll} was called, {@link #read()} fails with {@link IllegalStateException}.
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
   * Receives every remaining byte of the stream, pushed to {@code receiver} in order as it arrives,
   * until end of stream, a reset or a failure.
   *
   * <p>Each chunk is <b>borrowed</b>: a read-only, non-empty buffer that is valid only until
   * {@link Receiver#receive} returns, or, if it returns an incomplete {@link CompletionStage}, until
   * that stage completes. After that the transport reuses or releases the memory; copy what you keep.
   * Returning consumes the chunk: its bytes count as read (for Yamux, their receive-window credit goes
   * back to the remote writer). Returning an incomplete stage pauses delivery until it completes, which
   * is how a receiver applies backpressure (the remote writer stops once the stream's receive buffer is
   * full); the next chunk is delivered after the stage completes, whether normally or not.
   *
   * <p>Calls are made one at a time, in order, on a transport thread (for TCP, the connection's event
   * loop): a receiver must not block. To process chunks on another executor, copy them and hand the
   * copies over, returning a stage that completes when the executor is ready for more.
   *
   * <p>The default implementation pulls with {@link #read()} (each chunk is then a buffer the
   * transport allocated); transports that can do better override it.
   *
   * @return a future completed normally once every byte before end of stream was received (or the
   *     stream was {@link #close() closed} locally), or exceptionally with {@link StreamResetException},
   *     {@link ConnectionClosedException}, or what the receiver threw (the stream is then reset)
   * @throws IllegalStateException if a read is outstanding or {@code receiveAll} was already called
   */
  default CompletableFuture<Void> receiveAll(Receiver receiver) {
    Objects.requireNonNull(receiver, "receiver");
    CompletableFuture<Void> done = new CompletableFuture<>();
    PullReceiver.pull(this, receiver, read(), done);
    return done;
  }

  /**
   * Takes the chunks {@link #receiveAll(Receiver)} pushes.
   */
  @FunctionalInterface
  interface Receiver {
    /**
     * One chunk, borrowed: read-only, non-empty, valid until this method returns or, if it returns an
     * incomplete stage, until that stage completes.
     *
     * @param chunk the bytes, from its position to its limit
     * @return {@code null} (or a completed stage) to take the next chunk at once, or a stage that pauses
     *     delivery until it completes
     * @throws Exception to stop: the stream is reset and {@code receiveAll}'s future fails with it
     */
    CompletionStage<?> receive(ByteBuffer chunk) throws Exception;
  }

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
