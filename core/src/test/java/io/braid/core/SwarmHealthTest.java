package io.braid.core;

import static io.braid.core.SwarmFixture.ECHO;
import static io.braid.core.SwarmFixture.await;
import static io.braid.core.SwarmFixture.awaitFailure;
import static io.braid.core.SwarmFixture.introduce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.CloseReason;
import io.braid.api.ConnectionConfig;
import io.braid.api.ConnectionStats;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.NetworkListener;
import io.braid.api.StreamOpenException;
import io.braid.core.SwarmFixture.Node;
import io.braid.testkit.Streams;
import io.braid.testkit.TestIdentity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Issue 14: health (pings, RTT, unhealthy and recovery) and drain, over MemoryTransport with a FakeClock. */
@DisplayName("Swarm health and drain")
class SwarmHealthTest {
  private final SwarmFixture fx = new SwarmFixture();

  @AfterEach
  void closeEverything() {
    fx.close();
  }

  static final ConnectionConfig HEALTH = ConnectionConfig.builder().maxConnectionsPerPeer(3)
      .connectionTimeout(Duration.ofSeconds(5)).keepAliveInterval(Duration.ofSeconds(1))
      .keepAliveTimeout(Duration.ofSeconds(2)).unhealthyGrace(Duration.ofSeconds(3)).build();

  /** Health events as they arrive. */
  static final class HealthEvents implements NetworkListener {
    final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    public void connectionUnhealthy(NetConn connection, Duration silentFor) {
      seen.add("unhealthy " + connection.id() + " " + silentFor);
    }

    @Override
    public void connectionHealthy(NetConn connection) {
      seen.add("healthy " + connection.id());
    }
  }

  private Node[] pair() {
    Node a = fx.node(TestIdentity.random(), b -> b.connectionConfig(HEALTH));
    // The remote keeps the default keep-alive (15 s): within these tests only a's pings judge the links.
    Node b = fx.node(TestIdentity.random(), x -> x);
    introduce(a, b);
    await(a.swarm().dialPeer(b.peer()), "dial");
    return new Node[] {a, b};
  }

  private static ConnectionStats statsOf(Node n, NetConn c) {
    return n.swarm().stats(c.remotePeer()).stream().filter(s -> s.connectionId().equals(c.id())).findFirst()
        .orElseThrow();
  }

  private List<NetStream> open(Node from, Node to, int n) {
    List<NetStream> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(await(from.swarm().newStream(to.peer(), ECHO), "stream " + i));
    }
    return out;
  }

  @Nested
  @DisplayName("health")
  class Health {
    @Test
    void pingsMeasureTheInjectedDelayAsSmoothedRttInStats() {
      Node[] p = pair();
      NetConn conn = p[0].swarm().getConnections(p[1].peer()).get(0);
      p[0].transport().faults().delay(conn, Duration.ofMillis(40));
      for (int i = 0; i < 30; i++) {
        fx.clock.forward(Duration.ofSeconds(1));
      }
      ConnectionStats s = statsOf(p[0], conn);
      long srttMs = s.smoothedRtt().orElseThrow().toMillis();
      assertTrue(srttMs >= 38 && srttMs <= 40, "srtt " + s.smoothedRtt() + " after 30 samples of 40 ms");
      assertTrue(s.pingsAnswered() >= 30, "answered " + s.pingsAnswered());
      assertTrue(s.healthy() && !s.draining() && s.usable(), s.toString());
      assertEquals(30, s.age().toSeconds(), "age follows the fake clock: " + s.age());
      assertEquals(3, p[0].swarm().stats(p[1].peer()).size());
      assertEquals(3, p[0].swarm().stats().size());
    }

    @Test
    void statsCountTheBytesOfTheStreams() {
      Node[] p = pair();
      NetStream s = await(p[0].swarm().newStream(p[1].peer(), ECHO), "stream");
      byte[] data = Streams.randomBytes(10_000, 7);
      assertEquals(Streams.sha256(data), Streams.sha256(await(Streams.exchange(s, data, 20_000), "echo")));
      ConnectionStats st = statsOf(p[0], s.connection());
      assertEquals(10_000, st.bytesSent());
      assertEquals(10_000, st.bytesReceived());
      assertEquals(0, st.idleNanos(), "no time passed on the fake clock since the echo");
    }

    @Test
    void aStalledConnectionTurnsUnhealthyLeavesPlacementAtOnceAndClosesAfterTheGrace() {
      Node[] p = pair();
      HealthEvents events = new HealthEvents();
      p[0].swarm().addListener(events);
      NetConn stalled = p[0].swarm().getConnections(p[1].peer()).get(0);
      p[0].transport().faults().stall(stalled);
      fx.clock.forward(Duration.ofSeconds(1)); // the ping goes out, no answer
      assertTrue(p[0].swarm().connectionHealth().usable(stalled));
      fx.clock.forward(Duration.ofSeconds(2)); // keepAliveTimeout
      assertEquals(List.of("unhealthy " + stalled.id() + " PT2S"), events.seen);
      assertFalse(statsOf(p[0], stalled).healthy());
      for (NetStream s : open(p[0], p[1], 30)) {
        assertNotSame(stalled, s.connection(), "a stream was placed on the unhealthy connection");
        s.reset();
      }
      assertTrue(stalled.isOpen());
      fx.clock.forward(Duration.ofSeconds(3)); // unhealthyGrace
      assertFalse(stalled.isOpen());
      assertEquals(CloseReason.Kind.LOCAL, await(stalled.closeFuture(), "close").kind());
      assertEquals(2, p[0].swarm().getConnections(p[1].peer()).size());
    }

    @Test
    void anAnswerAfterTheTimeoutMakesItHealthyAgainAndItStaysOpen() {
      Node[] p = pair();
      HealthEvents events = new HealthEvents();
      p[0].swarm().addListener(events);
      NetConn conn = p[0].swarm().getConnections(p[1].peer()).get(1);
      p[0].transport().faults().stall(conn);
      fx.clock.forward(Duration.ofSeconds(3));
      assertFalse(p[0].swarm().connectionHealth().healthy(conn));
      p[0].transport().faults().resume(conn); // the held pongs arrive
      assertTrue(p[0].swarm().connectionHealth().usable(conn));
      assertEquals(List.of("unhealthy " + conn.id() + " PT2S", "healthy " + conn.id()), events.seen);
      fx.clock.forward(Duration.ofSeconds(10));
      assertTrue(conn.isOpen(), "recovered within the grace: not closed");
      assertTrue(statsOf(p[0], conn).healthy());
    }

    @Test
    void whenEveryConnectionIsUnhealthyTheyAreTheLastResortForNewStreams() {
      Node[] p = pair();
      for (NetConn c : p[0].swarm().getConnections(p[1].peer())) {
        p[0].transport().faults().stall(c);
      }
      fx.clock.forward(Duration.ofSeconds(3));
      for (NetConn c : p[0].swarm().getConnections(p[1].peer())) {
        assertFalse(p[0].swarm().connectionHealth().healthy(c));
      }
      NetStream s = await(p[0].swarm().newStream(p[1].peer(), ECHO), "stream on an unhealthy connection");
      byte[] data = Streams.randomBytes(100, 1);
      assertEquals(Streams.sha256(data), Streams.sha256(await(Streams.exchange(s, data, 200), "echo")));
      for (NetConn c : p[0].swarm().getConnections(p[1].peer())) {
        p[0].transport().faults().resume(c);
      }
    }

    @Test
    void aTransportWithoutPingsLeavesConnectionsHealthyWithUnknownRtt() {
      io.braid.testkit.FakeNetConn conn = io.braid.testkit.FakeNetConn.create(); // ping unsupported
      io.braid.core.internal.EventDispatcher events = new io.braid.core.internal.EventDispatcher(Runnable::run);
      io.braid.core.internal.HealthMonitor monitor = new io.braid.core.internal.HealthMonitor(HEALTH,
          fx.clock.scheduler(), fx.clock::nanoTime, events);
      monitor.track(conn);
      fx.clock.forward(Duration.ofSeconds(10));
      assertTrue(monitor.usable(conn));
      assertEquals(-1, monitor.smoothedRttNanos(conn));
      assertEquals(0, fx.clock.pendingTaskCount(), "no ping timer for a connection without pings");
      conn.close();
      assertEquals(0, monitor.trackedConnections());
    }
  }

  @Nested
  @DisplayName("drain")
  class Drain {
    @Test
    void drainWithStreamsInFlightFinishesEveryStreamAndNewStreamsGoElsewhere() {
      Node[] p = pair();
      NetConn drained = p[0].swarm().getConnections(p[1].peer()).get(0);
      List<NetStream> inFlight = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        inFlight.add(await(drained.newStream(ECHO), "stream " + i));
      }
      byte[][] halves = new byte[8][];
      for (int i = 0; i < 8; i++) {
        halves[i] = Streams.randomBytes(50_000, i);
        await(Streams.writeAll(inFlight.get(i), halves[i]), "first half " + i);
      }
      var closed = p[0].swarm().drain(drained, Duration.ofSeconds(30));
      assertTrue(drained.isDraining());
      NetConn remoteEnd = p[1].swarm().getConnections(p[0].peer()).stream()
          .filter(c -> c.remoteAddress().equals(drained.localAddress()) && c.isDraining()).findFirst()
          .orElseThrow(() -> new AssertionError("the remote end does not know the connection drains"));
      for (NetStream s : open(p[0], p[1], 20)) {
        assertNotSame(drained, s.connection(), "a new stream was placed on the draining connection");
        s.reset();
      }
      for (NetStream s : open(p[1], p[0], 20)) {
        assertNotSame(remoteEnd, s.connection(), "the remote placed a new stream on the draining connection");
        s.reset();
      }
      assertTrue(drained.isOpen(), "streams still in flight");
      int failures = 0;
      for (int i = 0; i < 8; i++) {
        byte[] second = Streams.randomBytes(50_000, 100 + i);
        byte[] whole = new byte[100_000];
        System.arraycopy(halves[i], 0, whole, 0, 50_000);
        System.arraycopy(second, 0, whole, 50_000, 50_000);
        byte[] echoed = await(Streams.exchange(inFlight.get(i), second, 200_000), "echo " + i);
        if (!Streams.sha256(whole).equals(Streams.sha256(echoed))) {
          failures++;
        }
      }
      assertEquals(0, failures, "streams whose bytes did not all come back");
      assertEquals(CloseReason.Kind.LOCAL, await(closed, "drained").kind());
      assertFalse(drained.isOpen());
      assertEquals(List.of(), fx.timersBesidesKeepAlive(), "the grace timer was cancelled");
    }

    @Test
    @DisplayName("a kept peer's drained connection is replaced first: the new one opens while the old one still finishes its stream")
    void drainOfAKeptPeerOpensTheReplacementFirst() {
      Node a = fx.node(TestIdentity.random(), b -> b.connectionConfig(HEALTH)); // cap 3
      Node b = fx.node(TestIdentity.random(), x -> x);
      introduce(a, b);
      java.util.List<String> events = new CopyOnWriteArrayList<>();
      a.swarm().addListener(new NetworkListener() {
        @Override
        public void connectionOpened(NetConn c) {
          events.add("opened " + c.id());
        }

        @Override
        public void connectionClosed(NetConn c, CloseReason reason) {
          events.add("closed " + c.id());
        }
      });
      var keep = a.swarm().keepConnected(b.peer(), 2);
      fx.clock.runDueTasks();
      List<NetConn> kept = a.swarm().getConnections(b.peer());
      assertEquals(2, kept.size(), "kept at 2 (of a cap of 3)");
      NetConn drained = kept.get(0);
      NetStream inFlight = await(drained.newStream(ECHO), "stream in flight");
      byte[] first = Streams.randomBytes(10_000, 1);
      await(Streams.writeAll(inFlight, first), "first half");
      events.clear();

      var closed = a.swarm().drain(drained, Duration.ofSeconds(30));
      fx.clock.runDueTasks();
      List<NetConn> during = a.swarm().getConnections(b.peer());
      assertEquals(3, during.size(), "the replacement opened while the drained connection still works: " + during);
      assertTrue(drained.isOpen() && drained.isDraining());
      assertEquals(2, during.stream().filter(c -> !c.isDraining()).count(), "two usable, as kept");

      byte[] second = Streams.randomBytes(10_000, 2);
      byte[] whole = new byte[20_000];
      System.arraycopy(first, 0, whole, 0, 10_000);
      System.arraycopy(second, 0, whole, 10_000, 10_000);
      assertEquals(Streams.sha256(whole), Streams.sha256(await(Streams.exchange(inFlight, second, 40_000), "echo")));
      assertEquals(CloseReason.Kind.LOCAL, await(closed, "drained").kind());
      assertTrue(events.get(0).startsWith("opened "), "the replacement opened first: " + events);
      assertTrue(events.contains("closed " + drained.id()), events.toString());
      assertTrue(events.indexOf("closed " + drained.id()) > 0, events.toString());
      assertEquals(2, a.swarm().getConnections(b.peer()).size(), "back to the target, none over it");
      keep.close();
    }

    @Test
    void aStreamThatDoesNotFinishIsCutAtTheEndOfTheGrace() {
      Node[] p = pair();
      NetConn conn = p[0].swarm().getConnections(p[1].peer()).get(2);
      NetStream idle = await(conn.newStream(ECHO), "stream");
      var closed = p[0].swarm().drain(conn, Duration.ofSeconds(5));
      fx.clock.forward(Duration.ofSeconds(4));
      assertTrue(conn.isOpen());
      fx.clock.forward(Duration.ofSeconds(1));
      assertEquals(CloseReason.Kind.LOCAL, await(closed, "drained").kind());
      awaitFailure(idle.read(), "read on a stream cut by the drain");
    }

    @Test
    void drainingEveryConnectionMakesNewStreamsFailWithAClearError() {
      Node a = fx.node(TestIdentity.random(), b -> b.connectionConfig(ConnectionConfig.builder()
          .maxConnectionsPerPeer(1).build()));
      Node b = fx.node(TestIdentity.random(), x -> x);
      introduce(a, b);
      NetConn only = await(a.swarm().dialPeer(b.peer()), "dial").get(0);
      NetStream held = await(only.newStream(ECHO), "held");
      a.swarm().drain(only, Duration.ofSeconds(60));
      Throwable t = awaitFailure(a.swarm().newStream(b.peer(), ECHO), "stream while the only connection drains");
      StreamOpenException e = assertInstanceOf(StreamOpenException.class, t);
      assertTrue(e.getMessage().contains("is draining"), e.getMessage());
      held.reset();
      await(only.closeFuture(), "closed once its last stream ended");
    }

    @Test
    void closeWithGraceDrainsEveryConnectionThenCloses() {
      Node[] p = pair();
      List<NetStream> streams = open(p[0], p[1], 6);
      var done = p[0].swarm().close(Duration.ofSeconds(10));
      assertFalse(done.isDone());
      for (NetStream s : streams) {
        byte[] data = Streams.randomBytes(1000, 3);
        assertEquals(Streams.sha256(data), Streams.sha256(await(Streams.exchange(s, data, 2000), "echo")));
      }
      await(done, "close(grace)");
      assertTrue(p[0].swarm().isClosed());
    }

    @Test
    void drainRejectsANegativeGraceAndAForeignConnection() {
      Node[] p = pair();
      NetConn conn = p[0].swarm().getConnections(p[1].peer()).get(0);
      IllegalArgumentException neg = assertThrows(IllegalArgumentException.class,
          () -> p[0].swarm().drain(conn, Duration.ofSeconds(-1)));
      assertEquals("grace must be >= 0, was PT-1S", neg.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> p[0].swarm().drain(io.braid.testkit.FakeNetConn.create(), Duration.ZERO));
    }
  }
}
