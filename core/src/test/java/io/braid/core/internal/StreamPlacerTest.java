package io.braid.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.braid.api.ConnectionClosedException;
import io.braid.api.LoadBalancer;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.PeerId;
import io.braid.api.ProtocolNegotiationException;
import io.braid.api.StreamOpenException;
import io.braid.testkit.Awaits;
import io.braid.testkit.FakeNetConn;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("StreamPlacer")
class StreamPlacerTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String[] ECHO = {"/echo/1.0.0"};
  private final PeerId peer = FakeNetConn.testPeer(2);
  private final FakeNetConn c0 = FakeNetConn.builder().id("c0").build();
  private final FakeNetConn c1 = FakeNetConn.builder().id("c1").build();
  private final FakeNetConn c2 = FakeNetConn.builder().id("c2").build();
  private final List<NetConn> three = List.of(c0, c1, c2);

  private StreamPlacer placer(LoadBalancer balancer, List<NetConn> open) {
    return new StreamPlacer(balancer, p -> open, p -> CompletableFuture.failedFuture(new AssertionError("no dial")));
  }

  @Test
  @DisplayName("the balancer's pick carries the stream")
  void balancerPick() {
    NetStream s = Awaits.await(placer((p, c) -> c.get(1), three).open(peer, ECHO), WAIT, "open");
    assertSame(c1, s.connection());
  }

  @Test
  @DisplayName("on failure it fails over to the others, oldest first, each once, and reports every try")
  void boundedFailover() {
    ConnectionClosedException gone = new ConnectionClosedException("gone");
    three.forEach(c -> ((FakeNetConn) c).failNewStreamsWith(gone));
    StreamOpenException e = assertInstanceOf(StreamOpenException.class,
        Awaits.awaitFailure(placer((p, c) -> c.get(2), three).open(peer, ECHO), WAIT, "open"));
    assertEquals(List.of("c2", "c0", "c1"), e.attempts().stream().map(StreamOpenException.Attempt::connectionId).toList());
  }

  @Test
  @DisplayName("the first connection that works ends the failover")
  void failoverStopsAtSuccess() {
    c1.failNewStreamsWith(new ConnectionClosedException("gone"));
    NetStream s = Awaits.await(placer((p, c) -> c.get(1), three).open(peer, ECHO), WAIT, "open");
    assertSame(c0, s.connection());
    assertEquals(0, c2.streamCount(), "c2 never tried");
  }

  @Test
  @DisplayName("a protocol the peer refuses ends the search at once")
  void negotiationFailureStops() {
    ProtocolNegotiationException no = new ProtocolNegotiationException("refused", List.of(ECHO));
    c0.failNewStreamsWith(no);
    Throwable t = Awaits.awaitFailure(placer((p, c) -> c.get(0), three).open(peer, ECHO), WAIT, "open");
    assertSame(no, t);
    assertEquals(0, c1.streamCount() + c2.streamCount());
  }

  @Test
  @DisplayName("a balancer that throws, or picks a connection that is no candidate, gets the oldest")
  void misbehavingBalancer() {
    NetStream s = Awaits.await(placer((p, c) -> {
      throw new IllegalStateException("balancer bug");
    }, three).open(peer, ECHO), WAIT, "open");
    assertSame(c0, s.connection());
    NetStream t = Awaits.await(placer((p, c) -> FakeNetConn.create(), three).open(peer, ECHO), WAIT, "open");
    assertSame(c0, t.connection());
  }

  @Test
  @DisplayName("a peer without connections is dialed first, and the balancer sees only open candidates")
  void dialsFirst() {
    AtomicInteger dials = new AtomicInteger();
    FakeNetConn closed = FakeNetConn.create();
    closed.close();
    StreamPlacer placer = new StreamPlacer((p, c) -> {
      assertEquals(List.of(c1), c);
      return c.get(0);
    }, p -> List.of(), p -> {
      dials.incrementAndGet();
      return CompletableFuture.completedFuture(List.of(closed, c1));
    });
    assertSame(c1, Awaits.await(placer.open(peer, ECHO), WAIT, "open").connection());
    assertEquals(1, dials.get());
  }

  @Test
  @DisplayName("no open connection after the dial fails with an empty report")
  void noCandidates() {
    FakeNetConn closed = FakeNetConn.create();
    closed.close();
    StreamPlacer placer = new StreamPlacer((p, c) -> c.get(0), p -> List.of(),
        p -> CompletableFuture.completedFuture(List.of(closed)));
    StreamOpenException e = assertInstanceOf(StreamOpenException.class,
        Awaits.awaitFailure(placer.open(peer, ECHO), WAIT, "open"));
    assertEquals(List.of(), e.attempts());
  }

  @Test
  @DisplayName("protocols are checked and copied: none, a null one or an empty one is refused")
  void checkProtocols() {
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, StreamPlacer::checkProtocols);
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> StreamPlacer.checkProtocols("/a", null));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> StreamPlacer.checkProtocols("/a", ""));
    String[] given = {"/a", "/b"};
    String[] checked = StreamPlacer.checkProtocols(given);
    given[0] = "/changed";
    assertEquals(List.of("/a", "/b"), List.of(checked));
  }
}
