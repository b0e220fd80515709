package io.braid.core;

import static io.braid.core.SwarmFixture.assertSlotsMatchConnections;
import static io.braid.core.SwarmFixture.await;
import static io.braid.core.SwarmFixture.awaitFailure;
import static io.braid.core.SwarmFixture.introduce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ConnectionGater;
import io.braid.api.DialException;
import io.braid.api.Direction;
import io.braid.api.HostIdentity;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.PeerId;
import io.braid.api.TransportException;
import io.braid.testkit.MemoryTransport;
import io.braid.testkit.RecordingNetworkListener;
import io.braid.testkit.Streams;
import io.braid.testkit.TestIdentity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Admitting connections")
class SwarmAdmissionTest {
  private final SwarmFixture fx = new SwarmFixture();

  @AfterEach
  void closeEverything() {
    fx.close();
  }

  /** Two identities, the first with the smaller peer id. */
  private static HostIdentity[] ordered() {
    HostIdentity x = TestIdentity.random();
    HostIdentity y = TestIdentity.random();
    return x.peerId().compareTo(y.peerId()) < 0 ? new HostIdentity[] {x, y} : new HostIdentity[] {y, x};
  }

  private static void assertEchoes(NetStream s, String text) {
    byte[] back = await(Streams.exchange(s, text.getBytes(StandardCharsets.UTF_8), 100), "echo");
    assertEquals(text, new String(back, StandardCharsets.UTF_8));
  }

  @Nested
  @DisplayName("the per-peer cap")
  class PerPeerCap {
    @Test
    @DisplayName("counts an outbound handshake in flight, so an inbound connection over the cap is refused")
    void countsHandshakingOutbound() {
      HostIdentity[] ids = ordered();
      var a = fx.node(ids[0], b -> b.connectionConfig(SwarmFixture.config(2)));
      var b = fx.node(ids[1], x -> x);
      introduce(a, b);
      a.transport().faults().hangNextHandshakes(1);
      CompletableFuture<List<NetConn>> dial = a.swarm().dialPeer(b.peer());
      assertEquals(1, a.swarm().getConnections(b.peer()).size());
      assertEquals(2, a.swarm().connectionSlotsInUse(), "one open, one handshaking");

      MemoryTransport asB = fx.rawTransport(ids[1], Duration.ofSeconds(30));
      NetConn extra = await(asB.dial(a.address(), a.peer()), "inbound from b");

      assertFalse(extra.isOpen(), "refused: the cap counts the handshake in flight");
      assertEquals(1, a.swarm().getConnections(b.peer()).size());
      fx.clock.forward(Duration.ofSeconds(5).plusMillis(100));
      assertEquals(2, await(dial, "dial").size(), "the hung attempt timed out, was retried and connected");
      assertSlotsMatchConnections(a);
    }

    @Test
    @DisplayName("never evicts a busy connection: streams on the kept connections go on")
    void neverEvictsBusyConnections() {
      var server = fx.node(SwarmFixture.config(2));
      HostIdentity client = TestIdentity.random();
      MemoryTransport raw = fx.rawTransport(client, Duration.ofSeconds(30));
      NetConn c1 = await(raw.dial(server.address(), server.peer()), "c1");
      NetConn c2 = await(raw.dial(server.address(), server.peer()), "c2");
      NetStream s1 = await(c1.newStream(SwarmFixture.ECHO), "s1");
      NetStream s2 = await(c2.newStream(SwarmFixture.ECHO), "s2");

      for (int i = 0; i < 5; i++) {
        assertFalse(await(raw.dial(server.address(), server.peer()), "extra").isOpen());
      }

      assertTrue(c1.isOpen() && c2.isOpen());
      assertEchoes(s1, "one");
      assertEchoes(s2, "two");
      assertEquals(List.of(c1.remoteAddress(), c2.remoteAddress()), server.swarm().getConnections(client.peerId())
          .stream().map(NetConn::localAddress).toList(), "the first two, oldest first");
      assertSlotsMatchConnections(server);
    }

    @Test
    @DisplayName("an inbound connection from a smaller peer takes the slot of our own attempt in flight")
    void smallerPeerTakesAReservedSlot() {
      HostIdentity[] ids = ordered();
      var large = fx.node(ids[1], b -> b.connectionConfig(SwarmFixture.config(1)));
      var small = fx.node(ids[0], b -> b.connectionConfig(SwarmFixture.config(1)));
      introduce(large, small);
      large.transport().faults().delayNextHandshakes(1, Duration.ofMillis(10));
      CompletableFuture<List<NetConn>> dial = large.swarm().dialPeer(small.peer());

      MemoryTransport asSmall = fx.rawTransport(ids[0], Duration.ofSeconds(30));
      NetConn in = await(asSmall.dial(large.address(), large.peer()), "inbound from the smaller peer");

      assertTrue(in.isOpen(), "kept");
      List<NetConn> got = await(dial, "large's dial completes with the inbound connection");
      assertEquals(Direction.INBOUND, got.get(0).direction());
      fx.clock.forward(Duration.ofMillis(10));
      assertEquals(1, large.swarm().getConnections(small.peer()).size(), "its own late connection was dropped");
      assertSame(got.get(0), large.swarm().getConnections(small.peer()).get(0));
      assertSlotsMatchConnections(large);
    }
  }

  @Nested
  @DisplayName("simultaneous open")
  class SimultaneousOpen {
    @Test
    @DisplayName("an attempt waiting to retry gives its slot to an inbound connection from a smaller peer and never dials")
    void retryingAttemptYields() {
      HostIdentity[] ids = ordered();
      var large = fx.node(ids[1], b -> b.connectionConfig(SwarmFixture.config(1)));
      var small = fx.node(ids[0], b -> b.connectionConfig(SwarmFixture.config(1)));
      introduce(large, small);
      large.transport().faults().refuseNextDials(1);
      CompletableFuture<List<NetConn>> dial = large.swarm().dialPeer(small.peer());
      assertFalse(dial.isDone(), "refused once, waiting to retry");

      MemoryTransport asSmall = fx.rawTransport(ids[0], Duration.ofSeconds(30));
      NetConn in = await(asSmall.dial(large.address(), large.peer()), "inbound from the smaller peer");
      List<NetConn> got = await(dial, "the dial completes with the inbound connection");
      fx.clock.forward(Duration.ofSeconds(1));

      assertTrue(in.isOpen());
      assertEquals(1, got.size());
      assertEquals(Direction.INBOUND, got.get(0).direction());
      assertTrue(small.events().events().isEmpty(), "the retry never dialed: " + small.events().events());
      assertEquals(List.of(), fx.timersBesidesKeepAlive());
      assertSlotsMatchConnections(large);
    }

    @Test
    @DisplayName("when both sides admitted their own dial first, the larger peer swaps its idle one for the smaller peer's")
    void bothOwnDialsAdmittedFirst() {
      HostIdentity[] ids = ordered();
      ManualExecutor sx = new ManualExecutor();
      ManualExecutor lx = new ManualExecutor();
      var small = fx.node(ids[0], b -> b.connectionConfig(SwarmFixture.config(1)), sx);
      var large = fx.node(ids[1], b -> b.connectionConfig(SwarmFixture.config(1)), lx);
      introduce(small, large);
      introduce(large, small);
      small.transport().faults().delayNextHandshakes(1, Duration.ofMillis(10));
      large.transport().faults().delayNextHandshakes(1, Duration.ofMillis(10));
      CompletableFuture<List<NetConn>> fromSmall = small.swarm().dialPeer(large.peer());
      CompletableFuture<List<NetConn>> fromLarge = large.swarm().dialPeer(small.peer());
      assertTrue(lx.drain() && sx.drain(), "both listeners accepted; the small peer's handshake timer is armed first");

      fx.clock.forward(Duration.ofMillis(10));
      assertEquals(2, sx.size(), "small: [its dial completes, large's connection arrives]");
      assertEquals(2, lx.size(), "large: [small's connection arrives, its dial completes]");
      sx.runAt(0); // small admits its own dial
      lx.runAt(1); // large admits its own dial
      sx.runAt(0); // small, at its cap, refuses large's dial (the smaller peer keeps its own)
      lx.runAt(0); // large, at its cap, must not refuse small's dial too
      fx.drainAll();

      assertEquals(1, small.swarm().getConnections(large.peer()).size(), "small keeps one connection");
      assertEquals(1, large.swarm().getConnections(small.peer()).size(), "large keeps one connection");
      NetConn atSmall = small.swarm().getConnections(large.peer()).get(0);
      NetConn atLarge = large.swarm().getConnections(small.peer()).get(0);
      assertEquals(Direction.OUTBOUND, atSmall.direction());
      assertEquals(Direction.INBOUND, atLarge.direction());
      assertEquals(atSmall.localAddress(), atLarge.remoteAddress(), "the same connection");
      assertTrue(atSmall.isOpen() && atLarge.isOpen());
      assertTrue(fromSmall.isDone() && fromLarge.isDone());
      assertSlotsMatchConnections(small);
      assertSlotsMatchConnections(large);
      assertEquals(2, large.events().events(RecordingNetworkListener.Kind.CONNECTION_OPENED).size());
      assertEquals(1, large.events().events(RecordingNetworkListener.Kind.CONNECTION_CLOSED).size(),
          "its own dial closed once: " + large.events().events());
      assertEquals(1, large.events().events(RecordingNetworkListener.Kind.PEER_CONNECTED).size());
      assertEquals(0, large.events().events(RecordingNetworkListener.Kind.PEER_DISCONNECTED).size());
    }
  }

  private static void assertSame(Object x, Object y) {
    org.junit.jupiter.api.Assertions.assertSame(x, y);
  }

  @Nested
  @DisplayName("the connection gater")
  class Gater {
    @Test
    @DisplayName("denying a peer fails the dial before any attempt")
    void deniesPeer() {
      var a = fx.node(TestIdentity.random(), b -> b.gater(new ConnectionGater() {
        @Override
        public boolean allowDialPeer(PeerId peer) {
          return false;
        }
      }));
      var b = fx.node();
      introduce(a, b);

      DialException e = assertInstanceOf(DialException.class, awaitFailure(a.swarm().dialPeer(b.peer()), "dial"));

      assertTrue(e.getMessage().contains("gater"), e.getMessage());
      assertTrue(e.attempts().isEmpty());
      assertTrue(b.events().events().isEmpty(), "b never saw a connection");
      assertEquals(0, a.swarm().trackedPeers());
    }

    @Test
    @DisplayName("a denied address is skipped in favour of the peer's other addresses")
    void deniesAddress() {
      var b = fx.node();
      List<Multiaddr> second = await(b.swarm().listen(SwarmFixture.ANY), "second listen");
      Multiaddr denied = b.address();
      var a = fx.node(TestIdentity.random(), x -> x.gater(new ConnectionGater() {
        @Override
        public boolean allowDialAddress(PeerId peer, Multiaddr address) {
          return !address.equals(denied);
        }
      }));
      a.swarm().addAddresses(b.peer(), denied, second.get(0));

      List<NetConn> conns = await(a.swarm().dialPeer(b.peer()), "dial");

      assertEquals(3, conns.size());
      conns.forEach(c -> assertEquals(second.get(0), c.remoteAddress()));
    }

    @Test
    @DisplayName("refusing to accept closes the raw connection before any handshake")
    void deniesAccept() {
      var server = fx.node(TestIdentity.random(), b -> b.gater(new ConnectionGater() {
        @Override
        public boolean allowAccept(Multiaddr remoteAddress) {
          return false;
        }
      }));
      MemoryTransport raw = fx.rawTransport(TestIdentity.random(), Duration.ofSeconds(30));

      Throwable t = awaitFailure(raw.dial(server.address(), server.peer()), "dial");

      assertInstanceOf(TransportException.class, t);
      assertEquals(0, server.swarm().connectionSlotsInUse());
      assertEquals(0, server.swarm().pendingHandshakes());
    }

    @Test
    @DisplayName("refusing a secured inbound peer closes it without an event; a throwing gater denies")
    void deniesSecuredAndThrowing() {
      PeerId[] banned = new PeerId[1];
      var server = fx.node(TestIdentity.random(), b -> b.gater(new ConnectionGater() {
        @Override
        public boolean allowSecured(PeerId peer, Multiaddr remoteAddress, Direction direction) {
          if (peer.equals(banned[0])) {
            return false;
          }
          throw new IllegalStateException("gater bug");
        }
      }));
      HostIdentity bannedId = TestIdentity.random();
      banned[0] = bannedId.peerId();
      MemoryTransport raw = fx.rawTransport(bannedId, Duration.ofSeconds(30));
      MemoryTransport other = fx.rawTransport(TestIdentity.random(), Duration.ofSeconds(30));

      assertFalse(await(raw.dial(server.address(), server.peer()), "banned dial").isOpen());
      assertFalse(await(other.dial(server.address(), server.peer()), "dial meeting a throwing gater").isOpen());

      assertTrue(server.events().events().isEmpty());
      assertSlotsMatchConnections(server);
    }

    @Test
    @DisplayName("refusing a secured outbound connection drops it and reports the attempt")
    void deniesSecuredOutbound() {
      List<Direction> asked = new CopyOnWriteArrayList<>();
      var a = fx.node(TestIdentity.random(), b -> b.connectionConfig(SwarmFixture.config(1))
          .gater(new ConnectionGater() {
            @Override
            public boolean allowSecured(PeerId peer, Multiaddr remoteAddress, Direction direction) {
              asked.add(direction);
              return false;
            }
          }));
      var b = fx.node();
      introduce(a, b);

      DialException e = assertInstanceOf(DialException.class, awaitFailure(a.swarm().dialPeer(b.peer()), "dial"));

      assertEquals(List.of(Direction.OUTBOUND), asked);
      assertEquals(1, e.attempts().size());
      assertTrue(a.events().events().isEmpty());
      assertSlotsMatchConnections(a);
    }
  }
}
