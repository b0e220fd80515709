package io.braid.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.Direction;
import io.braid.api.LimitExceededException;
import io.braid.api.NetConn;
import io.braid.api.NetworkMetrics;
import io.braid.api.NetworkMetrics.LimitScope;
import io.braid.api.PeerId;
import io.braid.api.ResourceLimits;
import io.braid.api.ResourceLimits.Limit;
import io.braid.api.ResourceManager.StreamScope;
import io.braid.api.ResourceScope;
import io.braid.api.ResourceUsage;
import io.braid.testkit.FakeNetConn;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ScopedResourceManager (streams, protocols, memory, usage; no network)")
class ScopedResourceManagerTest {
  private final List<LimitScope> refused = new ArrayList<>();
  private final PeerId peerA = FakeNetConn.testPeer(1);
  private final PeerId peerB = FakeNetConn.testPeer(2);
  private final NetConn a1 = conn("a1", peerA, Direction.OUTBOUND);
  private final NetConn a2 = conn("a2", peerA, Direction.INBOUND);
  private final NetConn b1 = conn("b1", peerB, Direction.OUTBOUND);

  private static NetConn conn(String id, PeerId peer, Direction direction) {
    return FakeNetConn.builder().id(id).remotePeer(peer).direction(direction).build();
  }

  private ScopedResourceManager manager(ResourceLimits.Builder limits) {
    NetworkMetrics recording = new NetworkMetrics() {
      @Override
      public void limitRefused(PeerId peer, LimitScope scope, Direction direction) {
        refused.add(scope);
      }
    };
    return new ScopedResourceManager(limits.build(), new GuardedMetrics(recording, System::nanoTime));
  }

  @Test
  @DisplayName("inbound streams are capped per connection, then per peer, then node-wide; each refusal names scope, limit and current use")
  void inboundStreamCaps() {
    ScopedResourceManager rm = manager(ResourceLimits.builder()
        .set(Limit.STREAMS_INBOUND_PER_CONNECTION, 2)
        .set(Limit.STREAMS_INBOUND_PER_PEER, 3)
        .set(Limit.STREAMS_INBOUND, 4));
    rm.openStream(a1, Direction.INBOUND);
    rm.openStream(a1, Direction.INBOUND);
    LimitExceededException perConn = assertThrows(LimitExceededException.class,
        () -> rm.openStream(a1, Direction.INBOUND));
    assertEquals(ResourceScope.CONNECTION, perConn.scope());
    assertEquals("a1", perConn.scopeName());
    assertEquals("streamsInboundPerConnection", perConn.limit());
    assertEquals(2, perConn.value());
    assertEquals(2, perConn.current());
    assertTrue(perConn.getMessage().contains("streamsInboundPerConnection (2) reached in scope connection a1, current 2"),
        perConn.getMessage());

    rm.openStream(a2, Direction.INBOUND);
    LimitExceededException perPeer = assertThrows(LimitExceededException.class,
        () -> rm.openStream(a2, Direction.INBOUND));
    assertEquals(ResourceScope.PEER, perPeer.scope());
    assertEquals(peerA.toString(), perPeer.scopeName());

    rm.openStream(b1, Direction.INBOUND);
    LimitExceededException system = assertThrows(LimitExceededException.class,
        () -> rm.openStream(b1, Direction.INBOUND));
    assertEquals(ResourceScope.SYSTEM, system.scope());
    assertEquals("streamsInbound", system.limit());

    // Outbound streams are counted apart.
    rm.openStream(a1, Direction.OUTBOUND).close();
    assertEquals(List.of(LimitScope.STREAMS, LimitScope.STREAMS, LimitScope.STREAMS), refused);
    assertEquals(3, rm.usage().totalRefusals());
  }

  @Test
  @DisplayName("closing a stream gives its slot back in every scope, and empty scopes leave the snapshot")
  void closeGivesBack() {
    ScopedResourceManager rm = manager(ResourceLimits.builder().set(Limit.STREAMS_OUTBOUND_PER_CONNECTION, 1));
    StreamScope s = rm.openStream(a1, Direction.OUTBOUND);
    assertThrows(LimitExceededException.class, () -> rm.openStream(a1, Direction.OUTBOUND));
    s.close();
    s.close(); // idempotent
    StreamScope again = rm.openStream(a1, Direction.OUTBOUND);
    again.close();
    ResourceUsage usage = rm.usage();
    assertEquals(0, usage.system().streamsOutbound());
    assertTrue(usage.connections().isEmpty(), usage.toString());
    assertTrue(usage.peers().isEmpty(), usage.toString());
  }

  @Test
  @DisplayName("a protocol's streams are capped node-wide once negotiated; a refused stream keeps nothing")
  void protocolCap() {
    ScopedResourceManager rm = manager(ResourceLimits.builder().set(Limit.STREAMS_INBOUND_PER_PROTOCOL, 1));
    StreamScope first = rm.openStream(a1, Direction.INBOUND);
    first.setProtocol("/echo/1.0.0");
    StreamScope second = rm.openStream(b1, Direction.INBOUND);
    LimitExceededException e = assertThrows(LimitExceededException.class, () -> second.setProtocol("/echo/1.0.0"));
    assertEquals(ResourceScope.PROTOCOL, e.scope());
    assertEquals("/echo/1.0.0", e.scopeName());
    second.setProtocol("/perf/1.0.0"); // another protocol is not at its cap
    assertThrows(IllegalStateException.class, () -> second.setProtocol("/x"));
    second.close();
    assertEquals(1, rm.usage().protocols().get("/echo/1.0.0").streamsInbound());
    first.close();
    assertTrue(rm.usage().protocols().isEmpty());
  }

  @Test
  @DisplayName("memory is charged to the stream, its connection, its peer and the node, and refused past any of them")
  void memoryAccounting() {
    ScopedResourceManager rm = manager(ResourceLimits.builder()
        .set(Limit.MEMORY_PER_STREAM, 100)
        .set(Limit.MEMORY_PER_CONNECTION, 150)
        .set(Limit.MEMORY_PER_PEER, 250)
        .set(Limit.MEMORY, 300));
    StreamScope s1 = rm.openStream(a1, Direction.OUTBOUND);
    s1.reserveMemory(60);
    LimitExceededException stream = assertThrows(LimitExceededException.class, () -> s1.reserveMemory(41));
    assertEquals(ResourceScope.STREAM, stream.scope());
    assertEquals("memoryPerStream", stream.limit());
    assertEquals(60, stream.current());
    s1.reserveMemory(40);

    StreamScope s2 = rm.openStream(a1, Direction.OUTBOUND);
    LimitExceededException conn = assertThrows(LimitExceededException.class, () -> s2.reserveMemory(51));
    assertEquals(ResourceScope.CONNECTION, conn.scope());
    s2.reserveMemory(50);

    StreamScope s3 = rm.openStream(a2, Direction.INBOUND);
    s3.reserveMemory(100);
    StreamScope s3b = rm.openStream(a2, Direction.INBOUND);
    LimitExceededException peer = assertThrows(LimitExceededException.class, () -> s3b.reserveMemory(1));
    assertEquals(ResourceScope.PEER, peer.scope());
    assertEquals(250, peer.current());
    s3b.close();

    StreamScope s4 = rm.openStream(b1, Direction.OUTBOUND);
    LimitExceededException system = assertThrows(LimitExceededException.class, () -> s4.reserveMemory(51));
    assertEquals(ResourceScope.SYSTEM, system.scope());
    assertEquals("memory", system.limit());

    ResourceUsage usage = rm.usage();
    assertEquals(250, usage.system().memory());
    assertEquals(250, usage.peers().get(peerA.toString()).memory());
    assertEquals(150, usage.connections().get("a1").memory());
    assertEquals(100, usage.connections().get("a2").memory());

    s1.releaseMemory(30);
    s1.releaseMemory(1000); // clamped to what it holds
    s2.close(); // gives back its 50
    assertEquals(100, rm.usage().system().memory());
    s3.close();
    s4.close();
    s1.close();
    assertEquals(0, rm.usage().system().memory());
    assertEquals(List.of(LimitScope.MEMORY, LimitScope.MEMORY, LimitScope.MEMORY, LimitScope.MEMORY), refused);
  }

  @Test
  @DisplayName("the usage snapshot counts open connections per peer and direction, and handshakes under way")
  void snapshotCountsConnections() {
    ScopedResourceManager rm = manager(ResourceLimits.builder());
    rm.observe(() -> List.of(a1, a2, b1), () -> 7);
    rm.openStream(a1, Direction.OUTBOUND).setProtocol("/p");
    ResourceUsage usage = rm.usage();
    assertEquals(new ResourceUsage.Usage(0, 1, 2, 0, 1, 0), usage.system());
    assertEquals(new ResourceUsage.Usage(0, 1, 1, 0, 1, 0), usage.peers().get(peerA.toString()));
    assertEquals(new ResourceUsage.Usage(0, 0, 1, 0, 0, 0), usage.peers().get(peerB.toString()));
    assertEquals(7, usage.transientScope().pending());
    assertEquals(1, usage.protocols().get("/p").streamsOutbound());
    assertThrows(UnsupportedOperationException.class, () -> usage.peers().clear(), "immutable");
  }
}
