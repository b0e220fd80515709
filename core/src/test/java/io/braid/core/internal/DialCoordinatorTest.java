package io.braid.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.BraidException;
import io.braid.api.ConnectionGater;
import io.braid.api.ConnectionTimeoutException;
import io.braid.api.DialException;
import io.braid.api.Direction;
import io.braid.api.LimitExceededException;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import io.braid.api.TransportException;
import io.braid.testkit.Awaits;
import io.braid.testkit.FakeNetConn;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("DialCoordinator")
class DialCoordinatorTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private final PeerId peer = FakeNetConn.testPeer(7);

  private static void assertNothingHeld(Parts parts) {
    assertEquals(parts.registry.connections().size(), parts.slots.inUse(), "slots vs open connections");
    assertEquals(0, parts.slots.pendingHandshakes(), "handshake slots");
  }

  @Nested
  @DisplayName("sharing")
  class Sharing {
    @Test
    @DisplayName("concurrent callers join one dial: one attempt per slot, one result for all")
    void concurrentCallersShareOneDial() {
      Parts parts = Parts.of(2, 0);
      CompletableFuture<List<NetConn>> first = parts.dial(peer);
      CompletableFuture<List<NetConn>> second = parts.dials.dial(peer);
      CompletableFuture<List<NetConn>> third = parts.dials.dial(peer);

      assertEquals(2, parts.transport.dials.size(), "two attempts for two slots, not six");
      assertFalse(first.isDone() || second.isDone() || third.isDone());
      parts.connect(0);
      assertFalse(first.isDone(), "the target is two connections");
      parts.connect(0);

      List<NetConn> got = Awaits.await(first, WAIT, "first");
      assertEquals(2, got.size());
      assertEquals(got, Awaits.await(second, WAIT, "second"));
      assertEquals(got, Awaits.await(third, WAIT, "third"));
      assertNothingHeld(parts);
    }

    @Test
    @DisplayName("a dial once the target is met completes at once; after a close it adds one attempt for the free slot")
    void topsUpAfterAClose() {
      Parts parts = Parts.of(2, 0);
      parts.dial(peer);
      FakeNetConn c0 = parts.connect(0);
      parts.connect(0);
      assertTrue(parts.dials.dial(peer).isDone(), "target met");
      assertEquals(2, parts.transport.dials.size());

      c0.close();
      CompletableFuture<List<NetConn>> again = parts.dials.dial(peer);

      assertEquals(3, parts.transport.dials.size(), "one attempt for the one free slot");
      parts.connect(0);
      assertEquals(2, Awaits.await(again, WAIT, "top-up").size());
      assertNothingHeld(parts);
    }

    @Test
    @DisplayName("one caller cancelling leaves the dial to the others; the last one cancelling stops the attempts")
    void cancellationWithdrawsInterest() {
      Parts parts = Parts.of(1, 0);
      CompletableFuture<List<NetConn>> first = parts.dial(peer);
      CompletableFuture<List<NetConn>> second = parts.dials.dial(peer);

      first.cancel(true);
      assertFalse(parts.transport.dials.get(0).future().isDone(), "the other caller still waits");
      second.cancel(true);

      assertTrue(parts.transport.dials.get(0).future().isCancelled(), "the attempt in flight was cancelled");
      assertEquals(0, parts.registry.trackedPeers());
      assertNothingHeld(parts);
      assertEquals(0, parts.slots.inUse());
    }
  }

  @Nested
  @DisplayName("retries")
  class Retries {
    @Test
    @DisplayName("follow the backoff schedule on the injected clock, then fail with every attempt reported")
    void scheduleOnTheFakeClock() {
      Parts parts = Parts.of(1, 2);
      CompletableFuture<List<NetConn>> dial = parts.dial(peer);
      parts.transport.dials.get(0).future().completeExceptionally(new TransportException("refused"));

      parts.clock.forward(Duration.ofMillis(99));
      assertEquals(1, parts.transport.dials.size(), "no retry before 100 ms");
      parts.clock.forward(Duration.ofMillis(1));
      assertEquals(2, parts.transport.dials.size(), "first retry at 100 ms");
      parts.transport.dials.get(1).future().completeExceptionally(new TransportException("refused"));
      parts.clock.forward(Duration.ofMillis(199));
      assertEquals(2, parts.transport.dials.size(), "no second retry before another 200 ms");
      parts.clock.forward(Duration.ofMillis(1));
      parts.transport.dials.get(2).future().completeExceptionally(new TransportException("refused"));

      DialException e = assertInstanceOf(DialException.class, Awaits.awaitFailure(dial, WAIT, "dial"));
      assertEquals(3, e.attempts().size());
      assertEquals(3, parts.transport.dials.size(), "maxRetries 2: three tries in all");
      assertEquals(0, parts.clock.pendingTaskCount(), parts.clock.pendingTasks().toString());
      assertNothingHeld(parts);
    }

    @Test
    @DisplayName("a permanent failure is not retried")
    void permanentFailure() {
      Parts parts = Parts.of(1, 3);
      CompletableFuture<List<NetConn>> dial = parts.dial(peer);
      parts.transport.dials.get(0).future().completeExceptionally(new BraidException("mismatch", false));

      DialException e = assertInstanceOf(DialException.class, Awaits.awaitFailure(dial, WAIT, "dial"));
      assertEquals(1, e.attempts().size());
      assertEquals(0, parts.clock.pendingTaskCount());
    }

    @Test
    @DisplayName("each try is bounded by the connection timeout, reported as ConnectionTimeoutException")
    void connectionTimeout() {
      Parts parts = Parts.of(1, 0);
      CompletableFuture<List<NetConn>> dial = parts.dial(peer);
      assertEquals(1, parts.slots.pendingHandshakes());

      parts.clock.forward(Duration.ofSeconds(5));

      assertTrue(parts.transport.dials.get(0).future().isCancelled());
      DialException e = assertInstanceOf(DialException.class, Awaits.awaitFailure(dial, WAIT, "dial"));
      assertInstanceOf(ConnectionTimeoutException.class, e.attempts().get(0).cause());
      assertNothingHeld(parts);
    }

    @Test
    @DisplayName("a retry moves on to the peer's next address")
    void nextAddress() {
      Parts parts = Parts.of(1, 1);
      parts.dial(peer, Parts.A1, Parts.A2);
      parts.transport.dials.get(0).future().completeExceptionally(new TransportException("refused"));
      parts.clock.forward(Duration.ofMillis(100));
      assertEquals(List.of(Parts.A1, Parts.A2),
          parts.transport.dials.stream().map(ScriptedTransport.Dial::address).toList());
    }
  }

  @Nested
  @DisplayName("slots")
  class Slots {
    @Test
    @DisplayName("every way an attempt ends without a connection gives its slot back")
    void everyFailurePathReleases() {
      Parts parts = Parts.withGater(4, new ConnectionGater() {
            @Override
            public boolean allowSecured(PeerId p, Multiaddr address, Direction direction) {
              return !address.equals(Parts.A2);
            }
          });
      CompletableFuture<List<NetConn>> dial = parts.dial(peer);
      assertEquals(4, parts.slots.inUse(), "four slots reserved before any handshake");
      List<ScriptedTransport.Dial> d = parts.transport.pending();
      d.get(0).future().completeExceptionally(new TransportException("refused"));
      FakeNetConn closedEarly = parts.outbound(peer);
      closedEarly.close();
      d.get(1).future().complete(closedEarly);
      d.get(2).future().complete(FakeNetConn.builder().remotePeer(peer).remoteAddress(Parts.A2).build());
      assertEquals(1, parts.slots.inUse(), "refused, closed during handshake, denied: three slots back");
      parts.clock.forward(Duration.ofSeconds(5));

      DialException e = assertInstanceOf(DialException.class, Awaits.awaitFailure(dial, WAIT, "dial"));
      assertEquals(4, e.attempts().size(), e.toString());
      assertEquals(0, parts.slots.inUse());
      assertEquals(0, parts.slots.pendingHandshakes());
      assertEquals(0, parts.registry.trackedPeers());
    }

    @Test
    @DisplayName("the global cap fails a dial with LimitExceededException before any attempt")
    void globalCap() {
      Parts parts = Parts.withCap(2, 2);
      PeerId other = FakeNetConn.testPeer(8);
      parts.book.add(peer, Parts.A1);
      parts.book.add(other, Parts.A2);
      parts.dials.dial(peer);

      LimitExceededException e = assertInstanceOf(LimitExceededException.class,
          Awaits.awaitFailure(parts.dials.dial(other), WAIT, "dial other"));
      assertEquals("maxConnections", e.limit());
      assertEquals(2, parts.transport.dials.size(), "only the first peer's two attempts");
    }

    @Test
    @DisplayName("the local peer, a denied peer and a peer without addresses fail at once and leave no record")
    void immediateFailures() {
      Parts parts = Parts.withGater(1, new ConnectionGater() {
            @Override
            public boolean allowDialPeer(PeerId p) {
              return !p.equals(FakeNetConn.testPeer(9));
            }
          });
      assertInstanceOf(DialException.class, Awaits.awaitFailure(parts.dials.dial(parts.local), WAIT, "self"));
      assertInstanceOf(DialException.class,
          Awaits.awaitFailure(parts.dials.dial(FakeNetConn.testPeer(9)), WAIT, "denied"));
      assertInstanceOf(DialException.class, Awaits.awaitFailure(parts.dials.dial(peer), WAIT, "no addresses"));
      assertEquals(0, parts.registry.trackedPeers());
      assertEquals(0, parts.transport.dials.size());
    }

    @Test
    @DisplayName("a connection admitted is the one the dial completes with")
    void admittedConnection() {
      Parts parts = Parts.of(1, 0);
      CompletableFuture<List<NetConn>> dial = parts.dial(peer);
      FakeNetConn c = parts.connect(0);
      assertSame(c, Awaits.await(dial, WAIT, "dial").get(0));
      assertEquals(1, parts.slots.inUse());
    }
  }
}
