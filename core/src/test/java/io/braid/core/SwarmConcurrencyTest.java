package io.braid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ConnectionConfig;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.RetryConfig;
import io.braid.testkit.MemoryNetwork;
import io.braid.testkit.MemoryTransport;
import io.braid.testkit.RecordingNetworkListener;
import io.braid.testkit.Streams;
import io.braid.testkit.TestIdentity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The swarm on real threads: memory transports on their default thread pool, swarms with their own timer
 * and the common pool for events. Every wait is bounded; the final check is that every swarm's close
 * future completes, which needs every slot and handshake back.
 */
@DisplayName("Swarms under concurrent load")
class SwarmConcurrencyTest {

  record Live(Swarm swarm, MemoryTransport transport, Multiaddr address, SwarmEventsTest.Validator[] validators) {}

  @Nested
  @DisplayName("three swarms dialing, killing, closing peers and opening streams from six threads")
  class Churn {
    @Test
    @DisplayName("keep every cap, deliver valid events and release everything on close")
    void churn() throws Exception {
      MemoryNetwork memory = new MemoryNetwork();
      ConnectionConfig config = ConnectionConfig.builder().maxConnectionsPerPeer(2).maxConnections(64)
          .connectionTimeout(Duration.ofSeconds(5)).build();
      RetryConfig retry = RetryConfig.builder().maxRetries(1).initialDelay(Duration.ofMillis(1)).build();
      List<Live> nodes = new ArrayList<>();
      List<String> capViolations = new CopyOnWriteArrayList<>();
      for (int i = 0; i < 3; i++) {
        AtomicReference<MemoryTransport> made = new AtomicReference<>();
        Swarm s = Swarm.builder(TestIdentity.fromSeed(100 + i)).connectionConfig(config).retryConfig(retry)
            .transport(ctx -> {
              MemoryTransport t = MemoryTransport.builder(memory).context(ctx).build();
              made.set(t);
              return t;
            }).build();
        s.setStreamHandler(SwarmFixture.ECHO, Streams.echo());
        Multiaddr addr = SwarmFixture.await(s.listen(SwarmFixture.ANY), "listen").get(0);
        SwarmEventsTest.Validator[] validators = new SwarmEventsTest.Validator[3];
        nodes.add(new Live(s, made.get(), addr, validators));
      }
      for (int i = 0; i < 3; i++) {
        Live me = nodes.get(i);
        for (int j = 0; j < 3; j++) {
          if (i != j) {
            Live other = nodes.get(j);
            me.swarm().addAddresses(other.swarm().localPeer(), other.address());
            SwarmEventsTest.Validator v = new SwarmEventsTest.Validator();
            me.validators()[j] = v;
            me.swarm().addListener(new RecordingNetworkListener(e -> {
              if (e.peer().equals(other.swarm().localPeer())) {
                v.accept(e);
                int n = me.swarm().getConnections(e.peer()).size();
                if (n > 2) {
                  capViolations.add(n + " connections to one peer at " + e);
                }
              }
            }));
          }
        }
      }

      AtomicInteger streamsOpened = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(6);
      try {
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 6; w++) {
          long seed = 7 * w + 1;
          workers.add(pool.submit(() -> {
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < 400; i++) {
              Live me = nodes.get(r.nextInt(3));
              Live other = nodes.get((nodes.indexOf(me) + 1 + r.nextInt(2)) % 3);
              var peer = other.swarm().localPeer();
              switch (r.nextInt(6)) {
                case 0, 1 -> me.swarm().dialPeer(peer).handle((x, e) -> null).get(20, TimeUnit.SECONDS);
                case 2 -> {
                  List<NetConn> now = me.swarm().getConnections(peer);
                  if (!now.isEmpty()) {
                    me.transport().faults().kill(now.get(r.nextInt(now.size())));
                  }
                }
                case 3 -> {
                  if (r.nextInt(4) == 0) {
                    me.swarm().closePeer(peer).handle((x, e) -> null).get(20, TimeUnit.SECONDS);
                  }
                }
                default -> me.swarm().newStream(peer, SwarmFixture.ECHO).handle((s, e) -> {
                  if (s != null) {
                    streamsOpened.incrementAndGet();
                    s.reset();
                  }
                  return null;
                }).get(20, TimeUnit.SECONDS);
              }
            }
            return null;
          }));
        }
        for (Future<?> f : workers) {
          f.get(120, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }

      for (Live n : nodes) {
        n.swarm().close();
      }
      for (Live n : nodes) {
        SwarmFixture.await(n.swarm().closeFuture(), "closeFuture of " + n.swarm());
        assertEquals(0, n.swarm().connectionSlotsInUse());
        assertEquals(0, n.swarm().pendingHandshakes());
        assertEquals(0, n.swarm().trackedPeers());
        assertEquals(0, n.transport().openConnectionCount());
      }
      assertEquals(List.of(), capViolations);
      for (Live n : nodes) {
        for (SwarmEventsTest.Validator v : n.validators()) {
          if (v != null) {
            assertEquals(List.of(), v.problems.subList(0, Math.min(5, v.problems.size())));
          }
        }
      }
      assertTrue(streamsOpened.get() > 50, "enough streams: " + streamsOpened.get());
    }
  }
}
