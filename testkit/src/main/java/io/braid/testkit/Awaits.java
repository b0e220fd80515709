package io.braid.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Bounded waits for tests: a future that does not settle within the bound fails the test with a message
 * naming what was awaited, never hangs it.
 */
public final class Awaits {
  private Awaits() {}

  /** Waits at most {@code timeout} for {@code future} and returns its value; fails the test otherwise. */
  public static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return fail(what + " did not complete within " + timeout);
    } catch (ExecutionException e) {
      return fail(what + " failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted while waiting for " + what);
    }
  }

  /**
   * Polls {@code condition} every 10 ms until it holds, for state no future reports (a counter another
   * thread updates, a connection count); fails the test with {@code what} if it does not hold within
   * {@code timeout}. Returns at once, without sleeping, if it already holds.
   */
  public static void until(java.util.function.BooleanSupplier condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        org.junit.jupiter.api.Assertions.fail(what + ": not so within " + timeout);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        org.junit.jupiter.api.Assertions.fail("interrupted while waiting for " + what);
      }
    }
  }

  /**
   * Waits at most {@code timeout} for {@code future} to fail and returns the unwrapped cause (the
   * {@link CancellationException} itself for a cancelled future); fails the test if it succeeds or hangs.
   */
  public static Throwable awaitFailure(CompletableFuture<?> future, Duration timeout, String what) {
    try {
      Object v = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return fail(what + " should have failed but completed with " + v);
    } catch (TimeoutException e) {
      return fail(what + " neither failed nor completed within " + timeout);
    } catch (ExecutionException e) {
      return Streams.unwrap(e.getCause());
    } catch (CancellationException e) {
      return e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted while waiting for " + what);
    }
  }
}
