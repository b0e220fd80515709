package io.braid.balancer.roundrobin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.LoadBalancer;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import io.braid.balancer.spi.LoadBalancerProvider;
import io.braid.balancer.spi.LoadBalancerRegistry;
import io.braid.testkit.FakeNetConn;
import io.braid.testkit.LoadBalancerContract;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RoundRobinLoadBalancerTest extends LoadBalancerContract {
  private static final PeerId A = FakeNetConn.testPeer(11);
  private static final PeerId B = FakeNetConn.testPeer(12);

  @Override
  protected LoadBalancerProvider provider() {
    return new RoundRobinProvider();
  }

  @Property(tries = 300)
  void eachConnectionIsPickedExactlyKTimesOverAnyKTimesNConsecutivePicks(
      @ForAll @IntRange(min = 1, max = 64) int n,
      @ForAll @IntRange(min = 1, max = 10) int k,
      @ForAll @IntRange(min = 0, max = 200) int picksBefore) {
    LoadBalancer balancer = newBalancer();
    List<NetConn> list = connections(n);
    for (int i = 0; i < picksBefore; i++) {
      balancer.select(A, list);
    }
    Map<NetConn, Integer> counts = new IdentityHashMap<>();
    for (int i = 0; i < k * n; i++) {
      counts.merge(balancer.select(A, list), 1, Integer::sum);
    }
    assertEquals(n, counts.size(), "every connection is picked");
    counts.forEach((conn, c) -> assertEquals(k, c, conn + " was picked " + c + " times in " + k * n + " picks"));
  }

  @Test
  void concurrentCallersStillPickEachConnectionExactlyKTimes() throws Exception {
    for (int n : new int[] {2, 7, 8, 64}) {
      LoadBalancer balancer = newBalancer();
      List<NetConn> list = connections(n);
      int threads = 4;
      int k = 2_000;
      int perThread = k * n / threads; // n * 2000 is divisible by 4
      Map<NetConn, AtomicInteger> counts = new ConcurrentHashMap<>();
      list.forEach(c -> counts.put(c, new AtomicInteger()));
      CountDownLatch start = new CountDownLatch(1);
      List<Callable<Void>> tasks = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        tasks.add(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            counts.get(balancer.select(A, list)).incrementAndGet();
          }
          return null;
        });
      }
      runConcurrently(tasks, start);
      for (NetConn c : list) {
        assertEquals(k, counts.get(c).get(), "n=" + n + ": " + c + " under 4 concurrent callers");
      }
    }
  }

  @Test
  void concurrentPicksForOtherPeersDoNotDisturbAPeersCycle() throws Exception {
    LoadBalancer balancer = newBalancer();
    List<NetConn> mine = connections(5);
    List<NetConn> theirs = connections(3);
    int k = 4_000;
    Map<NetConn, AtomicInteger> counts = new ConcurrentHashMap<>();
    mine.forEach(c -> counts.put(c, new AtomicInteger()));
    CountDownLatch start = new CountDownLatch(1);
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      tasks.add(() -> {
        start.await();
        for (int i = 0; i < k * mine.size() / 2; i++) {
          counts.get(balancer.select(A, mine)).incrementAndGet();
        }
        return null;
      });
    }
    for (int t = 0; t < 2; t++) {
      int seed = t;
      tasks.add(() -> {
        start.await();
        for (int i = 0; i < 20_000; i++) {
          balancer.select(FakeNetConn.testPeer(50 + (i + seed) % 4), theirs);
        }
        return null;
      });
    }
    runConcurrently(tasks, start);
    for (NetConn c : mine) {
      assertEquals(k, counts.get(c).get(), c + " while other peers were picked for concurrently");
    }
  }

  @Property(tries = 300)
  void picksForOtherPeersDoNotMoveAPeersPosition(
      @ForAll @IntRange(min = 2, max = 16) int n,
      @ForAll @Size(max = 100) List<@IntRange(min = 0, max = 5) Integer> otherPicksBetween) {
    LoadBalancer balancer = newBalancer();
    List<NetConn> mine = connections(n);
    List<NetConn> theirs = connections(n + 1);
    int pick = 0;
    for (int others : otherPicksBetween) {
      assertSame(mine.get(pick % n), balancer.select(A, mine), "pick " + pick + " for A");
      pick++;
      for (int i = 0; i < others; i++) {
        balancer.select(i % 2 == 0 ? B : FakeNetConn.testPeer(13 + i), theirs);
      }
    }
  }

  @Test
  void theFirstPickForAPeerIsItsOldestConnectionAndThenInListOrder() {
    LoadBalancer balancer = newBalancer();
    List<NetConn> list = connections(4);
    for (int i = 0; i < 12; i++) {
      assertSame(list.get(i % 4), balancer.select(A, list), "pick " + i);
    }
  }

  @Property(tries = 200)
  void afterAnyListChangeTheNextKTimesMPicksAreExactlyFairOnTheNewList(
      @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 16) Integer> sizes,
      @ForAll @IntRange(min = 0, max = 30) int partialPicks,
      @ForAll @IntRange(min = 1, max = 4) int k) {
    LoadBalancer balancer = newBalancer();
    List<NetConn> previous = connections(3);
    for (int m : sizes) {
      for (int i = 0; i < partialPicks; i++) {
        balancer.select(A, previous); // leave the old cycle at an arbitrary position
      }
      // the new list keeps some old connections and adds fresh ones
      List<NetConn> next = new ArrayList<>(previous.subList(0, Math.min(previous.size(), m / 2)));
      while (next.size() < m) {
        next.add(FakeNetConn.create());
      }
      List<NetConn> list = List.copyOf(next);
      Map<NetConn, Integer> counts = new IdentityHashMap<>();
      for (int i = 0; i < k * m; i++) {
        NetConn picked = balancer.select(A, list);
        assertCandidate(picked, list);
        counts.merge(picked, 1, Integer::sum);
      }
      assertEquals(m, counts.size(), "every connection of the new list of " + m + " is picked");
      counts.values().forEach(c -> assertEquals(k, c));
      previous = list;
    }
  }

  @Test
  void trackedPeersStayBoundedWhileManyPeersComeAndGo() {
    RoundRobinLoadBalancer balancer = new RoundRobinLoadBalancer(64);
    List<NetConn> list = connections(2);
    for (int i = 0; i < 5_000; i++) {
      balancer.select(FakeNetConn.testPeer(10_000 + i), list);
      assertTrue(balancer.trackedPeers() <= 64, "tracked " + balancer.trackedPeers() + " after " + (i + 1));
    }
  }

  @Test
  void aBusyPeerKeepsItsCycleWhileIdlePeersAreForgotten() {
    RoundRobinLoadBalancer balancer = new RoundRobinLoadBalancer(8);
    List<NetConn> mine = connections(3);
    List<NetConn> theirs = connections(2);
    int pick = 0;
    for (int i = 0; i < 1_000; i++) {
      assertSame(mine.get(pick % 3), balancer.select(A, mine), "pick " + pick + " for the busy peer");
      pick++;
      balancer.select(FakeNetConn.testPeer(20_000 + i), theirs); // a peer seen once, then idle
    }
    assertTrue(balancer.trackedPeers() <= 8, "tracked " + balancer.trackedPeers());
  }

  @Test
  void aForgottenPeerStartsANewCycleAtItsOldestConnection() {
    RoundRobinLoadBalancer balancer = new RoundRobinLoadBalancer(4);
    List<NetConn> list = connections(3);
    balancer.select(A, list); // position 1 next
    for (int i = 0; i < 50; i++) {
      balancer.select(FakeNetConn.testPeer(30_000 + i), list);
    }
    assertSame(list.get(0), balancer.select(A, list), "A was idle through several cleanups");
  }

  @Test
  void singleConnectionPeersAreNotTracked() {
    RoundRobinLoadBalancer balancer = new RoundRobinLoadBalancer();
    for (int i = 0; i < 100; i++) {
      balancer.select(FakeNetConn.testPeer(i), connections(1));
    }
    assertEquals(0, balancer.trackedPeers());
  }

  @Test
  void badInputIsRejectedWithClearExceptions() {
    RoundRobinLoadBalancer balancer = new RoundRobinLoadBalancer();
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> balancer.select(A, List.of()));
    assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
    assertThrows(NullPointerException.class, () -> balancer.select(null, connections(2)));
    assertThrows(NullPointerException.class, () -> balancer.select(A, null));
    IllegalArgumentException cap = assertThrows(IllegalArgumentException.class, () -> new RoundRobinLoadBalancer(0));
    assertEquals("maxTrackedPeers must be >= 1, was 0", cap.getMessage());
  }

  @Test
  void theProviderIsFoundAsRoundRobin() {
    assertEquals("round_robin", new RoundRobinProvider().name());
    assertInstanceOf(RoundRobinProvider.class, LoadBalancerRegistry.getDefault().get("round_robin"));
    assertInstanceOf(RoundRobinLoadBalancer.class, LoadBalancerRegistry.getDefault().create("round_robin"));
  }
}
