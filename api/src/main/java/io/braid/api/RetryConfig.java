package io.braid.api;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How a failed connection attempt is retried: how many times, and how long to wait before each retry
 * (exponential backoff with jitter). Only failures that can succeed later are retried (see
 * {@link DialException#isRetryable(Throwable)}). Immutable and thread-safe.
 *
 * <p>Defaults ({@link #defaults()}): 3 retries, 100 ms initial delay, 30 s maximum delay, multiplier 2.0,
 * jitter 0.1 — so an address is tried at most 4 times, waiting about 0.1 s, 0.2 s and 0.4 s between.
 */
public final class RetryConfig {
  public static final int DEFAULT_MAX_RETRIES = 3;
  public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofMillis(100);
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(30);
  public static final double DEFAULT_BACKOFF_MULTIPLIER = 2.0;
  public static final double DEFAULT_JITTER_FACTOR = 0.1;

  private static final RetryConfig DEFAULTS = builder().build();

  private final int maxRetries;
  private final Duration initialDelay;
  private final Duration maxDelay;
  private final double backoffMultiplier;
  private final double jitterFactor;

  private RetryConfig(Builder b) {
    this.maxRetries = b.maxRetries;
    this.initialDelay = b.initialDelay;
    this.maxDelay = b.maxDelay;
    this.backoffMultiplier = b.backoffMultiplier;
    this.jitterFactor = b.jitterFactor;
  }

  public static RetryConfig defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration's values. */
  public Builder toBuilder() {
    return new Builder().maxRetries(maxRetries).initialDelay(initialDelay).maxDelay(maxDelay)
        .backoffMultiplier(backoffMultiplier).jitterFactor(jitterFactor);
  }

  /** Retries after the first attempt; {@code 0} means one attempt only. At least 0. */
  public int maxRetries() {
    return maxRetries;
  }

  /** The delay before the first retry, before jitter. At least zero. */
  public Duration initialDelay() {
    return initialDelay;
  }

  /** No delay exceeds this, jitter included. At least {@link #initialDelay()}. */
  public Duration maxDelay() {
    return maxDelay;
  }

  /** Each retry waits this many times longer than the one before. At least 1. */
  public double backoffMultiplier() {
    return backoffMultiplier;
  }

  /** Delays vary at random by up to this fraction either way. In [0, 1]. */
  public double jitterFactor() {
    return jitterFactor;
  }

  /**
   * The delay before retry number {@code retry} (0 for the first retry):
   * {@code min(initialDelay * backoffMultiplier^retry, maxDelay)}, then moved by a uniform random
   * fraction in {@code [-jitterFactor, +jitterFactor]} of itself, and clamped to {@code [0, maxDelay]}.
   *
   * <p>Pure: the same {@code random} state gives the same result; {@code random} is not consulted when
   * {@link #jitterFactor()} is 0. Never overflows, whatever {@code retry}. Delays are computed in double
   * precision nanoseconds, so beyond about 104 days they are exact only to a few nanoseconds, and they
   * saturate at about 292 years.
   *
   * @param retry the zero-based retry index, at least 0
   * @param random the source of jitter; a seeded generator makes the schedule reproducible
   * @throws IllegalArgumentException if {@code retry < 0}
   * @throws NullPointerException if {@code random} is null
   */
  public Duration delayBeforeRetry(int retry, RandomGenerator random) {
    if (retry < 0) {
      throw new IllegalArgumentException("retry must be >= 0, was " + retry);
    }
    Objects.requireNonNull(random, "random");
    double maxNanos = toNanos(maxDelay);
    double initialNanos = toNanos(initialDelay);
    // pow() may be infinite for a large retry; a zero initial delay must then stay 0, not 0 * inf = NaN.
    double base = initialNanos == 0 ? 0 : Math.min(initialNanos * Math.pow(backoffMultiplier, retry), maxNanos);
    double jitter = jitterFactor == 0 ? 0 : base * jitterFactor * (random.nextDouble() * 2 - 1);
    double nanos = Math.max(0, Math.min(base + jitter, maxNanos));
    Duration delay = Duration.ofNanos((long) nanos);
    // Above 2^53 ns (~104 days) a double rounds, possibly up past maxDelay; the bound is a promise.
    return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
  }

  private static double toNanos(Duration d) {
    // Durations above ~292 years saturate; a double keeps the arithmetic free of overflow.
    return d.getSeconds() * 1e9 + d.getNano();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RetryConfig r
        && r.maxRetries == maxRetries
        && r.initialDelay.equals(initialDelay)
        && r.maxDelay.equals(maxDelay)
        && Double.compare(r.backoffMultiplier, backoffMultiplier) == 0
        && Double.compare(r.jitterFactor, jitterFactor) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxRetries, initialDelay, maxDelay, backoffMultiplier, jitterFactor);
  }

  @Override
  public String toString() {
    return "RetryConfig{maxRetries=" + maxRetries + ", initialDelay=" + initialDelay
        + ", maxDelay=" + maxDelay + ", backoffMultiplier=" + backoffMultiplier
        + ", jitterFactor=" + jitterFactor + '}';
  }

  /**
   * Builds a {@link RetryConfig}. Each setter rejects a value that is bad on its own at once;
   * {@link #build()} rejects combinations ({@code maxDelay < initialDelay}). Not thread-safe.
   */
  public static final class Builder {
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private Duration initialDelay = DEFAULT_INITIAL_DELAY;
    private Duration maxDelay = DEFAULT_MAX_DELAY;
    private double backoffMultiplier = DEFAULT_BACKOFF_MULTIPLIER;
    private double jitterFactor = DEFAULT_JITTER_FACTOR;

    private Builder() {}

    /** @throws IllegalArgumentException if {@code n < 0} */
    public Builder maxRetries(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("maxRetries must be >= 0, was " + n);
      }
      this.maxRetries = n;
      return this;
    }

    /** @throws IllegalArgumentException if negative; {@link NullPointerException} if null */
    public Builder initialDelay(Duration d) {
      Objects.requireNonNull(d, "initialDelay must not be null");
      if (d.isNegative()) {
        throw new IllegalArgumentException("initialDelay must be >= 0, was " + d);
      }
      this.initialDelay = d;
      return this;
    }

    /**
     * @throws IllegalArgumentException if negative ({@link #build()} also rejects it below the initial delay);
     *     {@link NullPointerException} if null
     */
    public Builder maxDelay(Duration d) {
      Objects.requireNonNull(d, "maxDelay must not be null");
      if (d.isNegative()) {
        throw new IllegalArgumentException("maxDelay must be >= 0, was " + d);
      }
      this.maxDelay = d;
      return this;
    }

    /** @throws IllegalArgumentException if below 1, infinite or NaN */
    public Builder backoffMultiplier(double m) {
      if (!(m >= 1.0) || Double.isInfinite(m)) {
        throw new IllegalArgumentException("backoffMultiplier must be >= 1 and finite, was " + m);
      }
      this.backoffMultiplier = m;
      return this;
    }

    /** @throws IllegalArgumentException if outside [0, 1] or NaN */
    public Builder jitterFactor(double f) {
      if (!(f >= 0.0 && f <= 1.0)) {
        throw new IllegalArgumentException("jitterFactor must be in [0, 1], was " + f);
      }
      this.jitterFactor = f;
      return this;
    }

    /** @throws IllegalArgumentException if {@code maxDelay < initialDelay} */
    public RetryConfig build() {
      if (maxDelay.compareTo(initialDelay) < 0) {
        throw new IllegalArgumentException("maxDelay must be >= initialDelay (" + initialDelay
            + "), was " + maxDelay);
      }
      return new RetryConfig(this);
    }
  }
}
