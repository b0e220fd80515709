package io.braid.balancer.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.LoadBalancer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class LoadBalancerRegistryTest {

  @Test
  void aRegistryBuiltByHandFindsItsProvidersByName() {
    LoadBalancerRegistry registry = new LoadBalancerRegistry();
    FixtureProviders.Named rr = new FixtureProviders.Named("round_robin", 5);
    FixtureProviders.Named ll = new FixtureProviders.Named("least_loaded", 5);
    registry.register(rr);
    registry.register(ll);
    assertSame(rr, registry.get("round_robin"));
    assertSame(ll, registry.get("least_loaded"));
    assertSame(FixtureProviders.FIRST, registry.create("round_robin"));
  }

  @Test
  void namesAreSortedAndAnImmutableSnapshot() {
    LoadBalancerRegistry registry = new LoadBalancerRegistry();
    registry.register(new FixtureProviders.Named("zeta", 5));
    registry.register(new FixtureProviders.Named("alpha", 5));
    Set<String> before = registry.names();
    registry.register(new FixtureProviders.Named("mid_one", 5));
    assertEquals(List.of("alpha", "zeta"), new ArrayList<>(before), "an earlier snapshot does not change");
    assertEquals(List.of("alpha", "mid_one", "zeta"), new ArrayList<>(registry.names()));
    assertThrows(UnsupportedOperationException.class, () -> registry.names().add("x"));
  }

  @Test
  void aNameClashIsWonByTheHigherPriorityInEitherRegistrationOrder() {
    FixtureProviders.Named low = new FixtureProviders.Named("round_robin", 5);
    FixtureProviders.Named high = new FixtureProviders.OtherNamed("round_robin", 7);
    LoadBalancerRegistry lowFirst = new LoadBalancerRegistry();
    lowFirst.register(low);
    lowFirst.register(high);
    LoadBalancerRegistry highFirst = new LoadBalancerRegistry();
    highFirst.register(high);
    highFirst.register(low);
    assertSame(high, lowFirst.get("round_robin"));
    assertSame(high, highFirst.get("round_robin"));
    assertEquals(Set.of("round_robin"), lowFirst.names());
  }

  @Test
  void anExactPriorityTieFailsLookupNamingBothClassesUntilResolved() {
    LoadBalancerRegistry registry = new LoadBalancerRegistry();
    FixtureProviders.Named one = new FixtureProviders.Named("round_robin", 5);
    FixtureProviders.Named two = new FixtureProviders.OtherNamed("round_robin", 5);
    FixtureProviders.Named other = new FixtureProviders.Named("least_loaded", 5);
    registry.register(one);
    registry.register(other);
    String log = captureStderr(() -> registry.register(two));

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> registry.get("round_robin"));
    assertTrue(e.getMessage().contains(FixtureProviders.Named.class.getName()), e.getMessage());
    assertTrue(e.getMessage().contains(FixtureProviders.OtherNamed.class.getName()), e.getMessage());
    assertTrue(e.getMessage().contains("same priority 5"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> registry.create("round_robin"));
    assertTrue(log.contains("WARN") && log.contains(FixtureProviders.OtherNamed.class.getName()), log);
    assertSame(other, registry.get("least_loaded"), "other names are unaffected");
    assertTrue(registry.names().contains("round_robin"), "an ambiguous name is still known");

    registry.deregister(one);
    assertSame(two, registry.get("round_robin"), "deregistering one side resolves the tie");
  }

  @Test
  void aHigherPriorityProviderResolvesATie() {
    LoadBalancerRegistry registry = new LoadBalancerRegistry();
    registry.register(new FixtureProviders.Named("round_robin", 5));
    captureStderr(() -> registry.register(new FixtureProviders.OtherNamed("round_robin", 5))); // warns
    FixtureProviders.Named winner = new FixtureProviders.Named("round_robin", 6);
    registry.register(winner);
    assertSame(winner, registry.get("round_robin"));
  }

  @Test
  void anUnknownNameFailsListingTheKnownNames() {
    LoadBalancerRegistry registry = new LoadBalancerRegistry();
    registry.register(new FixtureProviders.Named("round_robin", 5));
    registry.register(new FixtureProviders.Named("least_loaded", 5));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.get("foo"));
    assertEquals("no load balancer named 'foo'; known: least_loaded, round_robin", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> registry.create("foo"));
  }

  @Test
  void anEmptyRegistrySaysThatNoNameIsKnown() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new LoadBalancerRegistry().get("round_robin"));
    assertEquals("no load balancer named 'round_robin'; known: (none)", e.getMessage());
  }

  @Test
  void nullArgumentsFailWithNullPointerException() {
    LoadBalancerRegistry registry = new LoadBalancerRegistry();
    assertThrows(NullPointerException.class, () -> registry.get(null));
    assertThrows(NullPointerException.class, () -> registry.create(null));
    assertThrows(NullPointerException.class, () -> registry.register(null));
    assertThrows(NullPointerException.class, () -> registry.deregister(null));
  }

  @Test
  void invalidNamesAreRejectedAtRegisterWithAClearMessage() {
    LoadBalancerRegistry registry = new LoadBalancerRegistry();
    for (String bad : List.of("", "Round", "round-robin", "_x", "x_", "a__b", "1abc", "round robin", "é",
        "a".repeat(LoadBalancerRegistry.MAX_NAME_LENGTH + 1))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> registry.register(new FixtureProviders.Named(bad, 5)), "name '" + bad + "'");
      assertTrue(e.getMessage().contains("invalid name") && e.getMessage().contains("lower_snake"), e.getMessage());
      assertTrue(e.getMessage().contains(FixtureProviders.Named.class.getName()), e.getMessage());
    }
    IllegalArgumentException nullName = assertThrows(IllegalArgumentException.class,
        () -> registry.register(new FixtureProviders.Named(null, 5)));
    assertTrue(nullName.getMessage().contains("invalid name null"), nullName.getMessage());
    assertTrue(registry.names().isEmpty(), "nothing was registered");
  }

  @Property(tries = 300)
  void anyLowerSnakeNameIsAcceptedAndFound(@ForAll("lowerSnake") String name) {
    LoadBalancerRegistry registry = new LoadBalancerRegistry();
    FixtureProviders.Named provider = new FixtureProviders.Named(name, 5);
    registry.register(provider);
    assertSame(provider, registry.get(name));
  }

  @Property(tries = 300)
  void anyNameOutsideLowerSnakeIsRefusedWithIllegalArgumentException(@ForAll String name) {
    boolean valid = name.length() <= LoadBalancerRegistry.MAX_NAME_LENGTH
        && name.matches("[a-z][a-z0-9]*(_[a-z0-9]+)*");
    LoadBalancerRegistry registry = new LoadBalancerRegistry();
    if (valid) {
      registry.register(new FixtureProviders.Named(name, 5));
    } else {
      assertThrows(IllegalArgumentException.class, () -> registry.register(new FixtureProviders.Named(name, 5)));
    }
    assertEquals(valid, registry.names().contains(name));
  }

  @Provide
  Arbitrary<String> lowerSnake() {
    Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9')
        .ofMinLength(1).ofMaxLength(6);
    Arbitrary<String> head = Arbitraries.strings().withCharRange('a', 'z').ofLength(1);
    return head.flatMap(h -> word.list().ofMaxSize(6).map(words -> {
      StringBuilder sb = new StringBuilder(h);
      words.forEach(w -> sb.append('_').append(w));
      return sb.toString();
    }));
  }

  @Test
  void registerRefusesAnUnavailableProvider() {
    LoadBalancerRegistry registry = new LoadBalancerRegistry();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> registry.register(new FixtureProviders.Unavailable()));
    assertTrue(e.getMessage().contains("not available"), e.getMessage());
    assertTrue(registry.names().isEmpty());
  }

  @Test
  void registerTurnsAProviderThatThrowsIntoIllegalArgumentExceptionWithTheCause() {
    LoadBalancerRegistry registry = new LoadBalancerRegistry();
    IllegalArgumentException byName = assertThrows(IllegalArgumentException.class,
        () -> registry.register(new FixtureProviders.ThrowsInName()));
    assertInstanceOf(UnsupportedOperationException.class, byName.getCause());
    assertTrue(byName.getMessage().contains(FixtureProviders.ThrowsInName.class.getName()), byName.getMessage());
    IllegalArgumentException byAvailability = assertThrows(IllegalArgumentException.class,
        () -> registry.register(new FixtureProviders.ThrowsInIsAvailable()));
    assertInstanceOf(IllegalStateException.class, byAvailability.getCause());
    assertTrue(registry.names().isEmpty());
  }

  @Test
  void registeringTheSameInstanceTwiceChangesNothingAndDeregisterRemovesIt() {
    LoadBalancerRegistry registry = new LoadBalancerRegistry();
    FixtureProviders.Named provider = new FixtureProviders.Named("round_robin", 5);
    registry.register(provider);
    registry.register(provider);
    assertSame(provider, registry.get("round_robin"), "not a tie with itself");
    assertTrue(registry.deregister(provider));
    assertFalse(registry.deregister(provider), "already gone");
    assertTrue(registry.names().isEmpty());
    assertThrows(IllegalArgumentException.class, () -> registry.get("round_robin"));
  }

  @Test
  void deregisteringTheWinnerFallsBackToTheNextPriority() {
    LoadBalancerRegistry registry = new LoadBalancerRegistry();
    FixtureProviders.Named low = new FixtureProviders.Named("round_robin", 1);
    FixtureProviders.Named high = new FixtureProviders.Named("round_robin", 9);
    registry.register(low);
    registry.register(high);
    registry.deregister(high);
    assertSame(low, registry.get("round_robin"));
  }

  @Test
  void createFailsClearlyWhenAProviderReturnsNull() {
    LoadBalancerRegistry registry = new LoadBalancerRegistry();
    registry.register(new FixtureProviders.Named("nothing", 5) {
      @Override
      public LoadBalancer create() {
        return null;
      }
    });
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> registry.create("nothing"));
    assertTrue(e.getMessage().contains("returned null from create()"), e.getMessage());
  }

  @Test
  void discoverySkipsBrokenAndUnavailableProvidersAndKeepsTheGoodOne() throws Exception {
    URL fixture = getClass().getClassLoader().getResource("discovery-fixture/");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {fixture}, getClass().getClassLoader())) {
      LoadBalancerRegistry[] loaded = new LoadBalancerRegistry[1];
      String log = captureStderr(() -> loaded[0] = LoadBalancerRegistry.load(loader));
      LoadBalancerRegistry registry = loaded[0];

      assertEquals(Set.of("fixture_good"), registry.names());
      assertInstanceOf(FixtureProviders.Good.class, registry.get("fixture_good"));
      assertSame(FixtureProviders.FIRST, registry.create("fixture_good"));
      // every broken one is named in a warning together with its cause
      assertWarned(log, "ThrowsInConstructor", "constructor exploded on purpose");
      assertWarned(log, "ThrowsInName", "name exploded on purpose");
      assertWarned(log, "ThrowsInIsAvailable", "isAvailable exploded on purpose");
      assertWarned(log, "BadName", "'Fixture-Bad'");
      assertWarned(log, "NotAProvider", "not a subtype");
      assertWarned(log, "NoSuchProviderClass", "not found");
      // the unavailable one is a normal condition: debug, not a warning
      assertTrue(log.lines().anyMatch(l -> l.contains("DEBUG") && l.contains("Unavailable")
          && l.contains("isAvailable() returned false")), log);
      assertFalse(log.lines().anyMatch(l -> l.contains("WARN") && l.contains("Unavailable")), log);
    }
  }

  @Test
  void aNullClassLoaderMeansTheSystemClassLoader() {
    LoadBalancerRegistry registry = LoadBalancerRegistry.load(null);
    assertTrue(registry.names().isEmpty(), "this module's test class path lists no provider: " + registry.names());
  }

  @Test
  void theDefaultRegistryIsLoadedOnceAndSharedAcrossThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<LoadBalancerRegistry>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        results.add(pool.submit(() -> {
          start.await();
          return LoadBalancerRegistry.getDefault();
        }));
      }
      start.countDown();
      LoadBalancerRegistry first = results.get(0).get(5, TimeUnit.SECONDS);
      for (Future<LoadBalancerRegistry> f : results) {
        assertSame(first, f.get(5, TimeUnit.SECONDS));
      }
      assertSame(first, LoadBalancerRegistry.getDefault());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentRegistrationsAndLookupsLoseNothing() throws Exception {
    LoadBalancerRegistry registry = new LoadBalancerRegistry();
    registry.register(new FixtureProviders.Named("steady", 5));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 200; i++) {
            registry.register(new FixtureProviders.Named("p" + thread + "_" + i, 5));
          }
          return null;
        }));
      }
      futures.add(pool.submit(() -> {
        start.await();
        for (int i = 0; i < 5_000; i++) {
          assertNull(registry.names().contains("steady") ? null : "steady vanished");
          registry.get("steady");
        }
        return null;
      }));
      start.countDown();
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(601, registry.names().size());
  }

  private static void assertWarned(String log, String className, String cause) {
    assertTrue(log.lines().anyMatch(l -> l.contains("WARN") && l.contains(className) && l.contains(cause)),
        "expected a warning naming " + className + " and '" + cause + "' in:\n" + log);
  }

  /** Runs {@code action} with System.err captured (slf4j-simple writes there) and returns the output. */
  private static String captureStderr(Runnable action) {
    PrintStream original = System.err;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
