package io.braid.core;

import static io.braid.core.SwarmFixture.await;
import static io.braid.core.SwarmFixture.introduce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.NetConn;
import io.braid.api.PeerId;
import io.braid.testkit.RecordingNetworkListener;
import io.braid.testkit.RecordingNetworkListener.Event;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Swarm events")
class SwarmEventsTest {
  private final SwarmFixture fx = new SwarmFixture();

  @AfterEach
  void closeEverything() {
    fx.close();
  }

  /**
   * Checks one peer's events as they arrive: connected and disconnected alternate, connections open only
   * while the peer is connected, each closes once after it opened, and the peer disconnects only when
   * none is left.
   */
  static final class Validator {
    final List<String> problems = new CopyOnWriteArrayList<>();
    final Set<NetConn> open = new HashSet<>();
    final Set<NetConn> everOpened = new HashSet<>();
    boolean connected;

    synchronized void accept(Event e) {
      switch (e.kind()) {
        case PEER_CONNECTED -> {
          check(!connected, "connected twice", e);
          connected = true;
        }
        case CONNECTION_OPENED -> {
          check(connected, "opened while the peer is not connected", e);
          check(everOpened.add(e.connection()), "opened twice", e);
          open.add(e.connection());
        }
        case CONNECTION_CLOSED -> check(open.remove(e.connection()), "closed without being open", e);
        case PEER_DISCONNECTED -> {
          check(connected, "disconnected while not connected", e);
          check(open.isEmpty(), "disconnected with connections open " + open, e);
          connected = false;
        }
      }
    }

    private void check(boolean ok, String what, Event e) {
      if (!ok) {
        problems.add(what + ": " + e);
      }
    }

    synchronized Set<NetConn> openNow() {
      return Set.copyOf(open);
    }
  }

  @Nested
  @DisplayName("delivery")
  class Delivery {
    @Test
    @DisplayName("listeners are never called while the swarm holds a lock: another thread can use the peer meanwhile")
    void neverUnderALock() throws Exception {
      var a = fx.node();
      var b = fx.node();
      introduce(a, b);
      ExecutorService other = Executors.newSingleThreadExecutor();
      List<String> blocked = new CopyOnWriteArrayList<>();
      try {
        a.swarm().addListener(new RecordingNetworkListener(e -> {
          PeerId peer = e.peer();
          Future<?> f = other.submit(() -> {
            a.swarm().dialPeer(peer);          // takes the peer's lock
            a.swarm().getConnectionsMap();
            return null;
          });
          try {
            f.get(2, TimeUnit.SECONDS);
          } catch (TimeoutException t) {
            blocked.add(e.toString());
          } catch (Exception ex) {
            blocked.add(e + ": " + ex);
          }
        }));

        await(a.swarm().dialPeer(b.peer()), "dial");
        a.transport().faults().kill(a.swarm().getConnections(b.peer()).get(0));
        await(a.swarm().closePeer(b.peer()), "closePeer");
      } finally {
        other.shutdownNow();
      }

      assertEquals(List.of(), blocked, "events during which another thread could not use the swarm");
      assertTrue(a.events().events().size() >= 8, a.events().events().toString());
    }

    @Test
    @DisplayName("each event fires exactly once and in a valid order while threads dial and kill connections")
    void orderUnderConcurrency() throws Exception {
      // 600 dials in no fake time: a burst the per-peer dial rate would (rightly) make wait for the clock.
      var a = fx.node(SwarmFixture.config(2).toBuilder().peerDialBurst(10_000).build());
      var b = fx.node();
      introduce(a, b);
      Validator v = new Validator();
      a.swarm().addListener(new RecordingNetworkListener(v::accept));
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
          long seed = w;
          workers.add(pool.submit(() -> {
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < 150; i++) {
              a.swarm().dialPeer(b.peer()).handle((x, e) -> null).get(10, TimeUnit.SECONDS);
              List<NetConn> now = a.swarm().getConnections(b.peer());
              if (!now.isEmpty() && random.nextInt(3) > 0) {
                a.transport().faults().kill(now.get(random.nextInt(now.size())));
              }
            }
            return null;
          }));
        }
        for (Future<?> f : workers) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }

      assertEquals(List.of(), v.problems.subList(0, Math.min(5, v.problems.size())),
          v.problems.size() + " problems; the first ones");
      assertEquals(Set.copyOf(a.swarm().getConnections(b.peer())), v.openNow(),
          "the events add up to what the view shows");
      assertTrue(a.swarm().getConnections(b.peer()).size() <= 2);
      SwarmFixture.assertSlotsMatchConnections(a);
      assertTrue(v.everOpened.size() > 150, "enough churn: " + v.everOpened.size());
    }
  }
}
