package io.braid.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class RetryConfigPropertyTest {
  /** Durations up to 100 years, in nanoseconds: small ones, round ones and arbitrary ones. */
  private static Arbitrary<Duration> durations() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(0, 10_000_000_000L),
        Arbitraries.longs().between(0, 100L * 365 * 24 * 3600 * 1_000_000_000L),
        Arbitraries.of(0L, 1L, 100_000_000L, 30_000_000_000L))
        .map(Duration::ofNanos);
  }

  @Provide
  Arbitrary<RetryConfig> configs() {
    Arbitrary<Duration> initial = durations();
    Arbitrary<Duration> extra = durations();
    Arbitrary<Double> multiplier = Arbitraries.oneOf(Arbitraries.doubles().between(1, 10),
        Arbitraries.of(1.0, 2.0, 1e300));
    Arbitrary<Double> jitter = Arbitraries.oneOf(Arbitraries.doubles().between(0, 1), Arbitraries.of(0.0, 1.0));
    return Combinators.combine(initial, extra, multiplier, jitter).as((i, e, m, j) -> RetryConfig.builder()
        .initialDelay(i)
        .maxDelay(i.plus(e))
        .backoffMultiplier(m)
        .jitterFactor(j)
        .build());
  }

  @Provide
  Arbitrary<Integer> retries() {
    return Arbitraries.oneOf(Arbitraries.integers().between(0, 70), Arbitraries.integers().greaterOrEqual(0));
  }

  @Property(tries = 2000)
  void aDelayIsNeverNegativeNorAboveTheMaximum(@ForAll("configs") RetryConfig c, @ForAll("retries") int retry,
      @ForAll long seed) {
    Duration d = c.delayBeforeRetry(retry, new Random(seed));
    assertTrue(!d.isNegative(), d::toString);
    assertTrue(d.compareTo(c.maxDelay()) <= 0, () -> d + " > " + c.maxDelay());
  }

  @Property(tries = 2000)
  void aDelayIsWithinTheJitterOfTheUnjitteredOneUnlessClampedToTheMaximum(@ForAll("configs") RetryConfig c,
      @ForAll("retries") int retry, @ForAll long seed) {
    Duration d = c.delayBeforeRetry(retry, new Random(seed));
    Duration base = c.toBuilder().jitterFactor(0).build().delayBeforeRetry(retry, new Random(seed));
    if (d.equals(c.maxDelay())) {
      return; // clamped: only the bound holds
    }
    double b = base.toNanos();
    // base is truncated to whole nanoseconds: the unjittered delay the jitter scales is below b + 1
    double allowed = (b + 1) * c.jitterFactor();
    // one nanosecond for truncation, and double rounding once nanoseconds exceed 2^53
    double slack = 1 + Math.ulp(b) * 4;
    double diff = Math.abs(d.toNanos() - b);
    assertTrue(diff <= allowed + slack, () -> "delay " + d + " is " + diff + " ns from " + base + ", jitter "
        + c.jitterFactor() + " allows " + allowed);
  }

  @Property
  void withoutJitterDelaysNeverShrinkAsRetriesGrow(@ForAll("configs") RetryConfig c,
      @ForAll @IntRange(max = 100) int retry) {
    RetryConfig plain = c.toBuilder().jitterFactor(0).build();
    Random unused = new Random(0);
    assertTrue(plain.delayBeforeRetry(retry + 1, unused).compareTo(plain.delayBeforeRetry(retry, unused)) >= 0);
  }
}
