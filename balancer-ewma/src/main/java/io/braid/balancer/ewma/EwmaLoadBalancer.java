package io.braid.balancer.ewma;

import io.braid.api.ConnectionHealth;
import io.braid.api.LoadBalancer;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The {@code ewma} balancer: latency-aware placement by the "power of two choices" over a peak-EWMA cost.
 *
 * <h2>Design note</h2>
 * For each new stream it draws two distinct candidates at random and takes the one with the lower cost
 * {@code rtt x (streams in flight + 1)}, the idea of Finagle's and Linkerd's peak-EWMA balancer and of
 * gRPC's least-request pick-two. Two random choices keep the pick O(1) and avoid the herd a strict
 * "least cost" pick causes when every client sees the same numbers; multiplying by the load makes a
 * connection's streams in flight count for as much as its latency.
 *
 * <p>{@code rtt} is a <em>peak</em> EWMA of the swarm's ping samples ({@link ConnectionHealth#lastRttNanos}):
 * a sample above the current value replaces it at once (a connection that turns slow is avoided at once),
 * a lower one pulls it down with time constant {@link #DEFAULT_DECAY} ({@code value = sample + (value -
 * sample) * exp(-elapsed / decay)}), so one fast answer does not rehabilitate a connection that was slow
 * a moment ago. Updates closer together than 1/64 of the decay are skipped (the value would barely move),
 * and a value within 1/64 of the sample settles on it, which keeps {@code Math.exp} and the clock read off
 * the hot path (in the steady state a pick reads no clock at all).
 *
 * <p>An unknown RTT (no ping answered yet, or a transport without pings, or the two-argument
 * {@link #select(PeerId, List)}) is <em>neutral</em>: when either of the two has none, the pair is
 * compared on streams in flight alone, as if both had the same RTT. Ties go to the first drawn.
 *
 * <p>Health: candidates that are unhealthy or draining ({@link ConnectionHealth#usable} false) are never
 * picked while a usable one is in the list (a drawn unusable one is replaced by the next usable candidate,
 * wrapping around); only if none is usable does it pick among all, as the swarm's last resort asks.
 *
 * <h2>Threads and allocation</h2>
 * Thread-safe and lock-free. The random draws use {@link ThreadLocalRandom}; the per-connection state
 * lives in a concurrent map keyed by connection, made on the first sight of a connection (the only
 * allocation, once per connection) and removed when its close future completes. Concurrent updates of
 * one connection's state may lose one another's sample (last writer wins): the next pick corrects it.
 */
public final class EwmaLoadBalancer implements LoadBalancer {
  /** Default time constant of the decay towards lower samples: 10 s (Finagle's default). */
  public static final Duration DEFAULT_DECAY = Duration.ofSeconds(10);

  private final long decayNanos;
  private final long skipNanos;
  private final LongSupplier nanoTime;
  private final Supplier<? extends RandomGenerator> random;
  private final ConcurrentHashMap<NetConn, Cost> costs = new ConcurrentHashMap<>();

  /** With {@link #DEFAULT_DECAY} and {@link System#nanoTime()}. */
  public EwmaLoadBalancer() {
    this(DEFAULT_DECAY, System::nanoTime);
  }

  /**
   * @param decay the time constant with which the cost falls towards lower samples; at least 1 ms
   * @param nanoTime the clock of the decay (tests give a fake clock's)
   * @throws IllegalArgumentException if {@code decay} is under 1 ms
   */
  public EwmaLoadBalancer(Duration decay, LongSupplier nanoTime) {
    this(decay, nanoTime, ThreadLocalRandom::current);
  }

  /** As {@link #EwmaLoadBalancer(Duration, LongSupplier)}, drawing from {@code random} (tests seed it). */
  EwmaLoadBalancer(Duration decay, LongSupplier nanoTime, Supplier<? extends RandomGenerator> random) {
    Objects.requireNonNull(decay, "decay must not be null");
    if (decay.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException("decay must be >= 1 ms, was " + decay);
    }
    this.decayNanos = decay.toNanos();
    this.skipNanos = decayNanos >> 6;
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** One connection's peak-EWMA RTT; benignly racy. */
  private static final class Cost {
    volatile long rtt = ConnectionHealth.UNKNOWN_RTT;
    volatile long stamp;
  }

  @Override
  public NetConn select(PeerId peer, List<NetConn> candidates) {
    return select(peer, candidates, ConnectionHealth.NONE);
  }

  @Override
  public NetConn select(PeerId peer, List<NetConn> candidates, ConnectionHealth health) {
    int n = candidates.size();
    if (n == 1) {
      return candidates.get(0);
    }
    RandomGenerator draw = random.get();
    int a = draw.nextInt(n);
    int b = draw.nextInt(n - 1);
    if (b >= a) {
      b++;
    }
    int ua = nextUsable(candidates, health, a, -1);
    if (ua >= 0) {
      int ub = nextUsable(candidates, health, b, ua);
      if (ub < 0) {
        return candidates.get(ua); // the only usable one
      }
      a = ua;
      b = ub;
    } // else none is usable: the last resort, pick among all
    NetConn x = candidates.get(a);
    NetConn y = candidates.get(b);
    long rx = rtt(x, health);
    long ry = rtt(y, health);
    long lx = health.inFlight(x) + 1L;
    long ly = health.inFlight(y) + 1L;
    if (rx == ConnectionHealth.UNKNOWN_RTT || ry == ConnectionHealth.UNKNOWN_RTT) {
      return ly < lx ? y : x;
    }
    return saturatedProduct(ry, ly) < saturatedProduct(rx, lx) ? y : x;
  }

  /** {@code rtt * load}, saturating instead of overflowing. */
  private static long saturatedProduct(long rtt, long load) {
    return rtt > Long.MAX_VALUE / load ? Long.MAX_VALUE : rtt * load;
  }

  /** The first usable index from {@code start} on (wrapping), other than {@code exclude}; -1 if none. */
  private static int nextUsable(List<NetConn> candidates, ConnectionHealth health, int start, int exclude) {
    int n = candidates.size();
    for (int k = 0; k < n; k++) {
      int i = start + k;
      if (i >= n) {
        i -= n;
      }
      if (i != exclude && health.usable(candidates.get(i))) {
        return i;
      }
    }
    return -1;
  }

  /** The connection's peak-EWMA RTT after taking in its latest sample; UNKNOWN_RTT if it has none. */
  private long rtt(NetConn c, ConnectionHealth health) {
    long sample = health.lastRttNanos(c);
    if (sample == ConnectionHealth.UNKNOWN_RTT) {
      return ConnectionHealth.UNKNOWN_RTT;
    }
    Cost cost = costs.get(c);
    if (cost == null) {
      cost = track(c);
    }
    long current = cost.rtt;
    if (current == sample) {
      return sample; // the steady state: no clock read, no write
    }
    long now = nanoTime.getAsLong();
    if (current == ConnectionHealth.UNKNOWN_RTT || sample > current) {
      cost.rtt = sample; // peak: a slower sample counts at once
      cost.stamp = now;
      return sample;
    }
    long elapsed = now - cost.stamp;
    if (elapsed < skipNanos) {
      return current;
    }
    long next = sample + (long) ((current - sample) * Math.exp(-(double) elapsed / decayNanos));
    if (next - sample <= sample >> 6) {
      next = sample; // within 1/64: settle, so the steady state needs no clock
    }
    cost.rtt = next;
    cost.stamp = now;
    return next;
  }

  private Cost track(NetConn c) {
    Cost fresh = new Cost();
    Cost known = costs.putIfAbsent(c, fresh);
    if (known != null) {
      return known;
    }
    c.closeFuture().whenComplete((r, e) -> costs.remove(c));
    return fresh;
  }

  /** Connections with state here; for tests (state is dropped when a connection closes). */
  int trackedConnections() {
    return costs.size();
  }

  @Override
  public String toString() {
    return "EwmaLoadBalancer[decay=" + Duration.ofNanos(decayNanos) + ", tracked=" + costs.size() + "]";
  }
}
