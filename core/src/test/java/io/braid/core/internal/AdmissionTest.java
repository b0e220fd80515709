package io.braid.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.CloseReason;
import io.braid.api.ConnectionGater;
import io.braid.api.Direction;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import io.braid.api.TransportException;
import io.braid.testkit.Awaits;
import io.braid.testkit.FakeNetConn;
import io.braid.testkit.RecordingNetworkListener.Kind;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Admission")
class AdmissionTest {
  private static final Multiaddr FROM = Multiaddr.fromString("/memory/77");

  /** Accepts and completes the handshake of an inbound connection from {@code peer}. */
  private static FakeNetConn arrive(Parts parts, PeerId peer) {
    assertTrue(parts.admission.accept(FROM), "accepted");
    FakeNetConn c = parts.inbound(peer);
    parts.admission.connected(c);
    return c;
  }

  @Nested
  @DisplayName("inbound")
  class Inbound {
    @Test
    @DisplayName("holds a connection slot and a handshake slot from accept; a failed handshake gives both back")
    void acceptThenFail() {
      Parts parts = Parts.of(1, 0);
      assertTrue(parts.admission.accept(FROM));
      assertEquals(1, parts.slots.inUse());
      assertEquals(1, parts.slots.pendingHandshakes());

      parts.admission.failed(FROM, new TransportException("handshake failed"));

      assertEquals(0, parts.slots.inUse());
      assertEquals(0, parts.slots.pendingHandshakes());
    }

    @Test
    @DisplayName("an admitted connection keeps its slot, and is reported connected then opened")
    void admitted() {
      Parts parts = Parts.of(1, 0);
      PeerId peer = parts.peer(true);
      FakeNetConn c = arrive(parts, peer);

      assertTrue(c.isOpen());
      assertEquals(List.of(c), parts.registry.connections(peer));
      assertEquals(1, parts.slots.inUse());
      assertEquals(0, parts.slots.pendingHandshakes());
      assertEquals(List.of(Kind.PEER_CONNECTED, Kind.CONNECTION_OPENED),
          parts.recorded.events().stream().map(e -> e.kind()).toList());
    }

    @Test
    @DisplayName("at the cap, a connection from a larger peer is refused and its slot given back")
    void largerPeerRefusedAtTheCap() {
      Parts parts = Parts.of(1, 0);
      PeerId larger = parts.peer(false);
      arrive(parts, larger);
      FakeNetConn second = arrive(parts, larger);

      assertFalse(second.isOpen(), "refused");
      assertEquals(1, parts.registry.connections(larger).size());
      assertEquals(1, parts.slots.inUse());
    }

    @Test
    @DisplayName("a gater refusing the secured peer closes the connection and gives its slot back")
    void gaterRefusesSecured() {
      Parts parts = Parts.withGater(1, new ConnectionGater() {
            @Override
            public boolean allowSecured(PeerId peer, Multiaddr remoteAddress, Direction direction) {
              throw new IllegalStateException("gater bug: a throwing gater denies");
            }
          });
      FakeNetConn c = arrive(parts, parts.peer(true));
      assertFalse(c.isOpen());
      assertEquals(0, parts.slots.inUse());
      assertTrue(parts.recorded.events().isEmpty());
    }

    @Test
    @DisplayName("nothing is accepted once closed")
    void closed() {
      Parts parts = Parts.of(1, 0);
      parts.slots.markClosed();
      assertFalse(parts.admission.accept(FROM));
      assertEquals(0, parts.slots.inUse());
    }
  }

  @Nested
  @DisplayName("simultaneous open")
  class SimultaneousOpenAtTheCap {
    @Test
    @DisplayName("a smaller peer's connection takes the slot of our attempt in flight, whose connection is then dropped")
    void takesTheReservedSlot() {
      Parts parts = Parts.of(1, 0);
      PeerId smaller = parts.peer(true);
      CompletableFuture<List<NetConn>> dial = parts.dial(smaller);

      FakeNetConn in = arrive(parts, smaller);
      assertSame(in, Awaits.await(dial, Duration.ofSeconds(5), "dial").get(0), "the dial completes with it");
      FakeNetConn late = parts.connect(0);

      assertFalse(late.isOpen(), "our own late connection is dropped");
      assertTrue(in.isOpen());
      assertEquals(List.of(in), parts.registry.connections(smaller));
      assertEquals(1, parts.slots.inUse(), "one slot: the kept connection's");
    }

    @Test
    @DisplayName("a smaller peer's connection replaces our idle one in one step: opened, then the old one closed as refused")
    void replacesAnIdleOwnDial() {
      Parts parts = Parts.of(1, 0);
      PeerId smaller = parts.peer(true);
      parts.dial(smaller);
      FakeNetConn own = parts.connect(0);

      FakeNetConn in = arrive(parts, smaller);

      assertFalse(own.isOpen());
      assertEquals(List.of(in), parts.registry.connections(smaller));
      assertEquals(1, parts.slots.inUse());
      var kinds = parts.recorded.events().stream().map(e -> e.kind()).toList();
      assertEquals(List.of(Kind.PEER_CONNECTED, Kind.CONNECTION_OPENED, Kind.CONNECTION_OPENED,
          Kind.CONNECTION_CLOSED), kinds, "no disconnect in between: " + parts.recorded.events());
      assertEquals(CloseReason.Kind.REFUSED, parts.recorded.events(Kind.CONNECTION_CLOSED).get(0).reason().kind());
    }

    @Test
    @DisplayName("our connection carrying streams is never replaced: the smaller peer's is refused")
    void neverReplacesABusyConnection() {
      Parts parts = Parts.of(1, 0);
      PeerId smaller = parts.peer(true);
      parts.dial(smaller);
      FakeNetConn own = parts.connect(0);
      own.setStreamCount(1);

      FakeNetConn in = arrive(parts, smaller);

      assertFalse(in.isOpen());
      assertTrue(own.isOpen());
      assertEquals(1, parts.slots.inUse());
    }

    @Test
    @DisplayName("a larger peer never takes the slot of our attempt in flight")
    void largerPeerDoesNotTakeTheSlot() {
      Parts parts = Parts.of(1, 0);
      PeerId larger = parts.peer(false);
      parts.dial(larger);

      FakeNetConn in = arrive(parts, larger);

      assertFalse(in.isOpen());
      FakeNetConn own = parts.connect(0);
      assertTrue(own.isOpen());
      assertEquals(1, parts.slots.inUse());
    }
  }

  @Test
  @DisplayName("reserving for a dial grants no more than the global budget and counts what it granted per peer")
  void reserveForDial() {
    Parts parts = Parts.withCap(3, 3);
    parts.slots.reserve(1); // another peer's connection
    PeerState p = parts.registry.lock(FakeNetConn.testPeer(5));
    try {
      assertEquals(2, parts.admission.reserveForDial(p, 3));
      assertEquals(2, p.reserved);
      assertEquals(1, parts.admission.releaseAttempt(p));
      assertEquals(1, p.reserved);
    } finally {
      parts.registry.unlock(p);
    }
  }
}
