package io.braid.protocols;

import io.braid.api.NetStream;
import io.braid.api.StreamHandler;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The libp2p perf protocol, {@code /perf/1.0.0} (libp2p/specs {@code perf/perf.md}).
 *
 * <p>The client writes an unsigned 64-bit big-endian count of the bytes it wants back, then its upload,
 * then half-closes. The server reads the count, drains the upload to end of stream, sends that many
 * bytes and half-closes. The spec says perf should not be on by default, so nothing serves it until the
 * user registers {@link #server()} for {@link #PROTOCOL}.
 *
 * <p>Hostile input: the server refuses (resets the stream without sending anything) a request for more
 * than its configured maximum and a request header cut short by end of stream. The client resets the
 * stream when the server sends more than was asked for.
 *
 * <p>Threads: all methods return at once; work continues on the stream's callback threads and never
 * blocks them. Each direction has at most one chunk in flight (256 KiB of zeros on the way out).
 */
public final class Perf {
  /** The protocol id. */
  public static final String PROTOCOL = "/perf/1.0.0";

  /** The most a {@link #server()} sends back on one stream: 16 GiB. */
  public static final long DEFAULT_MAX_DOWNLOAD = 16L << 30;

  /** Length of the request header. */
  public static final int HEADER_BYTES = 8;

  private Perf() {}

  /** A server that sends back at most {@link #DEFAULT_MAX_DOWNLOAD} bytes per stream. */
  public static StreamHandler server() {
    return server(DEFAULT_MAX_DOWNLOAD);
  }

  /**
   * A server that refuses (resets) requests for more than {@code maxDownloadBytes}.
   *
   * @throws IllegalArgumentException if {@code maxDownloadBytes < 0}
   */
  public static StreamHandler server(long maxDownloadBytes) {
    if (maxDownloadBytes < 0) {
      throw new IllegalArgumentException("maxDownloadBytes must be >= 0, was " + maxDownloadBytes);
    }
    return stream -> serve(stream, maxDownloadBytes);
  }

  /**
   * The 8-byte request header asking for {@code downloadBytes} back: unsigned 64-bit big-endian.
   *
   * @throws IllegalArgumentException if {@code downloadBytes < 0}
   */
  public static byte[] requestHeader(long downloadBytes) {
    if (downloadBytes < 0) {
      throw new IllegalArgumentException("downloadBytes must be >= 0, was " + downloadBytes);
    }
    return ByteBuffer.allocate(HEADER_BYTES).putLong(downloadBytes).array();
  }

  /**
   * Runs one exchange on a fresh stream negotiated for {@link #PROTOCOL}: uploads {@code uploadBytes}
   * bytes, asks for {@code downloadBytes} back, and measures both. The client owns the stream until the
   * returned future completes; the stream is closed when it succeeds and reset when it fails.
   *
   * @return a future completed with the measurements, or exceptionally with the stream's exception (a
   *     server that refused the request resets the stream: {@link io.braid.api.StreamResetException}),
   *     or {@link ProtocolViolationException} if the server sent back a different number of bytes
   * @throws IllegalArgumentException if a size is negative
   */
  public static CompletableFuture<PerfResult> client(NetStream stream, long uploadBytes, long downloadBytes) {
    return client(stream, uploadBytes, downloadBytes, System::nanoTime);
  }

  /** {@link #client(NetStream, long, long)} timed by {@code nanoClock} (tests inject a fake clock). */
  public static CompletableFuture<PerfResult> client(NetStream stream, long uploadBytes, long downloadBytes,
      LongSupplier nanoClock) {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(nanoClock, "nanoClock");
    if (uploadBytes < 0) {
      throw new IllegalArgumentException("uploadBytes must be >= 0, was " + uploadBytes);
    }
    byte[] header = requestHeader(downloadBytes);
    long start = nanoClock.getAsLong();
    AtomicLong received = new AtomicLong();
    // Read from the start: a reset by the server shows at once, and bytes that come early are counted.
    CompletableFuture<Void> download = StreamLoops.readLoop(stream, chunk -> {
      if (chunk == null) {
        return;
      }
      long total = received.addAndGet(chunk.remaining());
      if (total > downloadBytes) {
        throw new ProtocolViolationException("perf server sent more than the " + downloadBytes
            + " bytes asked for");
      }
    });
    CompletableFuture<Long> uploaded = stream.write(ByteBuffer.wrap(header))
        .thenCompose(v -> StreamLoops.writeZeros(stream, uploadBytes))
        .thenCompose(v -> stream.closeWrite())
        .thenApply(v -> nanoClock.getAsLong());
    CompletableFuture<PerfResult> result = uploaded.thenCombine(download, (halfClosed, v) -> {
      long end = nanoClock.getAsLong();
      if (received.get() != downloadBytes) {
        throw new ProtocolViolationException("perf server sent " + received.get() + " bytes, "
            + downloadBytes + " were asked for");
      }
      return new PerfResult(uploadBytes, downloadBytes, Duration.ofNanos(Math.max(0, halfClosed - start)),
          Duration.ofNanos(Math.max(0, end - halfClosed)));
    });
    CompletableFuture<PerfResult> out = new CompletableFuture<>();
    // Fail as soon as either side fails (thenCombine alone would wait for the other side).
    download.whenComplete((v, e) -> {
      if (e != null) {
        out.completeExceptionally(StreamLoops.unwrap(e)); // the first failure wins, before the reset's
        stream.reset();
      }
    });
    uploaded.whenComplete((v, e) -> {
      if (e != null) {
        out.completeExceptionally(StreamLoops.unwrap(e)); // the first failure wins, before the reset's
        stream.reset();
      }
    });
    result.whenComplete((r, e) -> {
      if (e != null) {
        out.completeExceptionally(StreamLoops.unwrap(e)); // the first failure wins, before the reset's
        stream.reset();
      } else {
        stream.close();
        out.complete(r);
      }
    });
    return out;
  }

  private static void serve(NetStream stream, long max) {
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    long[] wanted = {-1};
    StreamLoops.readLoop(stream, chunk -> {
      if (chunk == null) {
        if (header.hasRemaining()) {
          throw new ProtocolViolationException("perf request ended after " + header.position()
              + " of " + HEADER_BYTES + " header bytes");
        }
        return;
      }
      if (header.hasRemaining()) {
        int n = Math.min(header.remaining(), chunk.remaining());
        ByteBuffer part = chunk.duplicate();
        part.limit(part.position() + n);
        header.put(part);
        if (!header.hasRemaining()) {
          long n64 = header.getLong(0);
          // Unsigned: a request above 2^63 reads as negative here and is refused like any other excess.
          if (n64 < 0 || n64 > max) {
            throw new ProtocolViolationException("perf request for " + Long.toUnsignedString(n64)
                + " bytes exceeds the limit of " + max);
          }
          wanted[0] = n64;
        }
      }
      // The rest of the chunk is upload, which is only drained.
    }).thenCompose(v -> StreamLoops.writeZeros(stream, wanted[0]))
        .thenCompose(v -> stream.closeWrite())
        .whenComplete((v, e) -> {
          if (e != null) {
            stream.reset();
          } else {
            stream.close();
          }
        });
  }
}
