package io.braid.core;

import static io.braid.core.SwarmFixture.ECHO;
import static io.braid.core.SwarmFixture.await;
import static io.braid.core.SwarmFixture.awaitFailure;
import static io.braid.core.SwarmFixture.introduce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.CloseReason;
import io.braid.api.ConnectionConfig;
import io.braid.api.Direction;
import io.braid.api.LimitExceededException;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.NetworkMetrics;
import io.braid.api.PeerId;
import io.braid.testkit.Streams;
import io.braid.testkit.TestIdentity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Swarm metrics")
class SwarmMetricsTest {
  private final SwarmFixture fx = new SwarmFixture();

  @AfterEach
  void closeEverything() {
    fx.close();
  }

  /** Records every event as one line, e.g. {@code connectionOpened OUTBOUND memory}. */
  static final class Recorder implements NetworkMetrics {
    final List<String> events = new CopyOnWriteArrayList<>();
    final AtomicLong bytesWritten = new AtomicLong();
    final AtomicLong bytesRead = new AtomicLong();

    List<String> named(String event) {
      return events.stream().filter(e -> e.equals(event) || e.startsWith(event + " ")).collect(Collectors.toList());
    }

    @Override
    public void connectionOpened(PeerId peer, Direction direction, String transport) {
      events.add("connectionOpened " + direction + " " + transport);
    }

    @Override
    public void connectionClosed(PeerId peer, Direction direction, String transport, Duration lifetime,
        CloseReason.Kind reason) {
      assertFalse(lifetime.isNegative());
      events.add("connectionClosed " + direction + " " + transport + " " + reason);
    }

    @Override
    public void peerConnections(PeerId peer, int connections) {
      events.add("peerConnections " + connections);
    }

    @Override
    public void streamOpened(PeerId peer, Direction direction, int streamsOnConnection) {
      events.add("streamOpened " + direction + " " + streamsOnConnection);
    }

    @Override
    public void streamClosed(PeerId peer, Direction direction, int streamsOnConnection) {
      events.add("streamClosed " + direction + " " + streamsOnConnection);
    }

    @Override
    public void streamOpenLatency(PeerId peer, Duration latency, boolean succeeded) {
      assertFalse(latency.isNegative());
      events.add("streamOpenLatency " + succeeded);
    }

    @Override
    public void balancerChoice(String balancer, int position, int candidates, boolean fallback) {
      events.add("balancerChoice " + balancer + " " + position + "/" + candidates + (fallback ? " fallback" : ""));
    }

    @Override
    public void bytesRead(String transport, long bytes) {
      bytesRead.addAndGet(bytes);
    }

    @Override
    public void bytesWritten(String transport, long bytes) {
      bytesWritten.addAndGet(bytes);
    }

    @Override
    public void dialAttempt(PeerId peer, String transport) {
      events.add("dialAttempt " + transport);
    }

    @Override
    public void dialRetry(PeerId peer, DialFailure cause) {
      events.add("dialRetry " + cause);
    }

    @Override
    public void dialFailure(PeerId peer, DialFailure cause) {
      events.add("dialFailure " + cause);
    }

    @Override
    public void handshakeCompleted(PeerId peer, String transport, Duration duration) {
      assertFalse(duration.isNegative());
      events.add("handshakeCompleted " + transport);
    }

    @Override
    public void limitRefused(PeerId peer, LimitScope scope, Direction direction) {
      events.add("limitRefused " + scope + " " + direction + (peer == null ? " unknown" : ""));
    }
  }

  private final Recorder ra = new Recorder();
  private final Recorder rb = new Recorder();

  private SwarmFixture.Node nodeA() {
    return fx.node(TestIdentity.random(), b -> b.metrics(ra));
  }

  private SwarmFixture.Node nodeB() {
    return fx.node(TestIdentity.random(), b -> b.metrics(rb));
  }

  @Nested
  @DisplayName("connections")
  class Connections {
    @Test
    void aDialOfThreeReportsEachAttemptHandshakeAndAdmissionOnceBeforeItsFutureCompletes() {
      var a = nodeA();
      var b = nodeB();
      introduce(a, b);
      CompletableFuture<Integer> seenAtCompletion =
          a.swarm().dialPeer(b.peer()).thenApply(c -> ra.named("connectionOpened").size());
      assertEquals(3, await(seenAtCompletion, "dial"), "every admission reported before the dial completes");
      assertEquals(List.of("dialAttempt memory", "dialAttempt memory", "dialAttempt memory"), ra.named("dialAttempt"));
      assertEquals(3, ra.named("handshakeCompleted memory").size());
      assertEquals(3, ra.named("connectionOpened OUTBOUND memory").size());
      assertEquals(List.of("peerConnections 1", "peerConnections 2", "peerConnections 3"), ra.named("peerConnections"));
      assertEquals(List.of(), ra.named("dialFailure"));
      assertEquals(List.of(), ra.named("dialRetry"));
      assertEquals(3, rb.named("connectionOpened INBOUND memory").size());
      assertEquals(List.of(), rb.named("dialAttempt"), "the listener dialed nothing");
    }

    @Test
    void closingAPeerReportsEachCloseOnceWithItsKindAndTheCountsDown() {
      var a = nodeA();
      var b = nodeB();
      introduce(a, b);
      await(a.swarm().dialPeer(b.peer()), "dial");
      ra.events.clear();
      await(a.swarm().closePeer(b.peer()), "closePeer");
      assertEquals(3, ra.named("connectionClosed OUTBOUND memory LOCAL").size(), ra.events.toString());
      assertEquals(List.of("peerConnections 2", "peerConnections 1", "peerConnections 0"), ra.named("peerConnections"));
      assertEquals(3, rb.named("connectionClosed INBOUND memory REMOTE").size(), rb.events.toString());
      assertEquals(6, ra.events.size(), "nothing else: " + ra.events);
    }

    @Test
    void aRetriedTryAndAFinalFailureAreReportedByCause() {
      var a = fx.node(TestIdentity.random(), b -> b.metrics(ra).connectionConfig(SwarmFixture.config(1)));
      var b = nodeB();
      introduce(a, b);
      a.transport().faults().refuseNextDials(2);
      CompletableFuture<List<NetConn>> dial = a.swarm().dialPeer(b.peer());
      fx.clock.forward(Duration.ofMillis(100));
      fx.clock.forward(Duration.ofMillis(200));
      assertEquals(1, await(dial, "dial").size(), "the third try connected");
      assertEquals(List.of("dialRetry TRANSPORT", "dialRetry TRANSPORT"), ra.named("dialRetry"));
      assertEquals(3, ra.named("dialAttempt").size());
      assertEquals(List.of(), ra.named("dialFailure"));

      var c = fx.node(TestIdentity.random(), x -> x.metrics(rb).retryConfig(SwarmFixture.noJitter(0))
          .connectionConfig(SwarmFixture.config(2)));
      introduce(c, b);
      c.transport().faults().refuseNextDials(2);
      awaitFailure(c.swarm().dialPeer(b.peer()), "dial without retries");
      assertEquals(List.of("dialFailure TRANSPORT", "dialFailure TRANSPORT"), rb.named("dialFailure"));
      assertEquals(List.of(), rb.named("dialRetry"));
    }
  }

  @Nested
  @DisplayName("limits")
  class Limits {
    @Test
    void anInboundConnectionOverThePerPeerCapIsReportedOnceAsARefusal() {
      var a = nodeA();
      var b = nodeB();
      introduce(a, b);
      await(a.swarm().dialPeer(b.peer()), "dial");
      NetConn extra = await(fx.rawTransport(a.identity(), Duration.ofSeconds(5)).dial(b.address(), b.peer()),
          "a fourth connection");
      assertFalse(extra.isOpen());
      assertEquals(List.of("limitRefused MAX_CONNECTIONS_PER_PEER INBOUND"), rb.named("limitRefused"));
      assertEquals(3, rb.named("connectionOpened").size(), "the refused one was never admitted");
    }

    @Test
    void aDialThatGetsFewerSlotsThanItsTargetReportsMaxConnections() {
      var a = fx.node(TestIdentity.random(),
          x -> x.metrics(ra).connectionConfig(ConnectionConfig.builder().maxConnectionsPerPeer(3).maxConnections(4)
              .connectionTimeout(Duration.ofSeconds(5)).build()));
      var b = nodeB();
      var c = fx.node();
      introduce(a, b);
      introduce(a, c);
      assertEquals(3, await(a.swarm().dialPeer(b.peer()), "dial b").size());
      assertEquals(List.of(), ra.named("limitRefused"));
      assertEquals(1, await(a.swarm().dialPeer(c.peer()), "dial c").size(), "one slot left");
      assertEquals(List.of("limitRefused MAX_CONNECTIONS OUTBOUND"), ra.named("limitRefused"));
    }

    @Test
    void aStreamRefusedByTheTransportsStreamLimitIsReported() {
      var a = nodeA();
      var b = nodeB();
      introduce(a, b);
      await(a.swarm().dialPeer(b.peer()), "dial");
      a.transport().faults().failNextStreamOpens(3,
          () -> new LimitExceededException("maxStreamsPerConnection", 0, "test"));
      assertInstanceOf(io.braid.api.StreamOpenException.class,
          awaitFailure(a.swarm().newStream(b.peer(), ECHO), "newStream"));
      assertEquals(3, ra.named("limitRefused MAX_STREAMS_PER_CONNECTION OUTBOUND").size(), "one per connection tried");
      assertEquals(List.of("streamOpenLatency false"), ra.named("streamOpenLatency"));
    }
  }

  @Nested
  @DisplayName("streams and bytes")
  class StreamsAndBytes {
    @Test
    void aStreamIsReportedOnceOpenOnceClosedOnBothSidesWithTheBalancerChoiceAndItsLatency() {
      var a = nodeA();
      var b = nodeB();
      introduce(a, b);
      await(a.swarm().dialPeer(b.peer()), "dial");
      NetStream s = await(a.swarm().newStream(b.peer(), ECHO), "newStream");
      assertEquals(List.of("streamOpened OUTBOUND 1"), ra.named("streamOpened"));
      assertEquals(List.of("streamOpenLatency true"), ra.named("streamOpenLatency"));
      assertEquals(1, ra.named("balancerChoice round_robin").size(), ra.events.toString());
      assertTrue(ra.named("balancerChoice").get(0).endsWith("/3"), "three candidates");
      assertEquals(List.of("streamOpened INBOUND 1"), rb.named("streamOpened"));

      byte[] sent = "twelve bytes".getBytes(StandardCharsets.UTF_8);
      await(Streams.exchange(s, sent, 100), "echo");
      await(s.closeFuture(), "stream close");
      assertEquals(List.of("streamClosed OUTBOUND 0"), ra.named("streamClosed"));
      assertEquals(List.of("streamClosed INBOUND 0"), rb.named("streamClosed"));
      assertEquals(sent.length, ra.bytesWritten.get(), "the memory transport counts payload bytes");
      assertEquals(sent.length, rb.bytesRead.get());
      assertEquals(sent.length, ra.bytesRead.get(), "the echo");
    }
  }

  @Nested
  @DisplayName("a metrics implementation that throws")
  class Throwing {
    @Test
    void breaksNoDialNoStreamAndNoClose() {
      NetworkMetrics broken = new NetworkMetrics() {
        @Override
        public void connectionOpened(PeerId peer, Direction direction, String transport) {
          throw new IllegalStateException("metrics bug (thrown on purpose by the test)");
        }

        @Override
        public void peerConnections(PeerId peer, int connections) {
          throw new IllegalStateException("metrics bug (thrown on purpose by the test)");
        }

        @Override
        public void dialAttempt(PeerId peer, String transport) {
          throw new IllegalStateException("metrics bug (thrown on purpose by the test)");
        }

        @Override
        public void streamOpened(PeerId peer, Direction direction, int streamsOnConnection) {
          throw new IllegalStateException("metrics bug (thrown on purpose by the test)");
        }

        @Override
        public void bytesWritten(String transport, long bytes) {
          throw new IllegalStateException("metrics bug (thrown on purpose by the test)");
        }

        @Override
        public void connectionClosed(PeerId peer, Direction direction, String transport, Duration lifetime,
            CloseReason.Kind reason) {
          throw new IllegalStateException("metrics bug (thrown on purpose by the test)");
        }
      };
      var a = fx.node(TestIdentity.random(), x -> x.metrics(broken));
      var b = fx.node(TestIdentity.random(), x -> x.metrics(broken));
      introduce(a, b);
      assertEquals(3, await(a.swarm().dialPeer(b.peer()), "dial").size());
      NetStream s = await(a.swarm().newStream(b.peer(), ECHO), "newStream");
      byte[] back = await(Streams.exchange(s, "still works".getBytes(StandardCharsets.UTF_8), 100), "echo");
      assertEquals("still works", new String(back, StandardCharsets.UTF_8));
      await(a.swarm().closePeer(b.peer()), "closePeer");
      assertEquals(0, a.swarm().connectionSlotsInUse());
      assertEquals(List.of(), a.swarm().getConnections(b.peer()));
    }
  }
}
