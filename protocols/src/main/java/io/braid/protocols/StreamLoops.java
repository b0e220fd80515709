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

  /** Read-only zeros that uploads and downloads send; each write takes a duplicate. */
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(CHUNK).asReadOnlyBuffer();

  private StreamLoops() {}

  /** Consumes chunks; returns {@code false} to stop reading (after completing or failing something). */
  interface ChunkSink {
    /**
     * @param chunk the bytes read, or {@code null} at end of stream
     * @return whether to read on
     */
    boolean accept(ByteBuffer chunk) throws Exception;
  }

  /**
   * Reads until {@code sink} says stop, end of stream or a failure; the returned future fails with the
   * stream's (unwrapped) exception or what the sink threw, and completes normally when the sink stopped.
   */
  static CompletableFuture<Void> readLoop(NetStream stream, ChunkSink sink) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    readNext(stream, sink, done);
    return done;
  }

  private static void readNext(NetStream stream, ChunkSink sink, CompletableFuture<Void> done) {
    while (!done.isDone()) {
      CompletableFuture<ByteBuffer> read;
      try {
        read = stream.read();
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
        return;
      }
      if (read.isDone()) {
        if (!handle(read, sink, done)) {
          return;
        }
        continue;
      }
      read.whenComplete((b, e) -> {
        if (handle(read, sink, done)) {
          readNext(stream, sink, done);
        }
      });
      return;
    }
  }

  /** Feeds one completed read to the sink; returns whether to read on. */
  private static boolean handle(CompletableFuture<ByteBuffer> read, ChunkSink sink, CompletableFuture<Void> done) {
    ByteBuffer chunk;
    try {
      chunk = read.join();
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      done.completeExceptionally(unwrap(e));
      return false;
    }
    try {
      boolean more = sink.accept(chunk.hasRemaining() ? chunk : null);
      if (!chunk.hasRemaining() && more) {
        // End of stream: nothing more will come whatever the sink says.
        done.complete(null);
        return false;
      }
      if (!more) {
        done.complete(null);
      }
      return more;
    } catch (Throwable t) {
      done.completeExceptionally(t);
      return false;
    }
  }

  /** Writes {@code count} zero bytes in chunks, each after the previous completed. */
  static CompletableFuture<Void> writeZeros(NetStream stream, long count) {
    return writeChunks(stream, count, (offset, len) -> {
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
    CompletableFuture<Void> done = new CompletableFuture<>();
    writeNext(stream, count, source, new long[] {0}, done);
    return done;
  }

  private static void writeNext(NetStream stream, long count, ChunkSource source, long[] written,
      CompletableFuture<Void> done) {
    while (written[0] < count) {
      int len = (int) Math.min(CHUNK, count - written[0]);
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
          writeNext(stream, count, source, written, done);
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
