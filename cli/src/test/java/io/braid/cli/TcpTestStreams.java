package io.braid.cli;

import static org.junit.jupiter.api.Assertions.fail;

import io.braid.api.NetStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Bounded waits and stream helpers for swarm tests here (the cli module does not see the testkit). */
final class TcpTestStreams {
  private TcpTestStreams() {}

  static <T> T await(CompletableFuture<T> f, Duration timeout, String what) {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return fail(what + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      return fail(what + " did not complete within " + timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }

  /** Polls {@code condition} every 10 ms for at most {@code timeout}; fails naming {@code what}. */
  static void until(BooleanSupplier condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail(what + " did not happen within " + timeout);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted");
      }
    }
  }

  static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static CompletableFuture<Void> write(NetStream s, byte[] data) {
    return s.write(ByteBuffer.wrap(data.clone()));
  }

  /** Writes {@code data}, half-closes, and reads everything until end of stream. */
  static CompletableFuture<byte[]> exchange(NetStream s, byte[] data) {
    CompletableFuture<byte[]> all = new CompletableFuture<>();
    readLoop(s, new ByteArrayOutputStream(), all);
    write(s, data).thenCompose(v -> s.closeWrite()).whenComplete((v, e) -> {
      if (e != null) {
        all.completeExceptionally(e);
      }
    });
    return all;
  }

  private static void readLoop(NetStream s, ByteArrayOutputStream out, CompletableFuture<byte[]> all) {
    s.read().whenComplete((b, e) -> {
      if (e != null) {
        all.completeExceptionally(e);
      } else if (!b.hasRemaining()) {
        all.complete(out.toByteArray());
      } else {
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        out.write(chunk, 0, chunk.length);
        readLoop(s, out, all);
      }
    });
  }
}
