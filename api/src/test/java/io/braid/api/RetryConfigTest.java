package io.braid.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryConfigTest {
  /** A generator that fails the test if asked for anything: proves jitter 0 draws no randomness. */
  private static final RandomGenerator NO_RANDOMNESS = () -> {
    throw new AssertionError("no random number should be drawn");
  };

  /** A generator whose nextDouble() is always {@code value}. */
  private static RandomGenerator fixed(double value) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        throw new AssertionError("only nextDouble() is expected");
      }

      @Override
      public double nextDouble() {
        return value;
      }
    };
  }

  private static RetryConfig noJitter() {
    return RetryConfig.builder().jitterFactor(0).build();
  }

  @Test
  void defaultsAreThreeRetriesFrom100MsUpTo30sDoublingWithTenPercentJitter() {
    RetryConfig d = RetryConfig.defaults();
    assertEquals(3, d.maxRetries());
    assertEquals(Duration.ofMillis(100), d.initialDelay());
    assertEquals(Duration.ofSeconds(30), d.maxDelay());
    assertEquals(2.0, d.backoffMultiplier());
    assertEquals(0.1, d.jitterFactor());
    assertEquals(d, RetryConfig.builder().build());
    assertSame(d, RetryConfig.defaults());
  }

  @Test
  void toBuilderReproducesTheConfiguration() {
    RetryConfig c = RetryConfig.builder().maxRetries(0).initialDelay(Duration.ZERO).maxDelay(Duration.ZERO)
        .backoffMultiplier(1).jitterFactor(1).build();
    assertEquals(c, c.toBuilder().build());
    assertEquals(c.hashCode(), c.toBuilder().build().hashCode());
    assertNotEquals(c, RetryConfig.defaults());
    assertTrue(c.toString().contains("maxRetries=0"), c.toString());
  }

  @Nested
  @DisplayName("each bad setting is rejected with a message naming field, bound and value")
  class Rejections {
    private void assertMessage(String expected, Runnable r) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
      assertEquals(expected, e.getMessage());
    }

    @Test
    void negativeMaxRetries() {
      assertMessage("maxRetries must be >= 0, was -1", () -> RetryConfig.builder().maxRetries(-1));
    }

    @Test
    void negativeInitialDelay() {
      assertMessage("initialDelay must be >= 0, was PT-0.001S",
          () -> RetryConfig.builder().initialDelay(Duration.ofMillis(-1)));
    }

    @Test
    void negativeMaxDelay() {
      assertMessage("maxDelay must be >= 0, was PT-1S", () -> RetryConfig.builder().maxDelay(Duration.ofSeconds(-1)));
    }

    @Test
    void multiplierBelowOneInfiniteOrNaN() {
      assertMessage("backoffMultiplier must be >= 1 and finite, was 0.5",
          () -> RetryConfig.builder().backoffMultiplier(0.5));
      assertMessage("backoffMultiplier must be >= 1 and finite, was Infinity",
          () -> RetryConfig.builder().backoffMultiplier(Double.POSITIVE_INFINITY));
      assertMessage("backoffMultiplier must be >= 1 and finite, was NaN",
          () -> RetryConfig.builder().backoffMultiplier(Double.NaN));
    }

    @Test
    void jitterOutsideZeroToOneOrNaN() {
      assertMessage("jitterFactor must be in [0, 1], was -0.1", () -> RetryConfig.builder().jitterFactor(-0.1));
      assertMessage("jitterFactor must be in [0, 1], was 1.5", () -> RetryConfig.builder().jitterFactor(1.5));
      assertMessage("jitterFactor must be in [0, 1], was NaN", () -> RetryConfig.builder().jitterFactor(Double.NaN));
    }

    @Test
    void maxDelayBelowInitialDelayAtBuild() {
      RetryConfig.Builder b = RetryConfig.builder().initialDelay(Duration.ofSeconds(1))
          .maxDelay(Duration.ofMillis(500));
      assertMessage("maxDelay must be >= initialDelay (PT1S), was PT0.5S", b::build);
    }

    @Test
    void nullDurationsNameTheField() {
      NullPointerException i = assertThrows(NullPointerException.class, () -> RetryConfig.builder().initialDelay(null));
      assertTrue(i.getMessage().contains("initialDelay"));
      NullPointerException m = assertThrows(NullPointerException.class, () -> RetryConfig.builder().maxDelay(null));
      assertTrue(m.getMessage().contains("maxDelay"));
    }

    @Test
    void aNegativeRetryIndex() {
      assertMessage("retry must be >= 0, was -1", () -> RetryConfig.defaults().delayBeforeRetry(-1, new Random(1)));
    }

    @Test
    void aNullRandomGenerator() {
      assertThrows(NullPointerException.class, () -> RetryConfig.defaults().delayBeforeRetry(0, null));
    }
  }

  @Test
  void withoutJitterDelaysDoubleFrom100MsAndStopAtTheMaximum() {
    RetryConfig c = noJitter();
    long[] expectedMillis = {100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000};
    for (int retry = 0; retry < expectedMillis.length; retry++) {
      assertEquals(Duration.ofMillis(expectedMillis[retry]), c.delayBeforeRetry(retry, NO_RANDOMNESS),
          "retry " + retry);
    }
  }

  @Test
  void aMultiplierOfOneKeepsTheDelayConstant() {
    RetryConfig c = noJitter().toBuilder().backoffMultiplier(1).build();
    for (int retry : new int[] {0, 1, 10, Integer.MAX_VALUE}) {
      assertEquals(Duration.ofMillis(100), c.delayBeforeRetry(retry, NO_RANDOMNESS));
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {0, 1, 42, -7, Long.MAX_VALUE})
  void withJitterTheDelayIsTheBaseMovedByTheSeededFraction(long seed) {
    RetryConfig c = RetryConfig.defaults();
    Random forConfig = new Random(seed);
    Random forTest = new Random(seed);
    for (int retry = 0; retry < 12; retry++) {
      // computed here from the documented formula, in exact decimal milliseconds for the base
      double baseNanos = Math.min(100_000_000L * (double) (1L << retry), 30_000_000_000L);
      double fraction = forTest.nextDouble() * 2 - 1;
      long expected = (long) Math.min(baseNanos + baseNanos * 0.1 * fraction, 30_000_000_000L);
      assertEquals(Duration.ofNanos(expected), c.delayBeforeRetry(retry, forConfig), "retry " + retry);
    }
  }

  @Test
  void knownSeedGivesAKnownFirstDelay() {
    // new Random(42).nextDouble() = 0.7275636800328681, so the fraction is 2 * that - 1 = 0.4551273600657362
    // and the first delay is 100 ms * (1 + 0.1 * 0.4551273600657362) = 104.551273600657362 ms.
    assertEquals(Duration.ofNanos(104_551_273), RetryConfig.defaults().delayBeforeRetry(0, new Random(42)));
  }

  @Test
  void fullJitterNeverGoesBelowZeroOrAboveTheMaximum() {
    RetryConfig c = RetryConfig.builder().jitterFactor(1).maxDelay(Duration.ofMillis(150)).build();
    assertEquals(Duration.ZERO, c.delayBeforeRetry(0, fixed(0.0)));
    assertEquals(Duration.ofMillis(150), c.delayBeforeRetry(0, fixed(Math.nextDown(1.0))));
    assertEquals(Duration.ofMillis(150), c.delayBeforeRetry(5, fixed(0.9)));
  }

  @Test
  void hugeRetryIndexesSaturateAtTheMaximumInsteadOfOverflowing() {
    RetryConfig c = noJitter().toBuilder().backoffMultiplier(1e300).maxDelay(Duration.ofDays(365)).build();
    assertEquals(Duration.ofDays(365), c.delayBeforeRetry(Integer.MAX_VALUE, NO_RANDOMNESS));
    assertEquals(Duration.ofSeconds(30), noJitter().delayBeforeRetry(Integer.MAX_VALUE, NO_RANDOMNESS));
    assertEquals(Duration.ofSeconds(30), noJitter().delayBeforeRetry(64, NO_RANDOMNESS));
    Duration jittered = RetryConfig.defaults().delayBeforeRetry(Integer.MAX_VALUE, new Random(3));
    assertTrue(jittered.compareTo(Duration.ofSeconds(27)) >= 0 && jittered.compareTo(Duration.ofSeconds(30)) <= 0,
        jittered.toString());
  }

  @Test
  void aZeroInitialDelayStaysZeroEvenWhenTheMultiplierOverflows() {
    RetryConfig c = RetryConfig.builder().initialDelay(Duration.ZERO).backoffMultiplier(1e300).build();
    assertEquals(Duration.ZERO, c.delayBeforeRetry(Integer.MAX_VALUE, new Random(9)));
  }

  @Test
  void delaysNeverExceedAMaximumTooLargeForExactDoubleNanoseconds() {
    // 17280000000000003 ns: as a double it rounds up to ...004, past the maximum
    Duration max = Duration.ofDays(200).plusNanos(3);
    RetryConfig c = RetryConfig.builder().initialDelay(max).maxDelay(max).jitterFactor(0).build();
    assertTrue(c.delayBeforeRetry(0, NO_RANDOMNESS).compareTo(max) <= 0);
    RetryConfig jittered = c.toBuilder().jitterFactor(1).build();
    assertTrue(jittered.delayBeforeRetry(0, fixed(Math.nextDown(1.0))).compareTo(max) <= 0);
  }
}
