package io.braid.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

@DisplayName("Awaits: bounded waits that fail with a message naming the wait, never hang")
class AwaitsTest {
  private static final Duration SHORT = Duration.ofMillis(50);
  private static final Duration LONG = Duration.ofSeconds(10);
  private final ScheduledExecutorService other = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    other.shutdownNow();
  }

  @Test
  @DisplayName("await returns the value of a completed future, and of one completed later by another thread")
  void awaitReturnsValues() {
    assertEquals("now", Awaits.await(CompletableFuture.completedFuture("now"), SHORT, "done"));
    CompletableFuture<String> later = new CompletableFuture<>();
    other.schedule(() -> later.complete("later"), 20, TimeUnit.MILLISECONDS);
    assertEquals("later", Awaits.await(later, LONG, "later"));
  }

  @Test
  @DisplayName("await fails naming the wait when the future neither completes nor fails in time, or fails")
  void awaitFails() {
    AssertionFailedError hang = assertThrows(AssertionFailedError.class,
        () -> Awaits.await(new CompletableFuture<>(), SHORT, "the reply"));
    assertEquals("the reply did not complete within PT0.05S", hang.getMessage());
    IllegalStateException cause = new IllegalStateException("boom");
    AssertionFailedError failed = assertThrows(AssertionFailedError.class,
        () -> Awaits.await(CompletableFuture.failedFuture(cause), SHORT, "the dial"));
    assertTrue(failed.getMessage().startsWith("the dial failed: "), failed.getMessage());
    assertSame(cause, failed.getCause());
  }

  @Test
  @DisplayName("until returns at once when the condition holds, waits for another thread, and fails at its bound")
  void until() {
    AtomicInteger calls = new AtomicInteger();
    Awaits.until(() -> calls.incrementAndGet() > 0, SHORT, "already true");
    assertEquals(1, calls.get(), "checked once, no sleep");

    AtomicInteger counter = new AtomicInteger();
    other.schedule(() -> counter.set(3), 20, TimeUnit.MILLISECONDS);
    Awaits.until(() -> counter.get() == 3, LONG, "the counter");

    long start = System.nanoTime();
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> Awaits.until(() -> false, SHORT, "never"));
    assertEquals("never: not so within PT0.05S", e.getMessage());
    assertTrue(System.nanoTime() - start >= SHORT.toNanos(), "waited its whole bound");
  }

  @Test
  @DisplayName("awaitFailure unwraps the cause, returns a cancellation itself, and fails on success or hang")
  void awaitFailure() {
    IllegalStateException cause = new IllegalStateException("boom");
    CompletableFuture<Object> wrapped = CompletableFuture.supplyAsync(() -> {
      throw cause;
    }, other);
    assertSame(cause, Awaits.awaitFailure(wrapped, LONG, "the failing call"));
    CompletableFuture<Object> cancelled = new CompletableFuture<>();
    cancelled.cancel(false);
    assertInstanceOf(CancellationException.class, Awaits.awaitFailure(cancelled, SHORT, "cancelled"));
    assertThrows(AssertionFailedError.class,
        () -> Awaits.awaitFailure(CompletableFuture.completedFuture(1), SHORT, "a success"));
    AssertionFailedError hang = assertThrows(AssertionFailedError.class,
        () -> Awaits.awaitFailure(new CompletableFuture<>(), SHORT, "the reset"));
    assertEquals("the reset neither failed nor completed within PT0.05S", hang.getMessage());
  }
}
