package io.braid.cli;

import io.braid.api.NetStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * What the demo's sections share: bounded waits that end the tour with one {@link SwarmTour.Failure} line,
 * checks, and the plain-text tables and headings they print.
 */
final class TourKit {
  /** The bound of every wait of the tour, in seconds. */
  static final long WAIT_SECONDS = 15;

  private TourKit() {}

  /** Prints a plain-text table: numbers right-aligned, everything else left-aligned. */
  static void table(PrintWriter out, List<String> headers, List<List<String>> rows) {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = headers.get(i).length();
      for (List<String> r : rows) {
        widths[i] = Math.max(widths[i], r.get(i).length());
      }
    }
    StringBuilder rule = new StringBuilder("  ");
    for (int w : widths) {
      rule.append("-".repeat(w)).append("  ");
    }
    out.println(line(headers, widths, true));
    out.println(rule.toString().stripTrailing());
    for (List<String> r : rows) {
      out.println(line(r, widths, false));
    }
  }

  private static String line(List<String> cells, int[] widths, boolean header) {
    StringBuilder sb = new StringBuilder("  ");
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      boolean numeric = !header && cell.matches("[0-9.]+%?");
      String space = " ".repeat(Math.max(0, widths[i] - cell.length()));
      sb.append(numeric ? space + cell : cell + space).append("  ");
    }
    return sb.toString().stripTrailing();
  }

  /** Prints a section heading: {@code == title =====}. */
  static void section(PrintWriter out, String title) {
    out.println();
    out.println("== " + title + " " + "=".repeat(Math.max(3, 90 - title.length())));
    out.flush();
  }

  /** Reads until {@code into} is full; fails at an earlier end of stream. */
  static CompletableFuture<ByteBuffer> readExactly(NetStream s, int n, ByteBuffer into) {
    if (!into.hasRemaining()) {
      return CompletableFuture.completedFuture(into.flip());
    }
    return s.read().thenCompose(chunk -> {
      if (!chunk.hasRemaining()) {
        return CompletableFuture.failedFuture(
            new SwarmTour.Failure("stream " + s.id() + " ended after " + into.position() + " of " + n + " bytes"));
      }
      if (chunk.remaining() > into.remaining()) {
        return CompletableFuture.failedFuture(
            new SwarmTour.Failure("stream " + s.id() + " echoed more than the " + n + " bytes written"));
      }
      into.put(chunk);
      return readExactly(s, n, into);
    });
  }

  static void check(boolean ok, String whatShouldHold) {
    if (!ok) {
      throw new SwarmTour.Failure("demo check failed: " + whatShouldHold);
    }
  }

  /** Waits at most {@value #WAIT_SECONDS} s for {@code f}; a timeout or failure becomes one {@link SwarmTour.Failure}. */
  static <T> T await(CompletableFuture<T> f, String what) {
    try {
      return BaseCommand.await(f, Duration.ofSeconds(WAIT_SECONDS), what);
    } catch (CliException e) {
      throw new SwarmTour.Failure(e.getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SwarmTour.Failure(what + " was interrupted", e);
    }
  }

  /**
   * Completes once {@code condition} holds, checking it every {@code every} on a timer thread (for state
   * no future reports, such as a smoothed RTT); the caller bounds the wait with {@link #await}.
   */
  static CompletableFuture<Void> when(BooleanSupplier condition, Duration every) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    poll(condition, every, done, System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS));
    return done;
  }

  private static void poll(BooleanSupplier condition, Duration every, CompletableFuture<Void> done, long deadline) {
    if (done.isDone()) {
      return;
    }
    if (condition.getAsBoolean()) {
      done.complete(null);
    } else if (System.nanoTime() - deadline < 0) {
      CompletableFuture.delayedExecutor(every.toNanos(), TimeUnit.NANOSECONDS)
          .execute(() -> poll(condition, every, done, deadline));
    } // past the deadline the poll stops; the caller's await has failed by then
  }

  static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}
