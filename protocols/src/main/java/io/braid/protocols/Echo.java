package io.braid.protocols;

import io.braid.api.NetStream;
import io.braid.api.StreamHandler;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The echo protocol, {@code /echo/1.0.0}: the server writes back every byte it reads, in order, until
 * the client half-closes; then it half-closes too. Nothing serves it until the user registers
 * {@link #server()} for {@link #PROTOCOL}.
 *
 * <p>The server holds at most one chunk (as the transport delivered it, at most 64 KiB on Braid's
 * transports): it reads the next chunk only once the previous one was written back, so a client that
 * does not read stops being read from. The client checks every byte it gets back against what it sent
 * without keeping a copy of its own output when it generates the bytes ({@link #client(NetStream, long)}).
 *
 * <p>Threads: all methods return at once; work continues on the stream's callback threads.
 */
public final class Echo {
  /** The protocol id. */
  public static final String PROTOCOL = "/echo/1.0.0";

  /** Length of the pseudo-random block that {@link #client(NetStream, long)} repeats. */
  private static final int BLOCK = StreamLoops.CHUNK;

  private Echo() {}

  /** What one echo exchange did: bytes sent and verified, and the time from first write to last byte back. */
  public record EchoResult(long bytes, Duration time) {
    public EchoResult {
      if (bytes < 0) {
        throw new IllegalArgumentException("bytes must be >= 0, was " + bytes);
      }
      Objects.requireNonNull(time, "time");
    }
  }

  /**
   * The server handler. Each stream: echo until end of stream, then half-close; on any failure, reset.
   */
  public static StreamHandler server() {
    return Echo::serve;
  }

  private static void serve(NetStream stream) {
    // Each chunk is written back before the next is taken: the write's future pauses delivery, and the
    // borrowed chunk stays valid until it completes (NetStream.write's contract asks no longer).
    CompletableFuture<Void> done;
    try {
      done = stream.receiveAll(stream::write);
    } catch (RuntimeException e) {
      stream.reset();
      return;
    }
    // handle(), not thenCompose()/whenComplete(): those wrap a failure in a new CompletionException (a stack
    // trace each), and a flood of streams that are reset fails thousands a second.
    done.handle((v, e) -> {
      if (e != null) {
        stream.reset();
      } else {
        stream.closeWrite().handle((w, closeError) -> {
          if (closeError != null) {
            stream.reset();
          } else {
            stream.close();
          }
          return null;
        });
      }
      return null;
    });
  }

  /**
   * Sends {@code data}, half-closes, and checks that exactly the same bytes come back before end of
   * stream. The stream is closed when this succeeds and reset when it fails.
   *
   * @return a future completed with the result, or exceptionally with {@link ProtocolViolationException}
   *     if the echo differs from {@code data} (or is longer or shorter), or with the stream's exception
   */
  public static CompletableFuture<EchoResult> client(NetStream stream, byte[] data) {
    Objects.requireNonNull(data, "data");
    byte[] copy = data.clone();
    return run(stream, copy.length, (offset, len) -> ByteBuffer.wrap(copy, (int) offset, len).slice(),
        (offset, b) -> b == copy[(int) offset]);
  }

  /**
   * Sends {@code bytes} pseudo-random bytes (a fixed 64 KiB block, repeated), half-closes, and checks
   * that exactly the same bytes come back. Memory stays bounded whatever {@code bytes} is.
   *
   * @throws IllegalArgumentException if {@code bytes < 0}
   * @see #client(NetStream, byte[])
   */
  public static CompletableFuture<EchoResult> client(NetStream stream, long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must be >= 0, was " + bytes);
    }
    byte[] block = Pattern.BLOCK_BYTES;
    return run(stream, bytes, (offset, len) -> {
      // offset is always a multiple of the chunk size, which equals the block size.
      return ByteBuffer.wrap(block, 0, len).asReadOnlyBuffer();
    }, (offset, b) -> b == block[(int) (offset % BLOCK)]);
  }

  /** The repeated block, made once from a fixed seed so both runs and tests see the same bytes. */
  private static final class Pattern {
    static final byte[] BLOCK_BYTES = new byte[BLOCK];

    static {
      SplittableRandom r = new SplittableRandom(0x6272616964L);
      for (int i = 0; i < BLOCK; i++) {
        BLOCK_BYTES[i] = (byte) r.nextInt(256);
      }
    }
  }

  private interface Check {
    boolean matches(long offset, byte b);
  }

  private static CompletableFuture<EchoResult> run(NetStream stream, long size, StreamLoops.ChunkSource source,
      Check check) {
    Objects.requireNonNull(stream, "stream");
    long start = System.nanoTime();
    AtomicLong received = new AtomicLong();
    CompletableFuture<Void> echoed = StreamLoops.readLoop(stream, chunk -> {
      if (chunk == null) {
        if (received.get() != size) {
          throw new ProtocolViolationException("echo ended after " + received.get() + " of " + size + " bytes");
        }
        return;
      }
      long offset = received.get();
      if (offset + chunk.remaining() > size) {
        throw new ProtocolViolationException("echo sent more than the " + size + " bytes written");
      }
      for (int i = chunk.position(); i < chunk.limit(); i++, offset++) {
        if (!check.matches(offset, chunk.get(i))) {
          throw new ProtocolViolationException("echo differs from what was sent at byte " + offset);
        }
      }
      received.set(offset);
    });
    CompletableFuture<Void> sent = StreamLoops.writeChunks(stream, size, source)
        .thenCompose(v -> stream.closeWrite());
    // Either half failing resets the stream, which settles the other half too (a reset stream); once both
    // have settled, a wrong echo is the answer over the reset it caused, whichever half saw its failure first.
    sent.whenComplete((v, e) -> {
      if (e != null) {
        stream.reset();
      }
    });
    echoed.whenComplete((v, e) -> {
      if (e != null) {
        stream.reset();
      }
    });
    CompletableFuture<EchoResult> out = new CompletableFuture<>();
    sent.handle((v, e) -> e).thenCombine(echoed.handle((v, e) -> e), (sentError, echoError) -> {
      Throwable s1 = sentError == null ? null : StreamLoops.unwrap(sentError);
      Throwable e1 = echoError == null ? null : StreamLoops.unwrap(echoError);
      if (e1 instanceof ProtocolViolationException) {
        out.completeExceptionally(e1);
      } else if (s1 != null) {
        out.completeExceptionally(s1);
      } else if (e1 != null) {
        out.completeExceptionally(e1);
      } else {
        stream.close();
        out.complete(new EchoResult(size, Duration.ofNanos(System.nanoTime() - start)));
      }
      return null;
    });
    return out;
  }
}
