package io.braid.balancer.leastloaded;

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
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class LeastLoadedLoadBalancerTest extends LoadBalancerContract {
  private static final PeerId A = FakeNetConn.testPeer(21);

  @Override
  protected LoadBalancerProvider provider() {
    return new LeastLoadedProvider();
  }

  @Property(tries = 500)
  void alwaysReturnsACandidateWithTheMinimumStreamCount(
      @ForAll @Size(min = 1, max = 64) List<@IntRange(min = 0, max = 50) Integer> counts,
      @ForAll @IntRange(min = 0, max = 100) int picksBefore) {
    LoadBalancer balancer = newBalancer();
    List<NetConn> list = withCounts(counts);
    int min = Collections.min(counts);
    for (int i = 0; i < picksBefore; i++) {
      balancer.select(A, list);
    }
    for (int i = 0; i < list.size(); i++) {
      NetConn picked = balancer.select(A, list);
      assertCandidate(picked, list);
      assertEquals(min, picked.streamCount(), "picked " + picked + " from counts " + counts);
    }
  }

  @Property(tries = 500)
  void tiesSpreadOverEveryTiedCandidateWithinNPicks(
      @ForAll @Size(min = 1, max = 32) List<@IntRange(min = 0, max = 3) Integer> counts,
      @ForAll @IntRange(min = 0, max = 100) int picksBefore) {
    LoadBalancer balancer = newBalancer();
    List<NetConn> list = withCounts(counts);
    int min = Collections.min(counts);
    Set<NetConn> tied = identitySet();
    for (NetConn c : list) {
      if (c.streamCount() == min) {
        tied.add(c);
      }
    }
    for (int i = 0; i < picksBefore; i++) {
      balancer.select(A, list);
    }
    Set<NetConn> picked = identitySet();
    for (int i = 0; i < list.size(); i++) {
      picked.add(balancer.select(A, list));
    }
    assertEquals(tied, picked, "the picks of " + list.size() + " consecutive calls, counts " + counts);
  }

  @Test
  void allIdleConnectionsAreReturnedInTurnNotAlwaysTheOldest() {
    LoadBalancer balancer = newBalancer();
    List<NetConn> list = withCounts(List.of(0, 0, 0, 0, 0));
    Set<NetConn> picked = identitySet();
    for (int i = 0; i < 5; i++) {
      picked.add(balancer.select(A, list));
    }
    assertEquals(5, picked.size(), "five consecutive picks among five idle connections");
  }

  @Property(tries = 300)
  void followsStreamCountsAsTheyChangeBetweenPicks(
      @ForAll @IntRange(min = 1, max = 16) int n,
      @ForAll @Size(max = 80) List<@IntRange(min = 0, max = 2_000) Integer> updates) {
    LoadBalancer balancer = newBalancer();
    List<NetConn> list = connections(n);
    for (int u : updates) {
      ((FakeNetConn) list.get(u % n)).setStreamCount(u / n % 20);
      int min = Integer.MAX_VALUE;
      for (NetConn c : list) {
        min = Math.min(min, c.streamCount());
      }
      NetConn picked = balancer.select(A, list);
      assertEquals(min, picked.streamCount(), "after setting a count, picked " + picked + " from " + list);
    }
  }

  @Test
  void concurrentCallersAllGetAMinimumCandidateWhenCountsStandStill() throws Exception {
    LoadBalancer balancer = newBalancer();
    List<NetConn> list = withCounts(List.of(4, 2, 9, 2, 7, 2, 3, 5));
    Set<NetConn> tied = identitySet();
    list.stream().filter(c -> c.streamCount() == 2).forEach(tied::add);
    CountDownLatch start = new CountDownLatch(1);
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      tasks.add(() -> {
        start.await();
        for (int i = 0; i < 10_000; i++) {
          NetConn picked = balancer.select(A, list);
          if (!tied.contains(picked)) {
            throw new AssertionError("picked " + picked + ", not one with 2 streams");
          }
        }
        return null;
      });
    }
    runConcurrently(tasks, start);
  }

  @Test
  void aSingleCandidateIsReturnedWhateverItsLoad() {
    LoadBalancer balancer = newBalancer();
    FakeNetConn busy = FakeNetConn.withStreamCount(1_000);
    assertSame(busy, balancer.select(A, List.of(busy)));
  }

  @Test
  void badInputIsRejectedWithClearExceptions() {
    LoadBalancer balancer = newBalancer();
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> balancer.select(A, List.of()));
    assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
    assertThrows(NullPointerException.class, () -> balancer.select(null, connections(2)));
    assertThrows(NullPointerException.class, () -> balancer.select(A, null));
  }

  @Test
  void theProviderIsFoundAsLeastLoaded() {
    assertEquals("least_loaded", new LeastLoadedProvider().name());
    assertInstanceOf(LeastLoadedProvider.class, LoadBalancerRegistry.getDefault().get("least_loaded"));
    assertInstanceOf(LeastLoadedLoadBalancer.class, LoadBalancerRegistry.getDefault().create("least_loaded"));
  }

  private static List<NetConn> withCounts(List<Integer> counts) {
    List<NetConn> list = new ArrayList<>();
    for (int c : counts) {
      list.add(FakeNetConn.withStreamCount(c));
    }
    return List.copyOf(list);
  }

  private static Set<NetConn> identitySet() {
    return Collections.newSetFromMap(new IdentityHashMap<>());
  }
}
