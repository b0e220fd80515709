package io.braid.metrics.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.braid.api.ConnectionConfig;
import io.braid.api.HostIdentity;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.NetworkMetrics;
import io.braid.api.RetryConfig;
import io.braid.api.StreamRouter;
import io.braid.api.TransportContext;
import io.braid.core.Swarm;
import io.braid.testkit.FakeClock;
import io.braid.testkit.MemoryNetwork;
import io.braid.testkit.MemoryTransport;
import io.braid.testkit.Streams;
import io.braid.testkit.TestIdentity;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * A scripted run of two real swarms over the in-memory transport (direct executors and a fake clock, so
 * it all happens on the test thread): {@code a} dials {@code b} (3 connections), opens streams, and a
 * fourth connection from {@code a}'s identity is refused by {@code b}'s per-peer cap; then the meters of
 * both sides are read.
 */
@DisplayName("MicrometerNetworkMetrics")
class MicrometerNetworkMetricsTest {
  private static final String ECHO = "/braid/test/echo/1.0.0";
  private static final int STREAMS = 4;

  private final FakeClock clock = new FakeClock();
  private final MemoryNetwork memory = new MemoryNetwork();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeEverything() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private record Node(HostIdentity identity, Swarm swarm, Multiaddr address, MeterRegistry registry) {}

  private Node node(HostIdentity identity, boolean tagPeerIds) {
    MeterRegistry registry = new SimpleMeterRegistry();
    Swarm swarm = Swarm.builder(identity)
        .connectionConfig(ConnectionConfig.builder().maxConnectionsPerPeer(3).build())
        .retryConfig(RetryConfig.builder().maxRetries(0).build())
        .scheduler(clock.scheduler())
        .executor(Runnable::run)
        .metrics(MicrometerNetworkMetrics.builder(registry).tagPeerIds(tagPeerIds).build())
        .transport(ctx -> MemoryTransport.builder(memory).context(ctx).executor(Runnable::run)
            .scheduler(clock.scheduler()).build())
        .build();
    toClose.add(swarm);
    swarm.setStreamHandler(ECHO, Streams.echo());
    Multiaddr address = await(swarm.listen(Multiaddr.fromString("/memory/0"))).get(0);
    return new Node(identity, swarm, address, registry);
  }

  /** The scripted run; returns {@code {a, b}}. */
  private Node[] run(boolean tagPeerIds) {
    Node a = node(TestIdentity.random(), tagPeerIds);
    Node b = node(TestIdentity.random(), tagPeerIds);
    a.swarm().addAddresses(b.identity().peerId(), b.address());
    assertEquals(3, await(a.swarm().dialPeer(b.identity().peerId())).size());

    for (int i = 0; i < STREAMS; i++) {
      NetStream s = await(a.swarm().newStream(b.identity().peerId(), ECHO));
      byte[] back = await(Streams.exchange(s, ("hello " + i).getBytes(StandardCharsets.UTF_8), 100));
      assertEquals("hello " + i, new String(back, StandardCharsets.UTF_8));
      await(s.closeFuture());
    }

    // A fourth connection from a's identity, past a bare transport: b is at its cap of 3 and refuses it.
    MemoryTransport raw = MemoryTransport.builder(memory)
        .context(new TransportContext(a.identity(), StreamRouter.refuseAll(), Duration.ofSeconds(5)))
        .executor(Runnable::run).scheduler(clock.scheduler()).build();
    toClose.add(raw);
    NetConn extra = await(raw.dial(b.address(), b.identity().peerId()));
    assertFalse(extra.isOpen(), "refused by b's maxConnectionsPerPeer");
    return new Node[] {a, b};
  }

  private static double count(MeterRegistry r, String name, String... tags) {
    return r.get(name).tags(tags).counter().count();
  }

  @Nested
  @DisplayName("after a scripted run")
  class AfterARun {
    private final Node[] nodes = run(false);
    private final Node a = nodes[0];
    private final Node b = nodes[1];

    @Test
    void theOpenConnectionsGaugeCountsEachSideByDirectionAndTransport() {
      assertEquals(3.0, a.registry().get("braid.connections.open").tags("direction", "outbound", "transport", "memory")
          .gauge().value());
      assertEquals(3.0, b.registry().get("braid.connections.open").tags("direction", "inbound", "transport", "memory")
          .gauge().value());
      assertEquals(3.0, count(a.registry(), "braid.connections.opened", "direction", "outbound"));
    }

    @Test
    void theConnectionsPerPeerDistributionSamplesOneTwoThree() {
      DistributionSummary perPeer = a.registry().get("braid.connections.per.peer").summary();
      assertEquals(3, perPeer.count());
      assertEquals(6.0, perPeer.totalAmount(), "samples 1, 2, 3");
      assertEquals(3.0, perPeer.max());
      assertEquals(3, b.registry().get("braid.connections.per.peer").summary().count(),
          "the refused fourth connection never entered b's table");
    }

    @Test
    void everyStreamIsCountedAndSampledWhenItOpensAndWhenItCloses() {
      assertEquals(STREAMS, count(a.registry(), "braid.streams.opened", "direction", "outbound"));
      assertEquals(STREAMS, count(b.registry(), "braid.streams.opened", "direction", "inbound"));
      DistributionSummary perConn = a.registry().get("braid.streams.per.connection").tags("direction", "outbound")
          .summary();
      assertEquals(2 * STREAMS, perConn.count(), "one sample at open and one at close of each stream");
      assertEquals(1.0, perConn.max(), "one stream at a time");
      assertEquals(STREAMS, a.registry().get("braid.stream.open.latency").tags("outcome", "success").timer().count());
    }

    @Test
    void bytesCrossFromOneSideToTheOther() {
      double out = count(a.registry(), "braid.bytes.out", "transport", "memory");
      double in = count(b.registry(), "braid.bytes.in", "transport", "memory");
      assertTrue(out > 0, "a wrote bytes");
      assertEquals(out, in, "what a wrote, b read (memory counts payload)");
      assertEquals(count(b.registry(), "braid.bytes.out"), count(a.registry(), "braid.bytes.in"), "the echoes");
    }

    @Test
    void dialsAndHandshakesAreCountedAndTimed() {
      assertEquals(3.0, count(a.registry(), "braid.dial.attempts", "transport", "memory"));
      assertTrue(a.registry().find("braid.dial.failures").meters().isEmpty(), "no attempt failed");
      assertTrue(a.registry().find("braid.dial.retries").meters().isEmpty(), "no try was retried");
      assertEquals(3, a.registry().get("braid.handshake.duration").tags("transport", "memory").timer().count());
    }

    @Test
    void theBalancerSpreadsTheStreamsAndSaysWhere() {
      double total = a.registry().find("braid.balancer.choices").tags("balancer", "round_robin", "fallback", "false")
          .counters().stream().mapToDouble(c -> c.count()).sum();
      assertEquals(STREAMS, total);
      assertEquals(3, a.registry().find("braid.balancer.choices").counters().size(),
          "round robin used every position 0, 1, 2");
    }

    @Test
    void theRefusedInboundConnectionIsCountedByScope() {
      assertEquals(1.0, count(b.registry(), "braid.limit.refusals", "scope", "maxConnectionsPerPeer",
          "direction", "inbound"));
      assertTrue(a.registry().find("braid.limit.refusals").meters().isEmpty(), "a refused nothing");
    }

    @Test
    void noMeterCarriesAPeerIdByDefault() {
      for (MeterRegistry r : List.of(a.registry(), b.registry())) {
        for (Meter m : r.getMeters()) {
          assertNotNull(m.getId().getName());
          assertTrue(m.getId().getTags().stream().noneMatch(t -> t.getKey().equals("peer")), m.getId().toString());
        }
      }
    }

    @Test
    void closingTheConnectionsTimesTheirLifetimesAndEmptiesTheGauge() {
      await(a.swarm().closePeer(b.identity().peerId()));
      assertEquals(0.0, a.registry().get("braid.connections.open").tags("direction", "outbound").gauge().value());
      assertEquals(3, a.registry().get("braid.connection.lifetime").tags("reason", "local").timer().count());
      assertEquals(0.0, b.registry().get("braid.connections.open").tags("direction", "inbound").gauge().value());
      assertEquals(3, b.registry().get("braid.connection.lifetime").tags("reason", "remote").timer().count());
      DistributionSummary perPeer = a.registry().get("braid.connections.per.peer").summary();
      assertEquals(6, perPeer.count(), "samples 1, 2, 3 then 2, 1, 0");
      assertEquals(9.0, perPeer.totalAmount());
    }
  }

  @Test
  @DisplayName("with tagPeerIds(true), per-peer meters carry the peer id")
  void tagPeerIdsAddsThePeerTag() {
    Node[] nodes = run(true);
    Node a = nodes[0];
    Node b = nodes[1];
    String peerB = b.identity().peerId().toString();
    assertEquals(3, a.registry().get("braid.connections.per.peer").tag("peer", peerB).summary().count());
    assertEquals(3.0, count(a.registry(), "braid.dial.attempts", "peer", peerB));
    assertEquals(1.0, count(b.registry(), "braid.limit.refusals", "peer", a.identity().peerId().toString()));
    assertTrue(a.registry().get("braid.connections.open").gauge().getId().getTags().stream()
        .map(Tag::getKey).noneMatch("peer"::equals), "the gauge stays per direction and transport");
  }

  @Nested
  @DisplayName("the builder")
  class TheBuilder {
    @Test
    void aCustomPrefixNamesEveryMeter() {
      SimpleMeterRegistry r = new SimpleMeterRegistry();
      NetworkMetrics m = MicrometerNetworkMetrics.builder(r).prefix("myapp.p2p").build();
      m.bytesRead("tcp", 10);
      assertEquals(10.0, r.get("myapp.p2p.bytes.in").counter().count());
    }

    @Test
    void aPrefixThatIsNotLowercaseDottedWordsIsRefusedWithTheReason() {
      var b = MicrometerNetworkMetrics.builder(new SimpleMeterRegistry());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.prefix("Braid."));
      assertTrue(e.getMessage().contains("lowercase dotted words"), e.getMessage());
    }

    @Test
    void defaultsAreBraidWithoutPeerTags() {
      MicrometerNetworkMetrics m = MicrometerNetworkMetrics.create(new SimpleMeterRegistry());
      assertEquals("braid", m.prefix());
      assertFalse(m.tagsPeerIds());
    }

    @Test
    void aRefusalBeforeTheHandshakeIsTaggedUnknownPeerWhenPeersAreTagged() {
      SimpleMeterRegistry r = new SimpleMeterRegistry();
      MicrometerNetworkMetrics.builder(r).tagPeerIds(true).build()
          .limitRefused(null, NetworkMetrics.LimitScope.MAX_CONNECTIONS, io.braid.api.Direction.INBOUND);
      assertEquals(1.0, count(r, "braid.limit.refusals", "peer", "unknown", "scope", "maxConnections"));
    }

    @Test
    void balancerPositionsBeyondSevenShareOneTag() {
      SimpleMeterRegistry r = new SimpleMeterRegistry();
      NetworkMetrics m = MicrometerNetworkMetrics.create(r);
      m.balancerChoice("least_loaded", 9, 12, false);
      m.balancerChoice("least_loaded", 11, 12, false);
      assertEquals(2.0, count(r, "braid.balancer.choices", "position", "7+"));
    }
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return fail("did not complete within 10 s");
    } catch (ExecutionException e) {
      return fail("failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }
}
