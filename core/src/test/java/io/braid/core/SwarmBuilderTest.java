package io.braid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ConnectionConfig;
import io.braid.api.DialException;
import io.braid.api.LoadBalancer;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.Transport;
import io.braid.balancer.leastloaded.LeastLoadedLoadBalancer;
import io.braid.balancer.roundrobin.RoundRobinLoadBalancer;
import io.braid.balancer.spi.LoadBalancerProvider;
import io.braid.balancer.spi.LoadBalancerRegistry;
import io.braid.testkit.MemoryTransport;
import io.braid.testkit.TestIdentity;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Building a swarm")
class SwarmBuilderTest {
  private final SwarmFixture fx = new SwarmFixture();

  @AfterEach
  void closeEverything() {
    fx.close();
  }

  private static long timerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("braid-swarm-timer") && t.isAlive()).count();
  }

  @Nested
  @DisplayName("with one call")
  class OneCall {
    @Test
    @DisplayName("Swarm.create finds the transports and the default balancer with ServiceLoader")
    void createDiscoversEverything() throws Exception {
      try (Swarm swarm = Swarm.create(TestIdentity.random())) {
        assertEquals(ConnectionConfig.defaults(), swarm.connectionConfig());
        assertInstanceOf(RoundRobinLoadBalancer.class, swarm.loadBalancer(), "round_robin is the default");
        assertEquals(1, swarm.transports().size(), "the testkit's memory transport: " + swarm.transports());
        assertInstanceOf(MemoryTransport.class, swarm.transports().get(0));
        List<Multiaddr> bound = SwarmFixture.await(swarm.listen(SwarmFixture.ANY), "listen");
        assertEquals(bound, swarm.listenAddresses());
        swarm.close();
        SwarmFixture.await(swarm.closeFuture(), "closeFuture");
      }
    }

    @Test
    @DisplayName("a swarm that owns its timer thread stops it when closed")
    void ownTimerStopsOnClose() throws Exception {
      Swarm swarm = Swarm.create(TestIdentity.random());
      Swarm other = Swarm.create(TestIdentity.random());
      List<Multiaddr> addr = SwarmFixture.await(swarm.listen(SwarmFixture.ANY), "listen");
      other.addAddresses(swarm.localPeer(), addr.get(0));
      assertEquals(3, SwarmFixture.await(other.dialPeer(swarm.localPeer()), "dial").size());
      List<Thread> timers = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().equals("braid-swarm-timer")).toList();
      assertTrue(timers.size() >= 1, "the dialing swarm started its timer: " + timers);

      swarm.close();
      other.close();
      SwarmFixture.await(swarm.closeFuture(), "closeFuture");
      SwarmFixture.await(other.closeFuture(), "closeFuture");

      for (Thread t : timers) {
        t.join(SwarmFixture.TIMEOUT.toMillis());
        assertTrue(!t.isAlive(), t + " still runs");
      }
    }
  }

  @Nested
  @DisplayName("choosing the balancer")
  class Balancer {
    @Test
    @DisplayName("a strategy name is resolved through the balancer registry")
    void byName() {
      var n = fx.node(TestIdentity.random(), b -> b.connectionConfig(
          ConnectionConfig.builder().loadBalancingStrategy("least_loaded").build()));
      assertInstanceOf(LeastLoadedLoadBalancer.class, n.swarm().loadBalancer());
    }

    @Test
    @DisplayName("an unknown strategy fails at build time with the known names, and leaks no thread")
    void unknownName() {
      long before = timerThreads();
      var b = Swarm.builder(TestIdentity.random())
          .connectionConfig(ConnectionConfig.builder().loadBalancingStrategy("fastest_please").build());

      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);

      assertTrue(e.getMessage().contains("fastest_please"), e.getMessage());
      assertTrue(e.getMessage().contains("least_loaded") && e.getMessage().contains("round_robin"), e.getMessage());
      assertEquals(before, timerThreads(), "no timer thread was started for a swarm that was never built");
    }

    @Test
    @DisplayName("a balancer instance is used as given, whatever the strategy name says")
    void instance() {
      LoadBalancer last = (peer, candidates) -> candidates.get(candidates.size() - 1);
      var a = fx.node(TestIdentity.random(), b -> b.loadBalancer(last).connectionConfig(
          ConnectionConfig.builder().loadBalancingStrategy("no_such_name").build()));
      var other = fx.node();
      SwarmFixture.introduce(a, other);
      List<NetConn> conns = SwarmFixture.await(a.swarm().dialPeer(other.peer()), "dial");

      var s = SwarmFixture.await(a.swarm().newStream(other.peer(), SwarmFixture.ECHO), "stream");

      assertSame(last, a.swarm().loadBalancer());
      assertSame(conns.get(2), s.connection(), "the given balancer picked the newest");
    }

    @Test
    @DisplayName("a registry built by hand resolves the strategy name")
    void registry() {
      LoadBalancerRegistry registry = new LoadBalancerRegistry();
      AtomicInteger made = new AtomicInteger();
      LoadBalancer mine = (peer, candidates) -> candidates.get(0);
      registry.register(new LoadBalancerProvider() {
        @Override
        public String name() {
          return "first_one";
        }

        @Override
        public int priority() {
          return 5;
        }

        @Override
        public boolean isAvailable() {
          return true;
        }

        @Override
        public LoadBalancer create() {
          made.incrementAndGet();
          return mine;
        }
      });
      var n = fx.node(TestIdentity.random(), b -> b.balancerRegistry(registry)
          .connectionConfig(ConnectionConfig.builder().loadBalancingStrategy("first_one").build()));
      assertSame(mine, n.swarm().loadBalancer());
      assertEquals(1, made.get());
    }
  }

  @Nested
  @DisplayName("transports and bad input")
  class Transports {
    @Test
    @DisplayName("a transport given to the builder is the only one: discovery is off")
    void givenTransportOnly() {
      var n = fx.node();
      assertEquals(List.<Transport>of(n.transport()), n.swarm().transports());
    }

    @Test
    @DisplayName("null arguments are rejected at once")
    void nulls() {
      var b = Swarm.builder(TestIdentity.random());
      assertThrows(NullPointerException.class, () -> Swarm.builder(null));
      assertThrows(NullPointerException.class, () -> b.connectionConfig(null));
      assertThrows(NullPointerException.class, () -> b.retryConfig(null));
      assertThrows(NullPointerException.class, () -> b.transport(null));
      assertThrows(NullPointerException.class, () -> b.loadBalancer(null));
      assertThrows(NullPointerException.class, () -> b.scheduler(null));
      assertThrows(NullPointerException.class, () -> b.executor(null));
      assertThrows(NullPointerException.class, () -> b.random(null));
      assertThrows(NullPointerException.class, () -> b.gater(null));
    }

    @Test
    @DisplayName("an address naming another peer is rejected; dialing oneself fails")
    void badAddressesAndSelfDial() {
      var a = fx.node();
      var b = fx.node();
      Multiaddr wrong = b.address().encapsulate("/p2p/" + a.peer());

      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> a.swarm().addAddresses(b.peer(), wrong));
      assertTrue(e.getMessage().contains(a.peer().toString()), e.getMessage());
      a.swarm().addAddresses(b.peer(), b.address().encapsulate("/p2p/" + b.peer()));
      assertEquals(List.of(b.address()), a.swarm().addresses(b.peer()), "the /p2p suffix is stripped");
      a.swarm().addAddresses(b.peer(), b.address());
      assertEquals(List.of(b.address()), a.swarm().addresses(b.peer()), "no duplicates");
      assertInstanceOf(DialException.class, SwarmFixture.awaitFailure(a.swarm().dialPeer(a.peer()), "self dial"));
      assertThrows(IllegalArgumentException.class, () -> a.swarm().newStream(b.peer()));
      assertThrows(IllegalArgumentException.class, () -> a.swarm().listen());
    }
  }
}
