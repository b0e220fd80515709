package io.braid.core;

import static io.braid.core.SwarmFixture.await;
import static io.braid.core.SwarmFixture.introduce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ConnectionConfig;
import io.braid.api.DialException;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.PeerExplanation;
import io.braid.api.PeerExplanation.Result;
import io.braid.api.ResourceScope;
import io.braid.testkit.TestIdentity;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("The dial budget")
class SwarmDialBudgetTest {
  private final SwarmFixture fx = new SwarmFixture();

  @AfterEach
  void closeEverything() {
    fx.close();
  }

  private SwarmFixture.Node node(ConnectionConfig.Builder config, int maxRetries) {
    return fx.node(TestIdentity.random(), b -> b.connectionConfig(config.build())
        .retryConfig(SwarmFixture.noJitter(maxRetries)));
  }

  private static ConnectionConfig.Builder perPeer(int n) {
    return SwarmFixture.config(n).toBuilder();
  }

  @Nested
  @DisplayName("maxDialsInFlight")
  class InFlight {
    @Test
    @DisplayName("tries over the cap wait in FIFO order and go as slots come back; explain counts them")
    void triesOverTheCapWaitTheirTurn() {
      var a = node(perPeer(3).maxDialsInFlight(1), 3);
      var b = fx.node();
      introduce(a, b);
      a.transport().faults().delayNextHandshakes(1, Duration.ofSeconds(1));

      CompletableFuture<List<NetConn>> dial = a.swarm().dialPeer(b.peer());

      PeerExplanation.Dials dials = a.swarm().explain(b.peer()).dials();
      assertEquals(new PeerExplanation.Dials(3, 2, 1, 2, 1), dials, "3 attempts: 1 under way, 2 queued");
      assertEquals(0, a.swarm().getConnections(b.peer()).size());
      fx.clock.forward(Duration.ofSeconds(1));
      assertEquals(3, await(dial, "dial").size(), "the first try's slot went to the second, then the third");
      assertEquals(new PeerExplanation.Dials(0, 0, 0, 0, 1), a.swarm().explain(b.peer()).dials());
    }

    @Test
    @DisplayName("a queued try that is cancelled leaves the queue; the slot goes to the next")
    void cancelledWaiterLeavesTheQueue() {
      var a = node(perPeer(1).maxDialsInFlight(1), 0);
      var b = fx.node();
      var c = fx.node();
      introduce(a, b);
      introduce(a, c);
      a.transport().faults().delayNextHandshakes(1, Duration.ofSeconds(1));
      CompletableFuture<List<NetConn>> toB = a.swarm().dialPeer(b.peer());
      CompletableFuture<List<NetConn>> toC = a.swarm().dialPeer(c.peer());
      assertEquals(1, a.swarm().explain(c.peer()).dials().peerQueued());

      toC.cancel(true);

      assertEquals(0, a.swarm().explain(c.peer()).dials().queued());
      fx.clock.forward(Duration.ofSeconds(1));
      assertEquals(1, await(toB, "dial b").size());
      assertEquals(0, a.swarm().explain(b.peer()).dials().inFlight(), "the slot came back");
    }
  }

  @Nested
  @DisplayName("peerDialRate")
  class Rate {
    @Test
    @DisplayName("tries beyond the burst wait for their token on the clock")
    void triesBeyondTheBurstWait() {
      var a = node(perPeer(3).peerDialRate(1).peerDialBurst(2), 3);
      var b = fx.node();
      introduce(a, b);

      CompletableFuture<List<NetConn>> dial = a.swarm().dialPeer(b.peer());

      assertEquals(2, a.swarm().getConnections(b.peer()).size(), "the burst");
      assertFalse(dial.isDone());
      fx.clock.forward(Duration.ofMillis(999));
      assertEquals(2, a.swarm().getConnections(b.peer()).size(), "the next token comes after 1 s");
      fx.clock.forward(Duration.ofMillis(1));
      assertEquals(3, await(dial, "dial").size());
    }

    @Test
    @DisplayName("closing ends tries still waiting for a token after their dial completed (their slots went to inbound connections)")
    void closeEndsOrphanedWaits() {
      io.braid.api.HostIdentity one = TestIdentity.random();
      io.braid.api.HostIdentity two = TestIdentity.random();
      boolean oneSmaller = one.peerId().compareTo(two.peerId()) < 0;
      io.braid.api.HostIdentity larger = oneSmaller ? two : one;
      io.braid.api.HostIdentity smaller = oneSmaller ? one : two;
      var a = fx.node(larger, x -> x.retryConfig(SwarmFixture.noJitter(3))
          .connectionConfig(perPeer(3).peerDialRate(1).peerDialBurst(1).build()));
      var b = fx.node(smaller, x -> x);
      introduce(a, b);
      introduce(b, a);
      CompletableFuture<List<NetConn>> dial = a.swarm().dialPeer(b.peer());
      assertEquals(1, a.swarm().getConnections(b.peer()).size(), "one token: one try, two wait");
      assertEquals(2, fx.timersBesidesKeepAlive().size(), "the two token waits");

      await(b.swarm().dialPeer(a.peer()), "the smaller peer dials: its connections take the waiting tries' slots");

      assertEquals(3, await(dial, "a's dial, its target met by inbound connections").size());
      assertEquals(2, fx.timersBesidesKeepAlive().size(), "the two tries still wait, outside any dial");
      a.swarm().close();
      assertEquals(0, fx.timersBesidesKeepAlive().size(), "close ended them: " + fx.timersBesidesKeepAlive());
      await(a.swarm().closeFuture(), "closed");
      assertEquals(0, a.swarm().trackedPeers(), "no record left behind");
    }

    @Test
    @DisplayName("a try whose token comes after its deadline fails at once with LimitExceededException naming peerDialRate")
    void tokenAfterTheDeadlineIsRefused() {
      SwarmMetricsTest.Recorder metrics = new SwarmMetricsTest.Recorder();
      var a = fx.node(TestIdentity.random(), x -> x.metrics(metrics).retryConfig(SwarmFixture.noJitter(3))
          .connectionConfig(perPeer(3).connectionTimeout(Duration.ofMillis(500)).peerDialRate(1).peerDialBurst(2)
              .build()));
      var b = fx.node();
      introduce(a, b);

      List<NetConn> conns = await(a.swarm().dialPeer(b.peer()), "dial");

      assertEquals(2, conns.size(), "partial success: the third try was refused, not retried");
      PeerExplanation why = a.swarm().explain(b.peer());
      assertEquals(1, why.refusals().size(), why.describe());
      PeerExplanation.Refusal r = why.refusals().get(0);
      assertEquals(ResourceScope.PEER, r.scope());
      assertEquals(b.peer().toString(), r.scopeName());
      assertEquals("peerDialRate", r.limit());
      assertEquals(1, r.value());
      assertEquals(0, fx.timersBesidesKeepAlive().size());
      assertEquals(List.of("limitRefused DIAL_BUDGET OUTBOUND"), metrics.named("limitRefused"));
      assertEquals(List.of("dialFailure LIMIT"), metrics.named("dialFailure"));
    }
  }

  @Nested
  @DisplayName("per-address backoff memory")
  class Backoff {
    @Test
    @DisplayName("a new dial waits for the failed address's backoff, and the success clears it")
    void newDialWaitsForTheBackoff() {
      var a = node(perPeer(1), 0);
      var b = fx.node();
      introduce(a, b);
      a.transport().faults().refuseNextDials(1);
      DialException failed = assertInstanceOf(DialException.class,
          SwarmFixture.awaitFailure(a.swarm().dialPeer(b.peer()), "first dial"));
      assertEquals(1, failed.attempts().size());
      PeerExplanation.AddressState before = a.swarm().explain(b.peer()).addresses().get(0);
      assertEquals(Result.FAILED, before.lastResult());
      assertEquals("TransportException: dial refused by fault injection", before.failure());
      assertEquals(Duration.ofMillis(100), before.backoffLeft(), "initialDelay, no retry left");

      CompletableFuture<List<NetConn>> again = a.swarm().dialPeer(b.peer());
      fx.clock.forward(Duration.ofMillis(99));
      assertFalse(again.isDone(), "still in backoff");
      assertEquals(0, b.swarm().getConnections(a.peer()).size(), "not dialed yet");
      fx.clock.forward(Duration.ofMillis(1));

      assertEquals(1, await(again, "second dial").size());
      PeerExplanation.AddressState after = a.swarm().explain(b.peer()).addresses().get(0);
      assertEquals(Result.OK, after.lastResult());
      assertEquals(0, after.failuresInARow());
      assertEquals(Duration.ZERO, after.backoffLeft());
    }

    @Test
    @DisplayName("a new dial skips an address in backoff for one that is not")
    void addressInBackoffIsSkipped() {
      var a = node(perPeer(1), 0);
      var b = fx.node();
      Multiaddr second = await(b.swarm().listen(SwarmFixture.ANY), "second listen").get(0);
      a.swarm().addAddresses(b.peer(), b.address(), second);
      a.transport().faults().refuseNextDials(1);
      SwarmFixture.awaitFailure(a.swarm().dialPeer(b.peer()), "first dial");

      List<NetConn> conns = await(a.swarm().dialPeer(b.peer()), "second dial, at the same instant");

      assertEquals(second, conns.get(0).remoteAddress());
      assertTrue(a.swarm().explain(b.peer()).addresses().get(0).backoffLeft().toMillis() > 0);
    }
  }

  @Test
  @DisplayName("the configuration rejects bad budget values with a message naming field, bound and value")
  void configValidation() {
    assertEquals("maxDialsInFlight must be >= 1, was 0", message(() -> ConnectionConfig.builder().maxDialsInFlight(0)));
    assertEquals("peerDialRate must be > 0 and finite, was 0.0", message(() -> ConnectionConfig.builder().peerDialRate(0)));
    assertEquals("peerDialBurst must be >= 1, was 0", message(() -> ConnectionConfig.builder().peerDialBurst(0)));
    assertEquals("keepConnectedTarget must be >= 0, was -1",
        message(() -> ConnectionConfig.builder().keepConnectedTarget(-1)));
    ConnectionConfig c = ConnectionConfig.builder().maxDialsInFlight(8).peerDialRate(2.5).peerDialBurst(4)
        .keepConnectedTarget(2).build();
    assertEquals(c, c.toBuilder().build());
    assertEquals(c.hashCode(), c.toBuilder().build().hashCode());
    assertTrue(c.toString().contains("keepConnectedTarget=2, maxDialsInFlight=8, peerDialRate=2.5, peerDialBurst=4"),
        c.toString());
  }

  private static String message(Runnable r) {
    try {
      r.run();
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    throw new AssertionError("no IllegalArgumentException");
  }
}
