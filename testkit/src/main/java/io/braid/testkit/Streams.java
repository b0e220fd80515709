package io.braid.testkit;

import io.braid.api.NetStream;
import io.braid.api.StreamHandler;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;

/**
 * Asynchronous helpers over {@link NetStream} for tests of transports and of code above them.
 *
 * <p>Every helper is non-blocking: it starts reads and writes and returns a future. Loops continue in
 * the callbacks of the stream's futures (on transport threads), and run iteratively when those futures
 * are already complete, so a transport that completes reads synchronously cannot overflow the stack.
 * Each read or write waits for the previous one, so the helpers respect backpressure. Failures complete
 * the returned future exceptionally with the stream's own exception (not wrapped).
 */
public final class Streams {
  /** Write size used when none is given: 64 KiB. */
  public static final int DEFAULT_CHUNK = 64 * 1024;

  private Streams() {}

  /**
   * Reads until end of stream and returns everything read.
   *
   * @param maxBytes the most the caller will take; if the remote sends more, the stream is reset and
   *     the future fails with {@link IllegalStateException}
   * @throws IllegalArgumentException if {@code maxBytes < 0}
   */
  public static CompletableFuture<byte[]> readFully(NetStream stream, int maxBytes) {
    Objects.requireNonNull(stream, "stream");
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must be >= 0, was " + maxBytes);
    }
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    readLoop(stream, result, (chunk, done) -> {
      if (done) {
        result.complete(out.toByteArray());
        return false;
      }
      if ((long) out.size() + chunk.remaining() > maxBytes) {
        stream.reset();
        result.completeExceptionally(new IllegalStateException("stream " + stream.id() + " sent more than "
            + maxBytes + " bytes"));
        return false;
      }
      byte[] b = new byte[chunk.remaining()];
      chunk.get(b);
      out.write(b, 0, b.length);
      return true;
    });
    return result;
  }

  /** Reads until end of stream, dropping the bytes; returns how many there were. */
  public static CompletableFuture<Long> discard(NetStream stream) {
    Objects.requireNonNull(stream, "stream");
    CompletableFuture<Long> result = new CompletableFuture<>();
    long[] total = {0};
    readLoop(stream, result, (chunk, done) -> {
      if (done) {
        result.complete(total[0]);
        return false;
      }
      total[0] += chunk.remaining();
      return true;
    });
    return result;
  }

  /** Writes all of {@code data} in chunks of {@value #DEFAULT_CHUNK} bytes, each after the previous completed. */
  public static CompletableFuture<Void> writeAll(NetStream stream, byte[] data) {
    return writeAll(stream, data, DEFAULT_CHUNK);
  }

  /**
   * Writes all of {@code data} in chunks of {@code chunkSize} bytes, each after the previous completed.
   *
   * @throws IllegalArgumentException if {@code chunkSize < 1}
   */
  public static CompletableFuture<Void> writeAll(NetStream stream, byte[] data, int chunkSize) {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(data, "data");
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunkSize must be >= 1, was " + chunkSize);
    }
    CompletableFuture<Void> result = new CompletableFuture<>();
    new Writer(stream, data, chunkSize, result).loop();
    return result;
  }

  /** {@link #writeAll(NetStream, byte[])}, then {@link NetStream#closeWrite()}. */
  public static CompletableFuture<Void> writeAllAndClose(NetStream stream, byte[] data) {
    return writeAll(stream, data).thenCompose(v -> stream.closeWrite());
  }

  /**
   * Sends {@code request} and half-closes while reading the whole response: the usual client side of a
   * request/response or echo exchange.
   *
   * @param maxResponse as {@link #readFully}
   */
  public static CompletableFuture<byte[]> exchange(NetStream stream, byte[] request, int maxResponse) {
    CompletableFuture<byte[]> response = readFully(stream, maxResponse);
    CompletableFuture<Void> sent = writeAllAndClose(stream, request);
    return sent.thenCombine(response, (v, r) -> r);
  }

  /**
   * A handler that writes back every chunk it reads, each write before the next read, and half-closes
   * at end of stream. On any failure it resets the stream.
   */
  public static StreamHandler echo() {
    return stream -> {
      CompletableFuture<Void> done = new CompletableFuture<>();
      readLoopAsync(stream, done);
      done.whenComplete((v, e) -> {
        if (e != null) {
          stream.reset();
        }
      });
    };
  }

  /**
   * A handler that reads its stream to the end, completes {@code received} with the bytes, then
   * half-closes. If the stream fails, {@code received} fails with the stream's exception.
   */
  public static StreamHandler collectInto(int maxBytes, CompletableFuture<byte[]> received) {
    Objects.requireNonNull(received, "received");
    return stream -> readFully(stream, maxBytes).whenComplete((b, e) -> {
      if (e != null) {
        received.completeExceptionally(unwrap(e));
      } else {
        stream.closeWrite();
        received.complete(b);
      }
    });
  }

  /** {@code length} pseudo-random bytes from {@code seed}: the same in every run. */
  public static byte[] randomBytes(int length, long seed) {
    if (length < 0) {
      throw new IllegalArgumentException("length must be >= 0, was " + length);
    }
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** The SHA-256 of {@code data} in lower-case hex: compare these instead of megabyte arrays. */
  public static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** A copy of the remaining bytes of {@code buffer}, without moving its position. */
  public static byte[] toBytes(ByteBuffer buffer) {
    byte[] b = new byte[buffer.remaining()];
    buffer.duplicate().get(b);
    return b;
  }

  /** {@code t} without the {@link CompletionException} wrappers futures add. */
  public static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Reads chunk after chunk; {@code sink} gets each non-empty chunk ({@code done == false}) or the end of
   * stream ({@code done == true}) and returns whether to go on. Read failures fail {@code result}.
   */
  private static void readLoop(NetStream stream, CompletableFuture<?> result, ChunkSink sink) {
    while (true) {
      CompletableFuture<ByteBuffer> f;
      try {
        f = stream.read();
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
        return;
      }
      if (!f.isDone()) {
        f.whenComplete((b, e) -> {
          if (step(result, sink, b, e)) {
            readLoop(stream, result, sink);
          }
        });
        return;
      }
      ByteBuffer b = null;
      Throwable e = null;
      try {
        b = f.join();
      } catch (CompletionException | CancellationException x) {
        e = x;
      }
      if (!step(result, sink, b, e)) {
        return;
      }
    }
  }

  private static boolean step(CompletableFuture<?> result, ChunkSink sink, ByteBuffer b, Throwable e) {
    if (e != null) {
      result.completeExceptionally(unwrap(e));
      return false;
    }
    try {
      return sink.accept(b, !b.hasRemaining());
    } catch (RuntimeException x) {
      result.completeExceptionally(x);
      return false;
    }
  }

  @FunctionalInterface
  private interface ChunkSink {
    boolean accept(ByteBuffer chunk, boolean done);
  }

  /** Echo: read a chunk, write it back, repeat; half-close at end of stream. */
  private static void readLoopAsync(NetStream stream, CompletableFuture<Void> done) {
    while (true) {
      CompletableFuture<ByteBuffer> f;
      try {
        f = stream.read();
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
        return;
      }
      CompletableFuture<Boolean> next = f.thenCompose(b -> {
        if (!b.hasRemaining()) {
          return stream.closeWrite().thenApply(v -> false);
        }
        return stream.write(b).thenApply(v -> true);
      });
      if (!next.isDone()) {
        next.whenComplete(whenStep(stream, done));
        return;
      }
      Boolean more;
      try {
        more = next.join();
      } catch (CompletionException | CancellationException e) {
        done.completeExceptionally(unwrap(e));
        return;
      }
      if (!more) {
        done.complete(null);
        return;
      }
    }
  }

  private static BiConsumer<Boolean, Throwable> whenStep(NetStream stream, CompletableFuture<Void> done) {
    return (more, e) -> {
      if (e != null) {
        done.completeExceptionally(unwrap(e));
      } else if (more) {
        readLoopAsync(stream, done);
      } else {
        done.complete(null);
      }
    };
  }

  private static final class Writer {
    private final NetStream stream;
    private final byte[] data;
    private final int chunkSize;
    private final CompletableFuture<Void> result;
    private int offset;

    Writer(NetStream stream, byte[] data, int chunkSize, CompletableFuture<Void> result) {
      this.stream = stream;
      this.data = data;
      this.chunkSize = chunkSize;
      this.result = result;
    }

    void loop() {
      while (offset < data.length) {
        int n = Math.min(chunkSize, data.length - offset);
        CompletableFuture<Void> f;
        try {
          f = stream.write(ByteBuffer.wrap(data, offset, n));
        } catch (RuntimeException e) {
          result.completeExceptionally(e);
          return;
        }
        offset += n;
        if (!f.isDone()) {
          f.whenComplete((v, e) -> {
            if (e != null) {
              result.completeExceptionally(unwrap(e));
            } else {
              loop();
            }
          });
          return;
        }
        try {
          f.join();
        } catch (CompletionException | CancellationException e) {
          result.completeExceptionally(unwrap(e));
          return;
        }
      }
      result.complete(null);
    }
  }
}
