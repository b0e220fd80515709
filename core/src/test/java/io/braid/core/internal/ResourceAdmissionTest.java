package io.braid.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.CloseReason;
import io.braid.api.ConnectionConfig;
import io.braid.api.DialException;
import io.braid.api.Direction;
import io.braid.api.LimitExceededException;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import io.braid.api.ResourceLimits;
import io.braid.api.ResourceLimits.Limit;
import io.braid.api.ResourceScope;
import io.braid.api.TransportException;
import io.braid.testkit.Awaits;
import io.braid.testkit.FakeNetConn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Admission and dialing under the resource limits (fair handshakes)")
class ResourceAdmissionTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private int port = 50000;

  private Multiaddr from(String ip) {
    return Multiaddr.fromString("/ip4/" + ip + "/tcp/" + port++);
  }

  @Nested
  @DisplayName("inbound")
  class Inbound {
    @Test
    @DisplayName("a flood from one address stops at its per-IP cap before any handshake work; another address still gets in")
    void floodFromOneAddress() {
      Parts parts = Parts.withLimits(ConnectionConfig.builder().maxPendingHandshakes(128).build(),
          ResourceLimits.builder().set(Limit.PENDING_PER_IP, 16).build());
      int accepted = 0;
      for (int i = 0; i < 200; i++) {
        accepted += parts.admission.accept(from("127.0.0.2"), () -> {}) ? 1 : 0;
      }
      assertEquals(16, accepted);
      assertTrue(parts.admission.accept(from("127.0.0.1"), () -> {}), "another address is served");
      assertEquals(17, parts.slots.pendingHandshakes());
      assertEquals(184, parts.resources.usage().refusals().get("pendingPerIp"));
      assertEquals(16, parts.resources.usage().ips().get("127.0.0.2").pending());
    }

    @Test
    @DisplayName("an address whose handshakes fail (or end refused at the per-peer cap) is turned away before crypto once past failedHandshakesPerIp")
    void failingAddressIsTurnedAway() {
      Parts parts = Parts.withLimits(Parts.config(1).build(),
          ResourceLimits.builder().set(Limit.FAILED_HANDSHAKES_PER_IP, 2).build());
      Multiaddr garbage = from("10.0.0.66");
      assertTrue(parts.admission.accept(garbage, () -> {}));
      parts.admission.failed(garbage, new TransportException("not multistream"));
      PeerId peer = FakeNetConn.testPeer(5);
      for (int i = 0; i < 2; i++) {
        Multiaddr m = from("10.0.0.66");
        assertTrue(parts.admission.accept(m, () -> {}));
        parts.admission.connected(FakeNetConn.builder().localPeer(parts.local).remotePeer(peer)
            .direction(Direction.INBOUND).remoteAddress(m).build());
      }
      assertEquals(1, parts.registry.connections(peer).size(), "the second was refused at the per-peer cap");
      assertFalse(parts.admission.accept(from("10.0.0.66"), () -> {}), "two strikes: refused before any work");
      assertEquals(1, parts.resources.usage().refusals().get("failedHandshakesPerIp"));
      assertTrue(parts.admission.accept(from("10.0.0.67"), () -> {}), "another address is served");
    }

    @Test
    @DisplayName("a connection closed as a stream flood (refusedStreamsPerConnection) bans its address at once; other closes strike nothing")
    void aFloodedConnectionBansItsAddress() {
      Parts parts = Parts.withLimits(Parts.config(4).build(), ResourceLimits.defaults());
      PeerId peer = FakeNetConn.testPeer(6);
      List<FakeNetConn> conns = new java.util.ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Multiaddr m = from("10.0.0.70");
        assertTrue(parts.admission.accept(m, () -> {}));
        FakeNetConn c = FakeNetConn.builder().localPeer(parts.local).remotePeer(peer).direction(Direction.INBOUND)
            .remoteAddress(m).build();
        conns.add(c);
        parts.admission.connected(c);
      }
      conns.get(0).closeWith(CloseReason.REMOTE);
      conns.get(1).closeWith(CloseReason.error(new java.io.IOException("connection reset")));
      assertTrue(parts.admission.accept(from("10.0.0.70"), () -> {}), "ordinary closes strike nothing");
      conns.get(2).closeWith(CloseReason.refused(new LimitExceededException(ResourceScope.CONNECTION, "tcp-9",
          Limit.REFUSED_STREAMS_PER_CONNECTION.configName(), 1024, 1024, "connection closed")));
      assertFalse(parts.admission.accept(from("10.0.0.70"), () -> {}), "banned before any work");
      assertEquals(1, parts.resources.usage().refusals().get("failedHandshakesPerIp"));
      assertEquals(1, parts.resources.usage().refusals().get("refusedStreamsPerConnection"));
      assertTrue(parts.admission.accept(from("10.0.0.71"), () -> {}), "another address is served");
      assertFalse(Admission.flooded(CloseReason.refused(new LimitExceededException("maxConnectionsPerPeer", 3, "x"))));
      assertFalse(Admission.flooded(null));
    }

    @Test
    @DisplayName("with the global pending cap full, the address holding the most loses its oldest handshake to a newcomer from elsewhere")
    void evictionAtTheGlobalCap() {
      Parts parts = Parts.withLimits(ConnectionConfig.builder().maxPendingHandshakes(4).build(),
          ResourceLimits.defaults());
      AtomicInteger aborted = new AtomicInteger();
      List<Multiaddr> flood = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Multiaddr m = from("10.0.0.9");
        flood.add(m);
        assertTrue(parts.admission.accept(m, aborted::incrementAndGet));
      }
      Multiaddr newcomer = from("10.0.7.1");
      assertTrue(parts.admission.accept(newcomer, () -> {}), "admitted by evicting");
      assertEquals(1, aborted.get(), "the victim's handshake was aborted");
      assertEquals(4, parts.slots.pendingHandshakes(), "the newcomer holds the victim's slot");
      assertEquals(4, parts.slots.inUse());

      // The transport reports the aborted handshake as failed: its slots are not given back twice.
      parts.admission.failed(flood.get(0), new TransportException("closed"));
      assertEquals(4, parts.slots.pendingHandshakes());
      assertEquals(4, parts.slots.inUse());

      // The newcomer's handshake succeeds and it is admitted.
      FakeNetConn c = FakeNetConn.builder().localPeer(parts.local).remotePeer(FakeNetConn.testPeer(9))
          .direction(Direction.INBOUND).remoteAddress(newcomer).build();
      parts.admission.connected(c);
      assertTrue(c.isOpen());
      assertEquals(3, parts.slots.pendingHandshakes());
      assertEquals(1, parts.resources.usage().refusals().get("evictedPending"));
      assertEquals(1, parts.resources.usage().ips().get("10.0.7.1").connectionsInbound());
      c.close();
      assertFalse(parts.resources.usage().ips().containsKey("10.0.7.1"), "uncharged when it closed");

      // The freed slot goes to whoever comes; at the cap again, a newcomer from 10.0.0.9 itself (no other
      // address holds a handshake) evicts nobody and is refused.
      assertTrue(parts.admission.accept(from("10.0.0.9"), () -> {}));
      assertFalse(parts.admission.accept(from("10.0.0.9"), () -> {}));
      assertEquals(1, parts.resources.usage().refusals().get("maxPendingHandshakes"));
    }

    @Test
    @DisplayName("a handshake evicted just as it completed is closed, and the slots stay with the newcomer")
    void evictedThenConnected() {
      Parts parts = Parts.withLimits(ConnectionConfig.builder().maxPendingHandshakes(2).build(),
          ResourceLimits.defaults());
      Multiaddr old = from("10.0.0.9");
      parts.admission.accept(old, () -> {});
      parts.admission.accept(from("10.0.0.9"), () -> {});
      assertTrue(parts.admission.accept(from("10.0.5.5"), () -> {}));
      FakeNetConn late = FakeNetConn.builder().localPeer(parts.local).remotePeer(FakeNetConn.testPeer(9))
          .direction(Direction.INBOUND).remoteAddress(old).build();
      parts.admission.connected(late);
      assertFalse(late.isOpen());
      assertEquals(2, parts.slots.pendingHandshakes());
      assertTrue(parts.registry.connections().isEmpty());
    }
  }

  @Nested
  @DisplayName("outbound")
  class Outbound {
    private final PeerId peer = FakeNetConn.testPeer(7);

    @Test
    @DisplayName("attempts beyond a peer's pending cap wait their turn instead of failing")
    void attemptsQueuePerPeer() {
      Parts parts = Parts.withLimits(Parts.config(5).build(),
          ResourceLimits.builder().set(Limit.PENDING_OUTBOUND_PER_PEER, 2).build());
      CompletableFuture<List<NetConn>> dial = parts.dial(peer);
      assertEquals(2, parts.transport.pending().size(), "two handshakes under way, three waiting");
      for (int i = 0; i < 5; i++) {
        parts.connect(0);
      }
      assertEquals(5, Awaits.await(dial, WAIT, "dial").size());
      assertEquals(0, parts.slots.pendingHandshakes());
    }

    @Test
    @DisplayName("a dial waiting for a handshake slot past its deadline fails with LimitExceededException naming the limit, not retried")
    void queueDeadline() {
      Parts parts = new Parts(FakeNetConn.testPeer(0), Parts.config(1).maxPendingHandshakes(1).build(),
          Parts.noJitter(3), io.braid.api.ConnectionGater.ALLOW_ALL, ResourceLimits.defaults());
      assertTrue(parts.admission.accept(from("10.0.0.1"), () -> {}), "an inbound handshake holds the only slot");
      CompletableFuture<List<NetConn>> dial = parts.dial(peer);
      assertTrue(parts.transport.pending().isEmpty(), "waiting, not dialing");
      assertEquals(1, parts.handshakes.queued());

      parts.clock.forward(Duration.ofSeconds(5));

      DialException e = assertInstanceOf(DialException.class, Awaits.awaitFailure(dial, WAIT, "dial"));
      LimitExceededException limit = assertInstanceOf(LimitExceededException.class, e.attempts().get(0).cause());
      assertEquals("maxPendingHandshakes", limit.limit());
      assertTrue(limit.getMessage().contains("waited PT5S for a handshake slot"), limit.getMessage());
      assertEquals(1, e.attempts().size(), "not retried");
      assertEquals(0, parts.handshakes.queued());
      assertEquals(0, parts.clock.pendingTaskCount(), "no retry scheduled");
      assertTrue(parts.transport.pending().isEmpty());
    }

    @Test
    @DisplayName("connectionsOutbound bounds outbound connections node-wide, dialing or established; a closed one gives its place back")
    void nodeWideOutboundLimit() {
      Parts parts = Parts.withLimits(Parts.config(3).build(),
          ResourceLimits.builder().set(Limit.CONNECTIONS_OUTBOUND, 2).build());
      CompletableFuture<List<NetConn>> first = parts.dial(peer);
      assertEquals(2, parts.transport.pending().size(), "two of the three wanted: the outbound limit");
      FakeNetConn a = parts.connect(0);
      parts.connect(0);
      assertEquals(2, Awaits.await(first, WAIT, "dial").size());
      assertEquals(2, parts.admission.outbound());

      PeerId other = FakeNetConn.testPeer(8);
      LimitExceededException e = assertInstanceOf(LimitExceededException.class,
          Awaits.awaitFailure(parts.dial(other), WAIT, "dial"));
      assertEquals("connectionsOutbound", e.limit());
      assertEquals(ResourceScope.SYSTEM, e.scope());
      assertEquals(2, e.current());
      assertEquals(1, parts.resources.usage().refusals().get("connectionsOutbound"));

      a.close();
      assertEquals(1, parts.admission.outbound(), "a closed connection gives its place back");
      CompletableFuture<List<NetConn>> second = parts.dial(other);
      parts.connect(0);
      assertEquals(1, Awaits.await(second, WAIT, "dial").size());
      assertEquals(2, parts.admission.outbound());
    }

    @Test
    @DisplayName("attempts that fail give their outbound place back")
    void failedAttemptsGiveTheirPlaceBack() {
      Parts parts = Parts.withLimits(Parts.config(2).build(),
          ResourceLimits.builder().set(Limit.CONNECTIONS_OUTBOUND, 2).build());
      CompletableFuture<List<NetConn>> dial = parts.dial(peer);
      assertEquals(2, parts.admission.outbound(), "each attempt holds a place while it dials");
      for (ScriptedTransport.Dial d : List.copyOf(parts.transport.pending())) {
        d.future().completeExceptionally(new TransportException("refused"));
      }
      assertInstanceOf(DialException.class, Awaits.awaitFailure(dial, WAIT, "dial"));
      assertEquals(0, parts.admission.outbound());
    }

    @Test
    @DisplayName("a queued dial proceeds once an inbound handshake gives its slot back")
    void inboundReleasePumpsTheQueue() {
      Parts parts = Parts.withLimits(Parts.config(1).maxPendingHandshakes(1).build(), ResourceLimits.defaults());
      Multiaddr in = from("10.0.0.1");
      parts.admission.accept(in, () -> {});
      CompletableFuture<List<NetConn>> dial = parts.dial(peer);
      assertTrue(parts.transport.pending().isEmpty());
      parts.admission.failed(in, new TransportException("gone"));
      assertEquals(1, parts.transport.pending().size(), "dialing now");
      parts.connect(0);
      assertEquals(1, Awaits.await(dial, WAIT, "dial").size());
    }
  }
}
