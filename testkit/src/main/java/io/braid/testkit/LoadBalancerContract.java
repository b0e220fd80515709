package io.braid.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.braid.api.LoadBalancer;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import io.braid.balancer.spi.LoadBalancerProvider;
import io.braid.balancer.spi.LoadBalancerRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The invariants every {@link LoadBalancer} and its {@link LoadBalancerProvider} must keep, as one
 * JUnit 5 + jqwik suite that a balancer's own tests extend.
 *
 * <h2>How to use it</h2>
 * Extend it in your test sources, name the class so your build runs it (e.g. {@code ...Test}), and say
 * which provider to check:
 * <pre>{@code
 * class MyBalancerTest extends LoadBalancerContract {
 *   @Override
 *   protected LoadBalancerProvider provider() {
 *     return new MyBalancerProvider();
 *   }
 *
 *   // add @Test / @Property methods for what only your balancer promises
 * }
 * }</pre>
 * The test class path needs {@code braid-testkit}, JUnit Jupiter and jqwik (both engines must run:
 * the {@code @Test} methods belong to Jupiter, the {@code @Property} methods to jqwik). The
 * registry check expects your module to list the provider in
 * {@code META-INF/services/io.braid.balancer.spi.LoadBalancerProvider}.
 *
 * <h2>What it checks</h2>
 * <ul>
 *   <li>Provider: its name is lower_snake and fixed; {@code priority()} and {@code isAvailable()} do
 *       not throw; {@code create()} returns a balancer; {@link LoadBalancerRegistry#getDefault()} finds
 *       a provider of the same class under that name.</li>
 *   <li>Selection: for lists of 1 to 64 connections, with any stream counts, the result is one of the
 *       candidates (the same instance), never null; a single candidate is always returned; picks for
 *       several peers stay within each peer's own list; thousands of distinct peers do no harm.</li>
 *   <li>Changing lists: connections added, removed, lists shrunk to one or replaced between picks
 *       never make a pick throw or return a connection that is not in the list it was given.</li>
 *   <li>Threads: 4 threads × 10,000 concurrent picks on shared lists, and picks while another thread
 *       replaces the lists and changes stream counts, all return candidates without throwing.</li>
 * </ul>
 * Every check runs {@link #provider()} afresh and makes its own balancer with {@link #newBalancer()}.
 * Everything is bounded: concurrent checks wait at most {@value #TIMEOUT_SECONDS} seconds.
 */
public abstract class LoadBalancerContract {
  /** How long a concurrent check waits for its threads. */
  protected static final long TIMEOUT_SECONDS = 30;

  private static final Pattern LOWER_SNAKE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");
  private static final PeerId PEER = FakeNetConn.testPeer(1);

  /** For subclasses: one per balancer under test. */
  protected LoadBalancerContract() {}

  /** The provider under test; may return a new instance on every call. */
  protected abstract LoadBalancerProvider provider();

  /** A fresh balancer from {@link #provider()}; fails the check if {@code create()} returns null. */
  protected LoadBalancer newBalancer() {
    LoadBalancer balancer = provider().create();
    assertNotNull(balancer, "create() of " + provider().getClass().getName() + " returned null");
    return balancer;
  }

  // ---------------------------------------------------------------------------------------------
  // The provider

  /** The provider's name is lower_snake, at most 64 characters, and the same on every call. */
  @Test
  public void providerNameIsLowerSnakeAndFixed() {
    LoadBalancerProvider provider = provider();
    String name = provider.name();
    assertNotNull(name, "name() returned null");
    assertTrue(name.length() <= LoadBalancerRegistry.MAX_NAME_LENGTH && LOWER_SNAKE.matcher(name).matches(),
        "name() must be lower_snake like 'round_robin', was '" + name + "'");
    assertEquals(name, provider.name(), "name() must return the same value on every call");
    assertEquals(name, provider().name(), "every instance of the provider must have the same name");
  }

  /** {@code priority()} and {@code isAvailable()} answer without throwing, and priority is fixed. */
  @Test
  public void providerAnswersPriorityAndAvailabilityWithoutThrowing() {
    LoadBalancerProvider provider = provider();
    int priority = assertDoesNotThrow(provider::priority, "priority() must not throw");
    assertEquals(priority, provider.priority(), "priority() must return the same value on every call");
    assertDoesNotThrow(provider::isAvailable, "isAvailable() must not throw");
  }

  /** {@code create()} returns a balancer, a usable one, every time it is called. */
  @Test
  public void providerCreatesAWorkingBalancerEveryTime() {
    LoadBalancerProvider provider = provider();
    List<NetConn> candidates = connections(3);
    for (int i = 0; i < 3; i++) {
      LoadBalancer balancer = provider.create();
      assertNotNull(balancer, "create() returned null");
      assertCandidate(balancer.select(PEER, candidates), candidates);
    }
  }

  /** The default registry finds a provider of the same class under the provider's name. */
  @Test
  public void defaultRegistryFindsTheProviderByName() {
    LoadBalancerProvider provider = provider();
    String name = provider.name();
    LoadBalancerRegistry registry = LoadBalancerRegistry.getDefault();
    assertTrue(registry.names().contains(name), "LoadBalancerRegistry.getDefault() does not know '" + name
        + "' (known: " + registry.names() + "); is " + provider.getClass().getName() + " listed in "
        + "META-INF/services/" + LoadBalancerProvider.class.getName() + " and available?");
    assertSame(provider.getClass(), registry.get(name).getClass(),
        "the default registry resolves '" + name + "' to another class");
    LoadBalancer balancer = registry.create(name);
    List<NetConn> candidates = connections(2);
    assertCandidate(balancer.select(PEER, candidates), candidates);
  }

  // ---------------------------------------------------------------------------------------------
  // Selection

  /** For lists of 1 to 64 connections with any stream counts, every pick is one of the candidates. */
  @Property(tries = 300)
  public void selectReturnsOneOfTheCandidatesItself(
      @ForAll @Size(min = 1, max = 64) List<@IntRange(min = 0, max = 1000) Integer> streamCounts) {
    LoadBalancer balancer = newBalancer();
    List<NetConn> candidates = new ArrayList<>();
    for (int count : streamCounts) {
      candidates.add(FakeNetConn.withStreamCount(count));
    }
    candidates = List.copyOf(candidates);
    for (int i = 0; i < 2 * candidates.size() + 1; i++) {
      assertCandidate(balancer.select(PEER, candidates), candidates);
    }
  }

  /**
   * The health-aware form ({@code select(peer, candidates, health)}, issue 14) returns one of the
   * candidates too, whatever the health says (a balancer that ignores health keeps passing).
   */
  @Property(tries = 200)
  public void selectWithHealthReturnsOneOfTheCandidatesItself(
      @ForAll @Size(min = 1, max = 64) List<@IntRange(min = 0, max = 1000) Integer> streamCounts,
      @ForAll long seed) {
    LoadBalancer balancer = newBalancer();
    List<NetConn> candidates = new ArrayList<>();
    for (int count : streamCounts) {
      candidates.add(FakeNetConn.withStreamCount(count));
    }
    List<NetConn> list = List.copyOf(candidates);
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    java.util.Map<NetConn, long[]> facts = new java.util.IdentityHashMap<>();
    for (NetConn c : list) { // rtt (or unknown), healthy, draining
      facts.put(c, new long[] {random.nextInt(4) == 0 ? -1 : random.nextLong(1, 1_000_000_000L),
          random.nextInt(3) == 0 ? 0 : 1, random.nextInt(4) == 0 ? 1 : 0});
    }
    io.braid.api.ConnectionHealth health = new io.braid.api.ConnectionHealth() {
      @Override
      public long smoothedRttNanos(NetConn conn) {
        return facts.get(conn)[0];
      }

      @Override
      public long lastRttNanos(NetConn conn) {
        return facts.get(conn)[0];
      }

      @Override
      public boolean healthy(NetConn conn) {
        return facts.get(conn)[1] == 1;
      }

      @Override
      public boolean draining(NetConn conn) {
        return facts.get(conn)[2] == 1;
      }
    };
    for (int i = 0; i < 2 * list.size() + 1; i++) {
      assertCandidate(balancer.select(PEER, list, health), list);
      assertCandidate(balancer.select(PEER, list, io.braid.api.ConnectionHealth.NONE), list);
    }
  }

  /** A list of one connection always yields that connection, for any peer and stream count. */
  @Test
  public void singleCandidateIsAlwaysReturned() {
    LoadBalancer balancer = newBalancer();
    for (int i = 0; i < 100; i++) {
      FakeNetConn only = FakeNetConn.withStreamCount(i % 7);
      PeerId peer = FakeNetConn.testPeer(i % 5);
      assertSame(only, balancer.select(peer, List.of(only)), "pick " + i + " on a one-element list");
      assertSame(only, balancer.select(peer, List.of(only)), "repeated pick " + i + " on a one-element list");
    }
  }

  /** Interleaved picks for several peers always stay within the list given for that peer. */
  @Property(tries = 100)
  public void picksForSeveralPeersStayWithinEachPeersOwnList(
      @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 16) Integer> listSizes,
      @ForAll @Size(min = 1, max = 200) List<@IntRange(min = 0, max = 7) Integer> pickOrder) {
    LoadBalancer balancer = newBalancer();
    List<List<NetConn>> lists = new ArrayList<>();
    List<PeerId> peers = new ArrayList<>();
    for (int i = 0; i < listSizes.size(); i++) {
      lists.add(connections(listSizes.get(i)));
      peers.add(FakeNetConn.testPeer(100 + i));
    }
    for (int p : pickOrder) {
      int which = p % lists.size();
      assertCandidate(balancer.select(peers.get(which), lists.get(which)), lists.get(which));
    }
  }

  /** Picks for thousands of distinct peers (more than any sane per-peer table) stay correct. */
  @Test
  public void picksForManyDistinctPeersStayCorrect() {
    LoadBalancer balancer = newBalancer();
    List<NetConn> two = connections(2);
    List<NetConn> three = connections(3);
    PeerId steady = FakeNetConn.testPeer(-1);
    for (int i = 0; i < 20_000; i++) {
      List<NetConn> list = (i & 1) == 0 ? two : three;
      assertCandidate(balancer.select(FakeNetConn.testPeer(1_000_000 + i), list), list);
      assertCandidate(balancer.select(steady, three), three);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Changing lists

  /**
   * Adding, removing, shrinking to one and replacing connections between picks never makes a pick
   * throw or return a connection outside the current list.
   *
   * <p>Each change is {@code v % 4} (0 add, 1 remove one, 2 shrink to one, 3 replace all) with
   * argument {@code v / 4}.
   */
  @Property(tries = 300)
  public void listChangesBetweenPicksNeverYieldAStaleConnection(
      @ForAll @IntRange(min = 1, max = 64) int initialSize,
      @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 1000) Integer> changes) {
    LoadBalancer balancer = newBalancer();
    List<NetConn> current = connections(initialSize);
    for (int i = 0; i < 3; i++) {
      assertCandidate(balancer.select(PEER, current), current);
    }
    for (int v : changes) {
      int arg = v / 4;
      List<NetConn> next = new ArrayList<>(current);
      switch (v % 4) {
        case 0 -> {
          for (int k = 0; k <= arg % 3 && next.size() < 64; k++) {
            next.add(FakeNetConn.withStreamCount(arg % 5));
          }
        }
        case 1 -> {
          if (next.size() > 1) {
            next.remove(arg % next.size()).close();
          }
        }
        case 2 -> next = new ArrayList<>(List.of(next.get(arg % next.size())));
        default -> next = new ArrayList<>(connections(arg % 64 + 1));
      }
      current = List.copyOf(next);
      for (int i = 0; i < 3; i++) {
        assertCandidate(balancer.select(PEER, current), current);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Threads

  /** 4 threads × 10,000 picks on shared lists for shared peers: every result is a candidate. */
  @Test
  public void concurrentPicksOnSharedListsAlwaysReturnACandidate() throws Exception {
    LoadBalancer balancer = newBalancer();
    List<List<NetConn>> lists = List.of(connections(1), connections(3), connections(8), connections(64));
    List<PeerId> peers = List.of(FakeNetConn.testPeer(201), FakeNetConn.testPeer(202),
        FakeNetConn.testPeer(203), FakeNetConn.testPeer(204));
    int threads = 4;
    int picks = 10_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int offset = t;
      tasks.add(() -> {
        start.await();
        for (int i = 0; i < picks; i++) {
          int which = (i + offset) % lists.size();
          assertCandidate(balancer.select(peers.get(which), lists.get(which)), lists.get(which));
        }
        return null;
      });
    }
    runConcurrently(tasks, start);
  }

  /**
   * While one thread keeps replacing each peer's list and changing stream counts, 3 threads picking
   * always get a connection of the list they passed.
   */
  @Test
  public void concurrentPicksWhileListsAndCountsChangeNeverYieldAStaleConnection() throws Exception {
    LoadBalancer balancer = newBalancer();
    int peerCount = 3;
    List<PeerId> peers = new ArrayList<>();
    List<AtomicReference<List<NetConn>>> lists = new ArrayList<>();
    for (int p = 0; p < peerCount; p++) {
      peers.add(FakeNetConn.testPeer(300 + p));
      lists.add(new AtomicReference<>(connections(4)));
    }
    int pickers = 3;
    AtomicBoolean writerDone = new AtomicBoolean();
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch pickersRunning = new CountDownLatch(pickers);
    List<Callable<Void>> tasks = new ArrayList<>();
    tasks.add(() -> {
      start.await();
      try {
        // changes must happen while picks are under way, not before the first one
        if (!pickersRunning.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          throw new AssertionError("picking threads did not start");
        }
        for (int round = 0; round < 3_000; round++) {
          AtomicReference<List<NetConn>> ref = lists.get(round % peerCount);
          List<NetConn> old = ref.get();
          for (NetConn c : old) {
            ((FakeNetConn) c).setStreamCount((round * 7 + c.hashCode()) & 15);
          }
          List<NetConn> next = new ArrayList<>(round % 5 == 0 ? List.of() : old.subList(1, old.size()));
          int target = round % 5 == 0 ? 1 : 1 + round % 9;
          while (next.size() < target) {
            next.add(FakeNetConn.withStreamCount(round & 3));
          }
          ref.set(List.copyOf(next));
        }
      } finally {
        writerDone.set(true);
      }
      return null;
    });
    for (int t = 0; t < pickers; t++) {
      int offset = t;
      tasks.add(() -> {
        start.await();
        try {
          // at least 10,000 picks each, and on until the writer finished (bounded by the writer's loop)
          for (int i = 0; i < 10_000 || !writerDone.get(); i++) {
            int which = (i + offset) % peerCount;
            List<NetConn> list = lists.get(which).get();
            assertCandidate(balancer.select(peers.get(which), list), list);
            if (i == 0) {
              pickersRunning.countDown();
            }
          }
        } finally {
          pickersRunning.countDown(); // a failed first pick must not leave the writer waiting
        }
        // one more pick per peer on the final lists, however the threads were scheduled
        for (int which = 0; which < peerCount; which++) {
          List<NetConn> list = lists.get(which).get();
          assertCandidate(balancer.select(peers.get(which), list), list);
        }
        return null;
      });
    }
    runConcurrently(tasks, start);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers for subclasses

  /** {@code n} fresh open connections with stream counts 0, 1, 2, 0, 1, 2, …, as an immutable list. */
  protected static List<NetConn> connections(int n) {
    List<NetConn> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(FakeNetConn.withStreamCount(i % 3));
    }
    return List.copyOf(list);
  }

  /** Fails unless {@code picked} is one of {@code candidates} (the same instance). */
  protected static void assertCandidate(NetConn picked, List<NetConn> candidates) {
    if (picked == null) {
      fail("select returned null for " + candidates.size() + " candidates");
    }
    for (int i = 0; i < candidates.size(); i++) {
      if (candidates.get(i) == picked) {
        return;
      }
    }
    fail("select returned " + picked + ", which is not one of the " + candidates.size() + " candidates "
        + candidates);
  }

  /**
   * Runs {@code tasks} on their own threads, releases {@code start}, waits at most
   * {@value #TIMEOUT_SECONDS} seconds and rethrows the first failure.
   */
  protected static void runConcurrently(List<Callable<Void>> tasks, CountDownLatch start) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      List<Future<Void>> futures = new ArrayList<>();
      for (Callable<Void> task : tasks) {
        futures.add(pool.submit(task));
      }
      start.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
      for (Future<Void> f : futures) {
        try {
          f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof Error err) {
            throw err;
          }
          throw new AssertionError("a concurrent pick failed: " + cause, cause);
        }
      }
    } finally {
      pool.shutdownNow();
      if (!pool.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        fail("concurrent check threads did not stop within " + TIMEOUT_SECONDS + " s");
      }
    }
  }
}
