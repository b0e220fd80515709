package io.braid.protocols;

import io.braid.api.NetStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The two loops every protocol here needs. Design note: each loop continues in the callback of the
 * previous future, but runs iteratively while futures are already complete, so a transport that
 * completes reads or writes synchronously cannot overflow the stack.
 */
final class StreamLoops {
  /** Largest chunk written at once. */
  static final int CHUNK = 64 * 1024;

  /**
   * Largest chunk of zeros perf writes at once: four times 65,507 bytes, the payload of one full Yamux
   * frame inside one full Noise frame on Braid's TCP transport, so that a write is cut into full frames
   * only (a 64 KiB write would make a full frame and a 29-byte one, each paying a cipher
   * initialisation), and one write in flight still keeps a socket busy. Any size works on any transport.
   */
  static final int ZERO_CHUNK = 4 * 65_507;

  /**
   * Read-only zeros that uploads and downloads send; each write takes a duplicate. A heap buffer: the
   * transport copies or encrypts from arrays fastest.
   */
  private static final ByteBuffer ZEROS = ByteBuffer.allocate(ZERO_CHUNK).asReadOnlyBuffer();

  private StreamLoops() {}

  /** Consumes chunks. */
  interface ChunkSink {
    /**
     * @param chunk the bytes read (borrowed: valid only during the call), or {@code null} at end of stream
     */
    void accept(ByteBuffer chunk) throws Exception;
  }

  /**
   * Reads to end of stream with {@link NetStream#receiveAll} (zero-copy on Braid's TCP transport); the
   * returned future fails with the stream's (unwrapped) exception or what the sink threw (the stream is
   * then reset), and completes normally once the sink has seen end of stream.
   */
  static CompletableFuture<Void> readLoop(NetStream stream, ChunkSink sink) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    CompletableFuture<Void> all;
    try {
      all = stream.receiveAll(chunk -> {
        sink.accept(chunk);
        return null;
      });
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
      return done;
    }
    all.whenComplete((v, e) -> {
      if (e != null) {
        done.completeExceptionally(unwrap(e));
        return;
      }
      try {
        sink.accept(null);
        done.complete(null);
      } catch (Throwable t) {
        done.completeExceptionally(t);
      }
    });
    return done;
  }

  /** Writes {@code count} zero bytes in chunks, each after the previous completed. */
  static CompletableFuture<Void> writeZeros(NetStream stream, long count) {
    return writeChunks(stream, count, ZERO_CHUNK, (offset, len) -> {
      ByteBuffer b = ZEROS.duplicate();
      b.limit(len);
      return b;
    });
  }

  /** Makes the chunk of {@code length} bytes that starts at {@code offset}. */
  interface ChunkSource {
    ByteBuffer chunk(long offset, int length);
  }

  /** Writes {@code count} bytes made by {@code source} in chunks of {@link #CHUNK}, one after another. */
  static CompletableFuture<Void> writeChunks(NetStream stream, long count, ChunkSource source) {
    return writeChunks(stream, count, CHUNK, source);
  }

  /** Writes {@code count} bytes made by {@code source} in chunks of {@code chunk} bytes, one after another. */
  static CompletableFuture<Void> writeChunks(NetStream stream, long count, int chunk, ChunkSource source) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    writeNext(stream, count, chunk, source, new long[] {0}, done);
    return done;
  }

  private static void writeNext(NetStream stream, long count, int chunk, ChunkSource source, long[] written,
      CompletableFuture<Void> done) {
    while (written[0] < count) {
      int len = (int) Math.min(chunk, count - written[0]);
      CompletableFuture<Void> w;
      try {
        w = stream.write(source.chunk(written[0], len));
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
        return;
      }
      written[0] += len;
      if (w.isDone()) {
        if (w.isCompletedExceptionally()) {
          w.whenComplete((v, e) -> done.completeExceptionally(unwrap(e)));
          return;
        }
        continue;
      }
      w.whenComplete((v, e) -> {
        if (e != null) {
          done.completeExceptionally(unwrap(e));
        } else {
          writeNext(stream, count, chunk, source, written, done);
        }
      });
      return;
    }
    done.complete(null);
  }

  /** The cause under {@link CompletionException} and {@link ExecutionException} wrappers. */
  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
