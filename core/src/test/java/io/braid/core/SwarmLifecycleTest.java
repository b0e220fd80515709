package io.braid.core;

import static io.braid.core.SwarmFixture.await;
import static io.braid.core.SwarmFixture.awaitFailure;
import static io.braid.core.SwarmFixture.introduce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.BraidException;
import io.braid.api.CloseReason;
import io.braid.api.NetConn;
import io.braid.testkit.MemoryTransport;
import io.braid.testkit.RecordingNetworkListener;
import io.braid.testkit.RecordingNetworkListener.Kind;
import io.braid.testkit.TestIdentity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Swarm lifecycle")
class SwarmLifecycleTest {
  private final SwarmFixture fx = new SwarmFixture();

  @AfterEach
  void closeEverything() {
    fx.close();
  }

  @Nested
  @DisplayName("close")
  class Close {
    @Test
    @DisplayName("releases an inbound handshake in flight before closeFuture completes")
    void inboundHandshakeInFlight() {
      var server = fx.node();
      MemoryTransport raw = fx.rawTransport(TestIdentity.random(), Duration.ofSeconds(30));
      raw.faults().hangNextHandshakes(1);
      CompletableFuture<NetConn> dial = raw.dial(server.address(), server.peer());
      assertEquals(1, server.swarm().pendingHandshakes());
      assertEquals(1, server.swarm().connectionSlotsInUse());

      server.swarm().close();

      await(server.swarm().closeFuture(), "closeFuture");
      assertEquals(0, server.swarm().pendingHandshakes());
      assertEquals(0, server.swarm().connectionSlotsInUse());
      assertInstanceOf(BraidException.class, awaitFailure(dial, "the raw dial"));
    }

    @Test
    @DisplayName("called from several threads at once closes once, reporting every connection once")
    void concurrentClose() throws Exception {
      var a = fx.node();
      var b = fx.node();
      introduce(a, b);
      await(a.swarm().dialPeer(b.peer()), "dial");
      ExecutorService pool = Executors.newFixedThreadPool(4);
      CountDownLatch go = new CountDownLatch(1);
      try {
        List<Future<?>> closers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          closers.add(pool.submit(() -> {
            go.await();
            a.swarm().close();
            return null;
          }));
        }
        go.countDown();
        for (Future<?> f : closers) {
          f.get(10, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }

      await(a.swarm().closeFuture(), "closeFuture");
      assertEquals(3, a.events().events(Kind.CONNECTION_CLOSED).size());
      assertEquals(1, a.events().events(Kind.PEER_DISCONNECTED).size());
      a.events().events(Kind.CONNECTION_CLOSED)
          .forEach(e -> assertEquals(CloseReason.Kind.SHUTDOWN, e.reason().kind()));
    }

    @Test
    @DisplayName("still lets listeners and handlers be removed afterwards")
    void removalsAfterClose() {
      var a = fx.node();
      RecordingNetworkListener l = new RecordingNetworkListener();
      a.swarm().addListener(l);
      a.swarm().close();

      a.swarm().removeListener(l);
      a.swarm().removeStreamHandler(SwarmFixture.ECHO);
      assertTrue(a.swarm().isClosed());
    }
  }

  @Nested
  @DisplayName("closePeer and bad input")
  class ClosePeer {
    @Test
    @DisplayName("closePeer of a peer never seen completes at once")
    void unknownPeer() {
      var a = fx.node();
      assertTrue(a.swarm().closePeer(TestIdentity.random().peerId()).isDone());
    }

    @Test
    @DisplayName("newStream rejects a null or empty protocol with IllegalArgumentException")
    void badProtocols() {
      var a = fx.node();
      var b = fx.node();
      assertThrows(IllegalArgumentException.class, () -> a.swarm().newStream(b.peer(), SwarmFixture.ECHO, ""));
      assertThrows(IllegalArgumentException.class,
          () -> a.swarm().newStream(b.peer(), (String) null));
      assertThrows(IllegalArgumentException.class, () -> a.swarm().setStreamHandler("", s -> {}));
      assertThrows(NullPointerException.class, () -> a.swarm().dialPeer(null));
      assertEquals(0, a.swarm().trackedPeers(), "bad input left no state behind");
    }
  }
}
