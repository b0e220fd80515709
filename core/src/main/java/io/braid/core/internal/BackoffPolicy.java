package io.braid.core.internal;

import io.braid.api.DialException;
import io.braid.api.RetryConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * When a failed connection attempt is tried again: at most {@link RetryConfig#maxRetries()} retries, only
 * for failures {@link DialException#isRetryable} calls retryable, after
 * {@link RetryConfig#delayBeforeRetry} with jitter drawn from the injected generator.
 *
 * <p>Threads: any thread. The generator is the only state; it is not thread-safe in general
 * ({@link java.util.SplittableRandom} is not), so draws are serialized on it. A seeded generator thus
 * gives the same delays in the same order of draws.
 */
public final class BackoffPolicy {
  private final RetryConfig config;
  private final RandomGenerator random;

  public BackoffPolicy(RetryConfig config, RandomGenerator random) {
    this.config = Objects.requireNonNull(config, "config");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** Whether an attempt that already retried {@code retriesSoFar} times may retry after {@code cause}. */
  boolean allowsRetry(int retriesSoFar, Throwable cause) {
    return retriesSoFar < config.maxRetries() && DialException.isRetryable(cause);
  }

  /** The delay before retry number {@code retry} (0 for the first), jitter included. */
  Duration delayBeforeRetry(int retry) {
    synchronized (random) {
      return config.delayBeforeRetry(retry, random);
    }
  }

  /** {@link RetryConfig#maxRetries()}. */
  int maxRetries() {
    return config.maxRetries();
  }

  /** The delay before retry number {@code retry} without jitter (so without a draw from the generator). */
  Duration baseDelay(int retry) {
    double nanos = Math.min(config.initialDelay().toNanos() * Math.pow(config.backoffMultiplier(), retry),
        config.maxDelay().toNanos());
    return Duration.ofNanos((long) nanos);
  }
}
