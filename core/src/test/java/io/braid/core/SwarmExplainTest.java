package io.braid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.Direction;
import io.braid.api.LimitExceededException;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.PeerExplanation;
import io.braid.api.PeerExplanation.Keep;
import io.braid.api.PeerExplanation.Result;
import io.braid.api.ResourceLimits;
import io.braid.api.ResourceScope;
import io.braid.testkit.TestIdentity;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Explaining a peer's connections")
class SwarmExplainTest {
  private final SwarmFixture fx = new SwarmFixture();

  @AfterEach
  void closeEverything() {
    fx.close();
  }

  @Test
  @DisplayName("gives the keep target, the connections, each address's last result and backoff, and the dials, in words too")
  void explainsAKeptPeerBelowTarget() {
    var a = fx.node(SwarmFixture.config(2));
    var b = fx.node();
    Multiaddr dead = Multiaddr.fromString("/memory/987654321");
    a.swarm().addAddresses(b.peer(), dead, b.address());

    a.swarm().keepConnected(b.peer(), 2); // attempt 0 tries the dead address first, attempt 1 connects

    PeerExplanation why = a.swarm().explain(b.peer());
    assertEquals(Keep.BELOW_TARGET, why.keep());
    assertEquals(2, why.target());
    NetConn conn = a.swarm().getConnections(b.peer()).get(0);
    assertEquals(List.of(new PeerExplanation.Connection(conn.id(), Direction.OUTBOUND, b.address())),
        why.connections());
    PeerExplanation.AddressState deadState = why.addresses().get(0);
    assertEquals(Result.FAILED, deadState.lastResult());
    assertTrue(deadState.failure().startsWith("TransportException: connection refused"), deadState.failure());
    assertEquals(Duration.ofMillis(100), deadState.backoffLeft(), "its retry's delay");
    assertEquals(new PeerExplanation.AddressState(b.address(), Result.OK, "", Optional.of(Duration.ZERO), 0,
        Duration.ZERO), why.addresses().get(1));
    assertEquals(new PeerExplanation.Dials(1, 0, 0, 0, 64), why.dials(), "attempt 0 waits to retry, holding its slot");
    assertEquals(String.join("\n",
        "peer " + b.peer() + ": 1 connection, keep target 2 (below target, redialing)",
        "connections:",
        "  " + conn.id() + " outbound " + b.address(),
        "addresses:",
        "  " + dead + ": failed 0 ms ago (" + deadState.failure() + "), 1 in a row, backoff 100 ms left",
        "  " + b.address() + ": ok 0 ms ago",
        "refused recently: nothing",
        "dials: 1 in flight to this peer, 0 waiting; 0 in flight in total (max 64), 0 queued"), why.describe());

    fx.clock.forward(Duration.ofMillis(100)); // the retry moves on to the live address
    PeerExplanation later = a.swarm().explain(b.peer());
    assertEquals(Keep.AT_TARGET, later.keep());
    assertEquals(2, later.connections().size());
    assertEquals(Optional.of(Duration.ofMillis(100)), later.addresses().get(0).ago());
    assertEquals(Duration.ZERO, later.addresses().get(0).backoffLeft());
  }

  @Test
  @DisplayName("lists the resource manager's refusals of the peer with scope, limit and value")
  void listsResourceRefusals() {
    var a = fx.node();
    var b = fx.node(TestIdentity.random(), x -> x.resourceLimits(ResourceLimits.builder()
        .set(ResourceLimits.Limit.STREAMS_INBOUND_PER_PEER, 1).build()));
    SwarmFixture.introduce(a, b);
    SwarmFixture.await(a.swarm().dialPeer(b.peer()), "dial");
    // What a transport asks before it accepts a stream (the memory transport asks nothing, so the test does).
    NetConn conn = b.swarm().getConnections(a.peer()).get(0);
    var first = b.swarm().resourceManager().openStream(conn, Direction.INBOUND);
    assertThrows(LimitExceededException.class, () -> b.swarm().resourceManager().openStream(conn, Direction.INBOUND));

    List<PeerExplanation.Refusal> refusals = b.swarm().explain(a.peer()).refusals();

    assertTrue(!refusals.isEmpty(), "b refused a's second stream");
    PeerExplanation.Refusal r = refusals.get(0);
    assertEquals(ResourceScope.PEER, r.scope());
    assertEquals("streamsInboundPerPeer", r.limit());
    assertEquals(1, r.value());
    assertTrue(b.swarm().explain(a.peer()).describe().contains("peer " + a.peer() + ": streamsInboundPerPeer (1) reached"),
        b.swarm().explain(a.peer()).describe());
    first.close();
  }
}
