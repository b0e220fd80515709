package io.braid.core;

import static io.braid.core.SwarmFixture.assertSlotsMatchConnections;
import static io.braid.core.SwarmFixture.await;
import static io.braid.core.SwarmFixture.awaitFailure;
import static io.braid.core.SwarmFixture.introduce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ConnectionConfig;
import io.braid.api.ConnectionTimeoutException;
import io.braid.api.DialException;
import io.braid.api.LimitExceededException;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetworkClosedException;
import io.braid.api.RetryConfig;
import io.braid.api.TransportException;
import io.braid.testkit.TestIdentity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Dialing a peer")
class SwarmDialTest {
  private final SwarmFixture fx = new SwarmFixture();

  @AfterEach
  void closeEverything() {
    fx.close();
  }

  @Nested
  @DisplayName("retries")
  class Retries {
    @Test
    @DisplayName("follow delayBeforeRetry exactly, jitter included, with the random generator given to the builder")
    void scheduleWithSeededJitter() {
      long seed = 20261124L;
      RetryConfig retry = RetryConfig.builder().maxRetries(5).initialDelay(Duration.ofMillis(100))
          .maxDelay(Duration.ofSeconds(2)).backoffMultiplier(3).jitterFactor(0.5).build();
      var a = fx.node(TestIdentity.random(), b -> b.connectionConfig(SwarmFixture.config(1)).retryConfig(retry)
          .random(new SplittableRandom(seed)));
      var b = fx.node();
      introduce(a, b);
      List<Long> tries = new CopyOnWriteArrayList<>();
      a.transport().faults().refuseNextDials(6, () -> {
        tries.add(fx.clock.nanoTime());
        return new TransportException("refused by the test");
      });

      CompletableFuture<List<NetConn>> dial = a.swarm().dialPeer(b.peer());
      fx.clock.forward(Duration.ofSeconds(30));

      SplittableRandom same = new SplittableRandom(seed);
      List<Long> expected = new ArrayList<>(List.of(0L));
      for (int i = 0; i < 5; i++) {
        expected.add(expected.get(i) + retry.delayBeforeRetry(i, same).toNanos());
      }
      assertEquals(expected, tries, "try times on the fake clock");
      assertTrue(expected.get(1) != 100_000_000L, "jitter moved the first delay");
      DialException e = assertInstanceOf(DialException.class, awaitFailure(dial, "dial"));
      assertEquals(6, e.attempts().size());
      assertSlotsMatchConnections(a);
    }

    @Test
    @DisplayName("move on to the peer's next address")
    void retryUsesTheNextAddress() {
      var a = fx.node(SwarmFixture.config(1));
      var b = fx.node();
      Multiaddr dead = Multiaddr.fromString("/memory/987654321");
      a.swarm().addAddresses(b.peer(), dead, b.address());

      CompletableFuture<List<NetConn>> dial = a.swarm().dialPeer(b.peer());
      assertFalse(dial.isDone(), "the first try (dead address) failed and waits to retry");
      fx.clock.forward(Duration.ofMillis(100));

      List<NetConn> conns = await(dial, "dial");
      assertEquals(List.of(b.address()), conns.stream().map(NetConn::remoteAddress).toList());
    }

    @Test
    @DisplayName("stop when the dial is cancelled while a retry waits, leaving no timer behind")
    void cancelDuringBackoff() {
      var a = fx.node(SwarmFixture.config(1));
      var b = fx.node();
      introduce(a, b);
      a.transport().faults().refuseNextDials(1);
      CompletableFuture<List<NetConn>> dial = a.swarm().dialPeer(b.peer());
      assertEquals(1, fx.clock.pendingTaskCount(), "the retry timer");

      dial.cancel(true);

      assertEquals(0, fx.clock.pendingTaskCount(), "retry timer cancelled: " + fx.clock.pendingTasks());
      assertSlotsMatchConnections(a);
      assertEquals(0, a.swarm().trackedPeers());
    }
  }

  @Nested
  @DisplayName("timeouts")
  class Timeouts {
    @Test
    @DisplayName("a hanging handshake fails with ConnectionTimeoutException even when the responder's timeout is equal")
    void ownTimeoutWinsAtEqualTimeouts() {
      ConnectionConfig two = ConnectionConfig.builder().maxConnectionsPerPeer(1)
          .connectionTimeout(Duration.ofSeconds(2)).build();
      var a = fx.node(TestIdentity.random(), b -> b.connectionConfig(two).retryConfig(SwarmFixture.noJitter(0)));
      var b = fx.node(two);
      introduce(a, b);
      a.transport().faults().hangNextHandshakes(1);
      CompletableFuture<List<NetConn>> dial = a.swarm().dialPeer(b.peer());
      assertEquals(1, a.swarm().pendingHandshakes());
      assertEquals(1, b.swarm().pendingHandshakes(), "the responder holds a handshake slot too");
      assertEquals(1, a.swarm().connectionSlotsInUse(), "the slot is reserved before the handshake");

      fx.clock.forward(Duration.ofSeconds(2));

      DialException e = assertInstanceOf(DialException.class, awaitFailure(dial, "dial"));
      assertInstanceOf(ConnectionTimeoutException.class, e.attempts().get(0).cause());
      assertSlotsMatchConnections(a);
      assertSlotsMatchConnections(b);
    }
  }

  @Nested
  @DisplayName("slots")
  class Slots {
    @Test
    @DisplayName("every failure path gives its slot back")
    void failurePathsReleaseSlots() {
      var a = fx.node(TestIdentity.random(), b -> b.retryConfig(SwarmFixture.noJitter(1)));
      var b = fx.node();
      introduce(a, b);
      a.transport().faults().refuseNextDials(2);
      a.transport().faults().hangNextHandshakes(1);
      CompletableFuture<List<NetConn>> dial = a.swarm().dialPeer(b.peer());
      fx.clock.forward(Duration.ofSeconds(10));
      assertEquals(3, await(dial, "dial").size(), "two refused tries and one timed-out try were each retried");
      assertSlotsMatchConnections(a);
      assertSlotsMatchConnections(b);

      var impostor = TestIdentity.random().peerId();
      a.swarm().addAddresses(impostor, b.address());
      awaitFailure(a.swarm().dialPeer(impostor), "mismatch");
      assertSlotsMatchConnections(a);
      assertSlotsMatchConnections(b);
    }

    @Test
    @DisplayName("the global cap refuses an outbound dial with LimitExceededException")
    void globalCapOutbound() {
      var a = fx.node(ConnectionConfig.builder().maxConnectionsPerPeer(3).maxConnections(3).build());
      var b = fx.node();
      var c = fx.node();
      introduce(a, b);
      introduce(a, c);
      await(a.swarm().dialPeer(b.peer()), "dial b");

      LimitExceededException e = assertInstanceOf(LimitExceededException.class,
          awaitFailure(a.swarm().dialPeer(c.peer()), "dial c"));

      assertEquals("maxConnections", e.limit());
      assertEquals(3, e.value());
      assertSlotsMatchConnections(a);
    }

    @Test
    @DisplayName("the pending-handshake cap limits outbound attempts too: the others wait their turn, not retried")
    void pendingCapOutbound() {
      var a = fx.node(ConnectionConfig.builder().maxPendingHandshakes(1).build());
      var b = fx.node();
      introduce(a, b);
      a.transport().faults().delayNextHandshakes(1, Duration.ofMillis(10));

      CompletableFuture<List<NetConn>> dial = a.swarm().dialPeer(b.peer());
      assertEquals(1, a.transport().pendingHandshakeCount());
      assertEquals(0, fx.clock.pendingTasks().stream().filter(t -> t.dueTimeNanos() == 100_000_000L).count(),
          "no retry scheduled for a limit");
      fx.clock.forward(Duration.ofMillis(10));

      assertEquals(3, await(dial, "dial").size(), "the two waiting attempts ran once the first was done");
      assertSlotsMatchConnections(a);
    }
  }

  @Nested
  @DisplayName("closing")
  class Closing {
    @Test
    @DisplayName("a dial in flight when the swarm closes fails with NetworkClosedException and leaks nothing")
    void closeFailsDialsWithNetworkClosed() {
      var a = fx.node();
      var b = fx.node();
      introduce(a, b);
      a.transport().faults().hangNextHandshakes(2);
      a.transport().faults().refuseNextDials(1);
      CompletableFuture<List<NetConn>> dial = a.swarm().dialPeer(b.peer());

      a.swarm().close();

      assertInstanceOf(NetworkClosedException.class, awaitFailure(dial, "dial"));
      await(a.swarm().closeFuture(), "closeFuture");
      assertEquals(0, a.swarm().connectionSlotsInUse());
      assertEquals(0, a.swarm().pendingHandshakes());
      assertEquals(0, a.swarm().trackedPeers());
      assertEquals(0, b.swarm().pendingHandshakes());
      assertEquals(0, fx.clock.pendingTaskCount(), fx.clock.pendingTasks().toString());
    }
  }
}
