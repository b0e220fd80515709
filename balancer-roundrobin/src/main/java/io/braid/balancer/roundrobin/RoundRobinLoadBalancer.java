package io.braid.balancer.roundrobin;

import io.braid.api.LoadBalancer;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hands out a peer's connections in turn: the i-th pick for a peer returns {@code candidates.get(i mod n)}.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>Exact per-peer fairness.</b> Each peer has its own pick counter. Over any {@code k·n}
 *       consecutive picks for one peer on an unchanged list of {@code n} connections, each connection is
 *       returned exactly {@code k} times, whether the picks come from one thread or many at once (the
 *       counter is advanced with one atomic add, so concurrent picks take consecutive positions). Picks
 *       for other peers do not move this peer's counter. The first pick for a peer returns its oldest
 *       connection.</li>
 *   <li><b>Changing lists.</b> The list may differ from call to call: the counter is simply reduced
 *       modulo the current size, so a pick never throws, never returns a connection that is not in the
 *       list it was given, and from the first pick on a new list the exact fairness above holds again
 *       for that list.</li>
 *   <li><b>Single connection.</b> A one-element list is answered at once, without tracking the peer.</li>
 * </ul>
 *
 * <h2>Bounded memory: which peers are tracked</h2>
 * A counter exists only for peers that were picked for with two or more connections, and at most
 * {@code maxTrackedPeers} of them are kept (plus any first picks for new peers racing with a cleanup).
 * Cleanup is second-chance (CLOCK-like) and runs only when a new peer is first seen and the table has
 * reached a threshold between {@code maxTrackedPeers / 2} and {@code maxTrackedPeers}:
 * <ol>
 *   <li>peers with no pick since the previous cleanup are forgotten; the others are marked as not
 *       recently used;</li>
 *   <li>only if more than three quarters of {@code maxTrackedPeers} are still left (that many peers were
 *       all busy since the previous cleanup) are further peers forgotten, in no particular order, down to
 *       three quarters.</li>
 * </ol>
 * The next cleanup waits for at least a quarter of {@code maxTrackedPeers} new peers, so its cost is
 * amortised to a few steps per new peer. <em>Trade-off:</em> a forgotten peer that comes back starts a
 * new cycle at its oldest connection, so fairness is exact within each stretch of time its counter
 * lives, and across a cleanup it may be off by one pick per connection. With the default of
 * {@value #DEFAULT_MAX_TRACKED_PEERS} peers the table, with the peer ids it keeps alive, stays around
 * half a MiB, and only a node balancing streams over more than about 3000 multi-connection peers, all
 * busy at once, loses the positions of busy peers.
 *
 * <h2>Threads and cost</h2>
 * Thread-safe and lock-free for picks: a pick for a known peer is a {@link ConcurrentHashMap} lookup
 * and one atomic add, and allocates nothing. The first pick for a peer inserts its counter (allocation,
 * and the map briefly locks one bin); a cleanup runs on the thread that triggered it while other
 * threads carry on picking. A pick racing with a cleanup may land on a counter that is being forgotten;
 * it still returns a connection of its list.
 */
public final class RoundRobinLoadBalancer implements LoadBalancer {
  /** How many peers a balancer made with the no-argument constructor tracks at most. */
  public static final int DEFAULT_MAX_TRACKED_PEERS = 4096;

  private final int maxTrackedPeers;
  private final int lowWater;
  private final int quarter;
  private final ConcurrentHashMap<PeerId, Cycle> cycles = new ConcurrentHashMap<>();
  private final AtomicBoolean cleaning = new AtomicBoolean();
  /** Table size at which the next first-seen peer triggers a cleanup; written only by the cleaner. */
  private volatile int nextCleanupAt;

  /** A balancer tracking at most {@value #DEFAULT_MAX_TRACKED_PEERS} peers. */
  public RoundRobinLoadBalancer() {
    this(DEFAULT_MAX_TRACKED_PEERS);
  }

  /**
   * A balancer tracking at most {@code maxTrackedPeers} peers (see the class notes for the policy).
   *
   * @throws IllegalArgumentException if {@code maxTrackedPeers < 1}
   */
  public RoundRobinLoadBalancer(int maxTrackedPeers) {
    if (maxTrackedPeers < 1) {
      throw new IllegalArgumentException("maxTrackedPeers must be >= 1, was " + maxTrackedPeers);
    }
    this.maxTrackedPeers = maxTrackedPeers;
    this.quarter = Math.max(1, maxTrackedPeers / 4);
    this.lowWater = maxTrackedPeers - quarter;
    this.nextCleanupAt = Math.max(1, maxTrackedPeers / 2);
  }

  /**
   * Returns the next connection in {@code peer}'s cycle.
   *
   * @throws NullPointerException if {@code peer} or {@code candidates} is null
   * @throws IllegalArgumentException if {@code candidates} is empty
   */
  @Override
  public NetConn select(PeerId peer, List<NetConn> candidates) {
    Objects.requireNonNull(peer, "peer");
    int n = candidates.size();
    if (n == 1) {
      return candidates.get(0);
    }
    if (n == 0) {
      throw new IllegalArgumentException("candidates is empty: there must be at least one open connection");
    }
    Cycle cycle = cycles.get(peer);
    if (cycle == null) {
      cycle = track(peer);
    }
    return candidates.get(cycle.next(n));
  }

  /** How many peers have a counter right now; for diagnostics and tests. */
  public int trackedPeers() {
    return cycles.size();
  }

  /** The most peers this balancer keeps counters for (see the class notes). */
  public int maxTrackedPeers() {
    return maxTrackedPeers;
  }

  @Override
  public String toString() {
    return "RoundRobinLoadBalancer[tracked=" + cycles.size() + ", max=" + maxTrackedPeers + "]";
  }

  private Cycle track(PeerId peer) {
    if (cycles.size() >= nextCleanupAt) {
      cleanUp();
    }
    return cycles.computeIfAbsent(peer, p -> new Cycle());
  }

  private void cleanUp() {
    if (!cleaning.compareAndSet(false, true)) {
      return; // another thread is at it; its result serves us too
    }
    try {
      for (Iterator<Cycle> it = cycles.values().iterator(); it.hasNext(); ) {
        Cycle c = it.next();
        if (c.recentlyUsed()) {
          c.clearRecentlyUsed();
        } else {
          it.remove();
        }
      }
      if (cycles.size() > lowWater) {
        for (Iterator<Cycle> it = cycles.values().iterator(); it.hasNext() && cycles.size() > lowWater; ) {
          it.next();
          it.remove();
        }
      }
      nextCleanupAt = Math.min(maxTrackedPeers, cycles.size() + quarter);
    } finally {
      cleaning.set(false);
    }
  }

  /** One peer's position. Padding is left out on purpose: a peer's picks share a line anyway. */
  static final class Cycle {
    private static final VarHandle COUNTER;
    private static final VarHandle USED;

    static {
      try {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        COUNTER = lookup.findVarHandle(Cycle.class, "counter", long.class);
        USED = lookup.findVarHandle(Cycle.class, "used", boolean.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    /** Picks made so far; starts at 0 and at one per pick never gets near overflow (2^63). */
    @SuppressWarnings("unused") // accessed through COUNTER
    private volatile long counter;
    /** Picked since the last cleanup; racy on purpose, it only steers which peer is forgotten. */
    private boolean used;

    int next(int n) {
      if (!(boolean) USED.getOpaque(this)) {
        USED.setOpaque(this, true);
      }
      long c = (long) COUNTER.getAndAdd(this, 1L);
      return (int) (c % n);
    }

    boolean recentlyUsed() {
      return (boolean) USED.getOpaque(this);
    }

    void clearRecentlyUsed() {
      USED.setOpaque(this, false);
    }
  }
}
