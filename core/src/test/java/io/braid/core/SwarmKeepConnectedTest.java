package io.braid.core;

import static io.braid.core.SwarmFixture.await;
import static io.braid.core.SwarmFixture.introduce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ConnectionConfig;
import io.braid.api.DialException;
import io.braid.api.Direction;
import io.braid.api.KeepConnected;
import io.braid.api.NetConn;
import io.braid.api.PeerExplanation;
import io.braid.api.RetryConfig;
import io.braid.api.TransportException;
import io.braid.testkit.TestIdentity;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Keeping a peer at N connections")
class SwarmKeepConnectedTest {
  private final SwarmFixture fx = new SwarmFixture();
  private final KeepEvents keep = new KeepEvents();
  private final List<Long> refusedAt = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeEverything() {
    fx.close(); // closes every swarm and fails on any timer, slot or peer record left behind
  }

  private SwarmFixture.Node keeper(ConnectionConfig config, RetryConfig retry) {
    var n = fx.node(TestIdentity.random(), b -> b.connectionConfig(config).retryConfig(retry));
    n.swarm().addListener(keep);
    return n;
  }

  private void refuse(SwarmFixture.Node n, int count) {
    n.transport().faults().refuseNextDials(count, () -> {
      refusedAt.add(Duration.ofNanos(fx.clock.nanoTime()).toMillis());
      return new TransportException("refused by the test");
    });
  }

  @Nested
  @DisplayName("replacing")
  class Replacing {
    @Test
    @DisplayName("a killed connection is replaced, and the events say below target then restored")
    void killedConnectionIsReplaced() {
      var a = keeper(SwarmFixture.config(3), SwarmFixture.noJitter(3));
      var b = fx.node();
      introduce(a, b);

      KeepConnected handle = a.swarm().keepConnected(b.peer(), 3);
      assertEquals(3, a.swarm().getConnections(b.peer()).size());
      NetConn victim = a.swarm().getConnections(b.peer()).get(1);
      a.transport().faults().kill(victim);
      // The first redial reaches b before b has seen the kill (the two ends close one after the other); b,
      // still at its cap of 3, drops it. That round added nothing, so the next one comes 100 ms later.
      assertEquals(2, a.swarm().getConnections(b.peer()).size());
      assertEquals(1, fx.timersBesidesKeepAlive().size(), "the next round's timer");
      fx.clock.forward(Duration.ofMillis(100));

      List<NetConn> now = a.swarm().getConnections(b.peer());
      assertEquals(3, now.size(), "replaced");
      assertFalse(now.contains(victim));
      assertEquals(List.of("below 0/3", "restored 3 in 0 ms", "below 2/3", "restored 3 in 100 ms"), keep.log);
      assertTrue(handle.isActive());
      SwarmFixture.assertSlotsMatchConnections(a);
    }

    @Test
    @DisplayName("refused redials back off on the RetryConfig schedule and the backoff memory, then restore")
    void refusedRedialsBackOffThenRestore() {
      var a = keeper(SwarmFixture.config(1), SwarmFixture.noJitter(1)); // 100 ms doubling, 1 retry
      var b = fx.node();
      introduce(a, b);
      refuse(a, 3);

      a.swarm().keepConnected(b.peer(), 1);
      fx.clock.forward(Duration.ofSeconds(5));

      // Round 1: t=0 refused, its retry at 100 refused (the address now in backoff for 200 ms, to 300).
      // Round 2 is due 100 ms after round 1 (t=200) but waits for the address's backoff: t=300 refused,
      // its retry at 400 connects.
      assertEquals(List.of(0L, 100L, 300L), refusedAt);
      assertEquals(List.of("below 0/1", "restored 1 in 400 ms"), keep.log);
      assertEquals(1, a.swarm().getConnections(b.peer()).size());
    }

    @Test
    @DisplayName("gives up after 1 + maxRetries rounds that added nothing, with every round's failure, and stays stopped")
    void givesUpAfterFailedRounds() {
      var a = keeper(SwarmFixture.config(1), SwarmFixture.noJitter(1));
      var b = fx.node();
      introduce(a, b);
      refuse(a, 1000);

      KeepConnected handle = a.swarm().keepConnected(b.peer(), 1);
      fx.clock.forward(Duration.ofMillis(400));

      assertEquals(List.of(0L, 100L, 300L, 400L), refusedAt);
      assertEquals(List.of("below 0/1", "gave up on 1 after 2 rounds"), keep.log);
      assertEquals(List.of(2, 2), keep.triesPerRound());
      assertInstanceOf(TransportException.class, ((DialException) keep.gaveUpCauses.get(0)).attempts().get(0).cause());
      assertFalse(handle.isActive());
      assertEquals(0, fx.timersBesidesKeepAlive().size(), "nothing armed: " + fx.timersBesidesKeepAlive());
      PeerExplanation why = a.swarm().explain(b.peer());
      assertEquals(PeerExplanation.Keep.GAVE_UP, why.keep());
      assertEquals(4, why.addresses().get(0).failuresInARow());
      assertEquals(Duration.ofMillis(800), why.addresses().get(0).backoffLeft(), "100 ms x 2^3");

      fx.clock.forward(Duration.ofSeconds(30));
      assertEquals(4, refusedAt.size(), "no dial after giving up");
    }
  }

  @Nested
  @DisplayName("counting")
  class Counting {
    @Test
    @DisplayName("inbound connections count toward the target: nothing is dialed while they make it up")
    void inboundConnectionsCount() {
      var a = keeper(SwarmFixture.config(3), SwarmFixture.noJitter(3));
      var b = fx.node();
      introduce(b, a);
      introduce(a, b);
      await(b.swarm().dialPeer(a.peer()), "b dials a");
      assertEquals(3, a.swarm().getConnections(b.peer()).size());

      a.swarm().keepConnected(b.peer(), 2);
      a.transport().faults().kill(a.swarm().getConnections(b.peer()).get(0));

      assertEquals(List.of(), keep.log, "3 then 2 inbound connections: at target all along");
      assertTrue(a.swarm().getConnections(b.peer()).stream().allMatch(c -> c.direction() == Direction.INBOUND));

      a.transport().faults().kill(a.swarm().getConnections(b.peer()).get(0));
      List<NetConn> now = a.swarm().getConnections(b.peer());
      assertEquals(2, now.size(), "one inbound kept, one outbound added");
      assertEquals(1, now.stream().filter(c -> c.direction() == Direction.OUTBOUND).count());
      assertEquals(List.of("below 1/2", "restored 2 in 0 ms"), keep.log);
    }

    @Test
    @DisplayName("keeps exactly the target, below the per-peer cap, and rejects a target over it naming both")
    void neverOverTheCap() {
      var a = keeper(SwarmFixture.config(3), SwarmFixture.noJitter(3));
      var b = fx.node();
      introduce(a, b);

      a.swarm().keepConnected(b.peer(), 2);
      assertEquals(2, a.swarm().getConnections(b.peer()).size(), "the target, not maxConnectionsPerPeer");

      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> a.swarm().keepConnected(b.peer(), 4));
      assertEquals("keepConnected target must be >= 1 and <= maxConnectionsPerPeer (3), was 4", e.getMessage());
      IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
          () -> ConnectionConfig.builder().maxConnectionsPerPeer(2).keepConnectedTarget(3).build());
      assertEquals("keepConnectedTarget must be <= maxConnectionsPerPeer (2), was 3", c.getMessage());
    }
  }

  @Nested
  @DisplayName("stopping")
  class Stopping {
    @Test
    @DisplayName("the handle stops it (idempotently): a later kill is not replaced and no timer stays")
    void handleStops() {
      var a = keeper(SwarmFixture.config(2), SwarmFixture.noJitter(3));
      var b = fx.node();
      introduce(a, b);
      KeepConnected handle = a.swarm().keepConnected(b.peer(), 2);

      handle.close();
      handle.close();
      a.transport().faults().kill(a.swarm().getConnections(b.peer()).get(0));

      assertFalse(handle.isActive());
      assertEquals(1, a.swarm().getConnections(b.peer()).size());
      assertEquals(PeerExplanation.Keep.NONE, a.swarm().explain(b.peer()).keep());
    }

    @Test
    @DisplayName("a round waiting for its backoff is cancelled by close, leaving no timer behind")
    void closeStopsEverything() {
      var a = keeper(SwarmFixture.config(1), SwarmFixture.noJitter(3));
      var b = fx.node();
      introduce(a, b);
      refuse(a, 1000);
      KeepConnected handle = a.swarm().keepConnected(b.peer(), 1);
      assertEquals(1, fx.timersBesidesKeepAlive().size(), "the retry timer");

      a.swarm().close();

      assertFalse(handle.isActive());
      await(a.swarm().closeFuture(), "closed");
      assertEquals(0, fx.timersBesidesKeepAlive().size(), "timers left: " + fx.timersBesidesKeepAlive());
    }

    @Test
    @DisplayName("the configured target keeps every dialed peer until closePeer")
    void configuredTargetUntilClosePeer() {
      var a = keeper(SwarmFixture.config(3).toBuilder().keepConnectedTarget(2).build(), SwarmFixture.noJitter(3));
      var b = fx.node();
      introduce(a, b);
      await(a.swarm().dialPeer(b.peer()), "dial");
      assertEquals(3, a.swarm().getConnections(b.peer()).size(), "dialPeer still opens maxConnectionsPerPeer");

      a.transport().faults().kill(a.swarm().getConnections(b.peer()).get(0));
      a.transport().faults().kill(a.swarm().getConnections(b.peer()).get(0));
      assertEquals(2, a.swarm().getConnections(b.peer()).size(), "back at the kept 2");
      assertEquals(PeerExplanation.Keep.AT_TARGET, a.swarm().explain(b.peer()).keep());

      await(a.swarm().closePeer(b.peer()), "closePeer");
      assertEquals(0, a.swarm().getConnections(b.peer()).size(), "not redialed after closePeer");
      assertEquals(PeerExplanation.Keep.NONE, a.swarm().explain(b.peer()).keep());
    }
  }
}
