package io.braid.balancer.ewma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ConnectionHealth;
import io.braid.api.LoadBalancer;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import io.braid.balancer.spi.LoadBalancerProvider;
import io.braid.balancer.spi.LoadBalancerRegistry;
import io.braid.testkit.FakeNetConn;
import io.braid.testkit.LoadBalancerContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class EwmaLoadBalancerTest extends LoadBalancerContract {
  private static final PeerId PEER_A = FakeNetConn.testPeer(41);
  private static final long MS = 1_000_000L;

  @Override
  protected LoadBalancerProvider provider() {
    return new EwmaProvider();
  }

  /** A health table a test sets by hand; in-flight streams are the fakes' stream counts. */
  static final class Table implements ConnectionHealth {
    final Map<NetConn, long[]> rows = new IdentityHashMap<>(); // rtt, healthy, draining

    Table set(NetConn c, long rttNanos, boolean healthy, boolean draining) {
      rows.put(c, new long[] {rttNanos, healthy ? 1 : 0, draining ? 1 : 0});
      return this;
    }

    @Override
    public long smoothedRttNanos(NetConn conn) {
      return rows.get(conn)[0];
    }

    @Override
    public long lastRttNanos(NetConn conn) {
      return rows.get(conn)[0];
    }

    @Override
    public boolean healthy(NetConn conn) {
      return rows.get(conn)[1] == 1;
    }

    @Override
    public boolean draining(NetConn conn) {
      return rows.get(conn)[2] == 1;
    }
  }

  @Test
  void defaultRegistryFindsItAsEwma() {
    assertTrue(LoadBalancerRegistry.getDefault().create("ewma") instanceof EwmaLoadBalancer);
  }

  @Test
  void decayUnderOneMillisecondIsRejectedWithFieldBoundAndValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new EwmaLoadBalancer(Duration.ZERO, System::nanoTime));
    assertEquals("decay must be >= 1 ms, was PT0S", e.getMessage());
  }

  /** Never an unhealthy or draining connection while a usable one is among the candidates. */
  @Property(tries = 500)
  void neverPicksAnUnhealthyOrDrainingConnectionWhileAUsableOneExists(
      @ForAll @IntRange(min = 1, max = 64) int n, @ForAll long seed) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    List<NetConn> list = new ArrayList<>();
    Table health = new Table();
    boolean anyUsable = false;
    for (int i = 0; i < n; i++) {
      FakeNetConn c = FakeNetConn.withStreamCount(random.nextInt(10));
      boolean healthy = random.nextInt(3) != 0;
      boolean draining = random.nextInt(4) == 0;
      anyUsable |= healthy && !draining;
      health.set(c, random.nextInt(5) == 0 ? ConnectionHealth.UNKNOWN_RTT : random.nextLong(1, 500 * MS),
          healthy, draining);
      list.add(c);
    }
    List<NetConn> candidates = List.copyOf(list);
    LoadBalancer balancer = newBalancer();
    for (int i = 0; i < 3 * n; i++) {
      NetConn picked = balancer.select(PEER_A, candidates, health);
      assertCandidate(picked, candidates);
      if (anyUsable) {
        assertTrue(health.usable(picked), "picked unusable " + picked);
      }
    }
  }

  /**
   * Streams are opened one at a time and stay open (in-flight grows); with one connection 10x slower than
   * the others, it gets at most 20% of the streams.
   */
  @Property(tries = 200)
  void aConnectionTenTimesSlowerGetsAtMostOneFifthOfNewStreams(
      @ForAll @IntRange(min = 2, max = 16) int n, @ForAll @IntRange(min = 0, max = 15) int slowIndex,
      @ForAll @IntRange(min = 1, max = 100) int baseMillis) {
    int slow = slowIndex % n;
    List<NetConn> list = new ArrayList<>();
    Table health = new Table();
    for (int i = 0; i < n; i++) {
      FakeNetConn c = FakeNetConn.withStreamCount(0);
      health.set(c, (i == slow ? 10L : 1L) * baseMillis * MS, true, false);
      list.add(c);
    }
    List<NetConn> candidates = List.copyOf(list);
    LoadBalancer balancer = newBalancer();
    int streams = 100 * n;
    int onSlow = 0;
    for (int i = 0; i < streams; i++) {
      FakeNetConn picked = (FakeNetConn) balancer.select(PEER_A, candidates, health);
      picked.setStreamCount(picked.streamCount() + 1);
      if (picked == candidates.get(slow)) {
        onSlow++;
      }
    }
    assertTrue(onSlow <= streams / 5, "slow connection got " + onSlow + " of " + streams);
  }

  /**
   * Equal connections (same RTT, streams held open): the spread of stream counts stays small. The draws are
   * seeded, and so are jqwik's: the property is the same 1,000 cases on every run. The bounds hold by a wide
   * margin for pick-two (a simulation of 10^5 placements each at n = 32 and 10, 20 and 50 streams per
   * connection: the most loaded at most 3 over the mean, the least loaded at most 9 under it, 8 or more
   * in 4 of 10^4). One random pick per stream would break the first bound in 9 cases of 10 here (at 32
   * connections and 50 streams each its most loaded is typically 15 over the mean).
   */
  @Property(tries = 1000, seed = "20261207")
  void equalConnectionsShareStreamsWithinABound(@ForAll @IntRange(min = 2, max = 32) int n,
      @ForAll @IntRange(min = 10, max = 50) int perConnection, @ForAll long seed) {
    List<NetConn> list = new ArrayList<>();
    Table health = new Table();
    for (int i = 0; i < n; i++) {
      FakeNetConn c = FakeNetConn.withStreamCount(0);
      health.set(c, 5 * MS, true, false);
      list.add(c);
    }
    List<NetConn> candidates = List.copyOf(list);
    SplittableRandom draws = new SplittableRandom(seed);
    LoadBalancer balancer = new EwmaLoadBalancer(EwmaLoadBalancer.DEFAULT_DECAY, System::nanoTime, () -> draws);
    for (int i = 0; i < n * perConnection; i++) {
      FakeNetConn picked = (FakeNetConn) balancer.select(PEER_A, candidates, health);
      picked.setStreamCount(picked.streamCount() + 1);
    }
    int min = Integer.MAX_VALUE;
    int max = 0;
    for (NetConn c : candidates) {
      min = Math.min(min, c.streamCount());
      max = Math.max(max, c.streamCount());
    }
    // Two choices keep the most loaded within O(log log n) of the mean (Azar et al.); the least loaded lags
    // by more (its tail falls about fivefold per stream), never by 12 in the simulation's 3 * 10^5 runs.
    assertTrue(max <= perConnection + 4, "max " + max + " over a mean of " + perConnection + " (min " + min + ")");
    assertTrue(min >= perConnection - 12, "min " + min + " more than 12 under the mean " + perConnection);
  }

  @Test
  void aSlowSampleCountsAtOnceAndAFastOneDecaysWithTheTimeConstant() {
    AtomicLong now = new AtomicLong();
    EwmaLoadBalancer balancer = new EwmaLoadBalancer(Duration.ofSeconds(10), now::get);
    FakeNetConn a = FakeNetConn.withStreamCount(0);
    FakeNetConn b = FakeNetConn.withStreamCount(0);
    List<NetConn> both = List.of(a, b);
    Table health = new Table().set(a, 10 * MS, true, false).set(b, 20 * MS, true, false);
    assertSame(a, pickMany(balancer, both, health), "a is faster");
    health.set(a, 200 * MS, true, false); // one slow answer: a's cost jumps at once
    assertSame(b, pickMany(balancer, both, health), "a's slow sample counts at once");
    health.set(a, 10 * MS, true, false); // fast again, but the peak decays only with time
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertSame(b, pickMany(balancer, both, health), "after 1 s a's cost is still ~182 ms");
    now.addAndGet(Duration.ofSeconds(40).toNanos());
    assertSame(a, pickMany(balancer, both, health), "after 41 s a's cost is back near 10 ms");
  }

  @Test
  void unknownRttIsNeutralSoTheLessLoadedOfThePairWins() {
    EwmaLoadBalancer balancer = new EwmaLoadBalancer();
    FakeNetConn known = FakeNetConn.withStreamCount(5);
    FakeNetConn unknown = FakeNetConn.withStreamCount(1);
    Table health = new Table().set(known, 1 * MS, true, false).set(unknown, ConnectionHealth.UNKNOWN_RTT, true,
        false);
    assertSame(unknown, pickMany(balancer, List.of(known, unknown), health));
  }

  @Test
  void stateOfAClosedConnectionIsDropped() {
    EwmaLoadBalancer balancer = new EwmaLoadBalancer();
    FakeNetConn a = FakeNetConn.withStreamCount(0);
    FakeNetConn b = FakeNetConn.withStreamCount(0);
    Table health = new Table().set(a, MS, true, false).set(b, 2 * MS, true, false);
    balancer.select(PEER_A, List.of(a, b), health);
    assertEquals(2, balancer.trackedConnections());
    a.close();
    assertEquals(1, balancer.trackedConnections());
  }

  /** The same connection on every one of 50 picks between two (P2C over two always compares both). */
  private static NetConn pickMany(LoadBalancer balancer, List<NetConn> two, ConnectionHealth health) {
    NetConn first = balancer.select(PEER_A, two, health);
    for (int i = 0; i < 50; i++) {
      assertSame(first, balancer.select(PEER_A, two, health), "pick " + i);
    }
    return first;
  }
}
