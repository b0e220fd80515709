package io.braid.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.CloseReason;
import io.braid.api.ConnectionConfig;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import io.braid.testkit.FakeNetConn;
import io.braid.testkit.RecordingNetworkListener;
import io.braid.testkit.RecordingNetworkListener.Kind;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ConnectionRegistry")
class ConnectionRegistryTest {
  private final SlotPool slots = new SlotPool(ConnectionConfig.defaults());
  private final EventDispatcher events = new EventDispatcher(Runnable::run);
  private final RecordingNetworkListener recorded = new RecordingNetworkListener();
  private final ConnectionRegistry registry = new ConnectionRegistry(slots, events);
  private final PeerId peer = FakeNetConn.testPeer(3);

  ConnectionRegistryTest() {
    events.addListener(recorded);
  }

  /** Adds {@code conn} as admission would: slot held, under the lock, events flushed, close watched. */
  private void admit(NetConn conn) {
    slots.reserve(1);
    PeerState p = registry.lock(conn.remotePeer());
    try {
      registry.add(p, conn);
    } finally {
      registry.unlock(p);
    }
    registry.flushEvents();
    registry.watch(conn.remotePeer(), conn);
  }

  @Test
  @DisplayName("a record holding nothing is retired on unlock; one with a connection stays")
  void retiresIdleRecords() {
    PeerState p = registry.lock(peer);
    registry.unlock(p);
    assertEquals(0, registry.trackedPeers());
    assertTrue(p.retired);
    PeerState fresh = registry.lock(peer);
    assertNotSame(p, fresh, "a retired record is never handed out again");
    registry.unlock(fresh);

    admit(FakeNetConn.builder().remotePeer(peer).build());
    assertEquals(1, registry.trackedPeers());
  }

  @Test
  @DisplayName("events are queued by the change and delivered only on flush, in order")
  void eventsWaitForTheFlush() {
    FakeNetConn c = FakeNetConn.builder().remotePeer(peer).build();
    PeerState p = registry.lock(peer);
    try {
      registry.add(p, c);
      assertTrue(recorded.events().isEmpty(), "nothing delivered under the lock");
    } finally {
      registry.unlock(p);
    }
    registry.flushEvents();
    assertEquals(List.of(Kind.PEER_CONNECTED, Kind.CONNECTION_OPENED), kinds());
  }

  @Test
  @DisplayName("views are immutable snapshots that later changes do not touch, and skip connections already closing")
  void snapshotViews() {
    FakeNetConn a = FakeNetConn.builder().remotePeer(peer).build();
    FakeNetConn b = FakeNetConn.builder().remotePeer(peer).build();
    admit(a);
    admit(b);
    List<NetConn> before = registry.connections(peer);
    assertSame(before, registry.connections(peer), "all open: the stored snapshot itself, no copy");
    assertThrows(UnsupportedOperationException.class, () -> before.add(a));

    FakeNetConn unwatched = FakeNetConn.create();
    unwatched.close();
    List<NetConn> closing = ConnectionRegistry.onlyOpen(List.of(unwatched, b));
    a.closeWith(CloseReason.REMOTE);
    assertEquals(List.of(b), closing);
    assertEquals(List.of(a, b), before, "the old snapshot is unchanged");
    assertEquals(List.of(b), registry.connections(peer));
    assertEquals(List.of(b), registry.connections());
    assertEquals(Map.of(peer, List.of(b)), registry.connectionsMap());
    assertEquals(Optional.of(b), registry.oldest(peer));
    assertEquals(Map.of(peer, b), registry.oldestPerPeer());
  }

  @Test
  @DisplayName("a closing connection leaves the views, gives its slot back and is reported once, then the peer's disconnection")
  void closeBookkeeping() {
    FakeNetConn a = FakeNetConn.builder().remotePeer(peer).build();
    FakeNetConn b = FakeNetConn.builder().remotePeer(peer).build();
    admit(a);
    admit(b);

    a.closeWith(CloseReason.REMOTE);
    a.close();
    assertEquals(1, slots.inUse());
    b.close();

    assertEquals(0, slots.inUse());
    assertEquals(0, registry.trackedPeers());
    assertEquals(List.of(Kind.PEER_CONNECTED, Kind.CONNECTION_OPENED, Kind.CONNECTION_OPENED,
        Kind.CONNECTION_CLOSED, Kind.CONNECTION_CLOSED, Kind.PEER_DISCONNECTED), kinds());
    assertEquals(1, recorded.count(Kind.CONNECTION_CLOSED, a));
    assertEquals(CloseReason.Kind.REMOTE, recorded.events(Kind.CONNECTION_CLOSED).get(0).reason().kind());
  }

  @Test
  @DisplayName("a local close during shutdown is reported as SHUTDOWN")
  void shutdownReason() {
    FakeNetConn a = FakeNetConn.builder().remotePeer(peer).build();
    admit(a);
    slots.markClosed();
    a.close();
    assertEquals(CloseReason.Kind.SHUTDOWN, recorded.events(Kind.CONNECTION_CLOSED).get(0).reason().kind());
  }

  @Test
  @DisplayName("replace swaps two connections in one step: no view ever holds both, and no disconnection is reported")
  void replaceInOneStep() {
    FakeNetConn old = FakeNetConn.builder().remotePeer(peer).build();
    FakeNetConn fresh = FakeNetConn.builder().remotePeer(peer).build();
    admit(old);
    PeerState p = registry.lock(peer);
    try {
      registry.replace(p, old, fresh, CloseReason.LOCAL);
      assertEquals(List.of(fresh), registry.connections(peer));
    } finally {
      registry.unlock(p);
    }
    registry.flushEvents();
    assertEquals(List.of(Kind.PEER_CONNECTED, Kind.CONNECTION_OPENED, Kind.CONNECTION_OPENED, Kind.CONNECTION_CLOSED),
        kinds());
  }

  private List<Kind> kinds() {
    return recorded.events().stream().map(RecordingNetworkListener.Event::kind).toList();
  }
}
