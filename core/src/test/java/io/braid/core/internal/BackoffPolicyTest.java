package io.braid.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.BraidException;
import io.braid.api.RetryConfig;
import io.braid.api.TransportException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("BackoffPolicy")
class BackoffPolicyTest {
  private static final RetryConfig NO_JITTER = RetryConfig.builder().maxRetries(3).initialDelay(Duration.ofMillis(100))
      .maxDelay(Duration.ofMillis(350)).backoffMultiplier(2).jitterFactor(0).build();

  @Test
  @DisplayName("without jitter the delays double from the initial delay and stop at the maximum")
  void exponentialAndCapped() {
    BackoffPolicy p = new BackoffPolicy(NO_JITTER, new SplittableRandom(1));
    List<Duration> delays = new ArrayList<>();
    for (int retry = 0; retry < 5; retry++) {
      delays.add(p.delayBeforeRetry(retry));
    }
    assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(350),
        Duration.ofMillis(350), Duration.ofMillis(350)), delays);
  }

  @Test
  @DisplayName("retries a retryable failure until maxRetries retries were made, never a permanent one")
  void retryLimitAndRetryability() {
    BackoffPolicy p = new BackoffPolicy(NO_JITTER, new SplittableRandom(1));
    TransportException refused = new TransportException("refused");
    assertTrue(p.allowsRetry(0, refused));
    assertTrue(p.allowsRetry(2, refused));
    assertFalse(p.allowsRetry(3, refused), "three retries made: no fourth");
    assertTrue(p.allowsRetry(0, new IOException("reset")));
    assertFalse(p.allowsRetry(0, new BraidException("peer id mismatch", false)));
    assertFalse(p.allowsRetry(0, new IllegalStateException("a bug")));
  }

  @Test
  @DisplayName("the same seed gives the same jittered schedule, another seed another one")
  void seededJitterIsReproducible() {
    RetryConfig jittery = NO_JITTER.toBuilder().maxDelay(Duration.ofSeconds(10)).jitterFactor(0.5).build();
    List<Duration> first = schedule(new BackoffPolicy(jittery, new SplittableRandom(42)));
    assertEquals(first, schedule(new BackoffPolicy(jittery, new SplittableRandom(42))));
    assertNotEquals(first, schedule(new BackoffPolicy(jittery, new SplittableRandom(43))));
    assertNotEquals(Duration.ofMillis(100), first.get(0), "jitter moved the first delay");
  }

  @Property(tries = 300)
  void jitteredDelaysStayWithinTheirBounds(@ForAll @IntRange(min = 0, max = 40) int retry,
      @ForAll @DoubleRange(min = 0, max = 1) double jitter, @ForAll long seed) {
    RetryConfig config = RetryConfig.builder().initialDelay(Duration.ofMillis(100)).maxDelay(Duration.ofSeconds(5))
        .backoffMultiplier(2).jitterFactor(jitter).build();
    double base = Math.min(100e6 * Math.pow(2, retry), 5e9);
    long nanos = new BackoffPolicy(config, new SplittableRandom(seed)).delayBeforeRetry(retry).toNanos();
    assertTrue(nanos >= Math.floor(base * (1 - jitter)) - 1, nanos + " below the jitter band of " + base);
    assertTrue(nanos <= Math.min(base * (1 + jitter), 5e9) + 1, nanos + " above the jitter band of " + base);
  }

  @Test
  @DisplayName("threads drawing at once each get a delay within bounds (draws are serialized)")
  void concurrentDrawsStayInBounds() throws Exception {
    RetryConfig jittery = NO_JITTER.toBuilder().maxDelay(Duration.ofSeconds(10)).jitterFactor(0.2).build();
    BackoffPolicy p = new BackoffPolicy(jittery, new SplittableRandom(7));
    List<Thread> threads = new ArrayList<>();
    List<String> outOfBounds = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(new Thread(() -> {
        for (int i = 0; i < 2_000; i++) {
          long ms = p.delayBeforeRetry(0).toMillis();
          if (ms < 80 || ms > 120) {
            outOfBounds.add(ms + " ms");
          }
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(10_000);
    }
    assertEquals(List.of(), outOfBounds);
  }

  private static List<Duration> schedule(BackoffPolicy p) {
    List<Duration> out = new ArrayList<>();
    for (int retry = 0; retry < 4; retry++) {
      out.add(p.delayBeforeRetry(retry));
    }
    return out;
  }
}
