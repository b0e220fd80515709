package io.braid.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.CloseReason;
import io.braid.api.ConnectionClosedException;
import io.braid.api.ConnectionTimeoutException;
import io.braid.api.LimitExceededException;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.NetworkClosedException;
import io.braid.api.PeerIdMismatchException;
import io.braid.api.TransportException;
import io.braid.api.TransportListener;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every fault knob of {@link MemoryTransport}, on fully deterministic time. */
class MemoryTransportFaultInjectionTest {
  private static final Duration TIMEOUT = FakeClockNodes.HANDSHAKE_TIMEOUT;

  private final FakeClockNodes nodes = new FakeClockNodes();
  private final MemoryTransport server = nodes.server;
  private final MemoryTransport client = nodes.client;
  private final FakeClock clock = nodes.clock;

  @AfterEach
  void closeAndCheckNothingLeaked() {
    nodes.close();
    for (MemoryTransport t : new MemoryTransport[] {client, server}) {
      assertEquals(0, t.openConnectionCount(), "connections of " + t);
      assertEquals(0, t.pendingHandshakeCount(), "handshakes of " + t);
      assertEquals(0, t.activeListenerCount(), "listeners of " + t);
    }
    assertEquals(0, clock.pendingTaskCount(), "timers left: " + clock.pendingTasks());
    assertEquals(0, nodes.network.listenerCount());
  }

  /** The value of {@code f}; fails instead of blocking if it is not complete. */
  private static <T> T done(CompletableFuture<T> f) {
    assertTrue(f.isDone(), "not complete: " + f);
    return f.join();
  }

  private static Throwable failure(CompletableFuture<?> f) {
    assertTrue(f.isCompletedExceptionally(), "expected a failure, got " + f);
    CompletionException e = assertThrows(CompletionException.class, f::join);
    return e.getCause();
  }

  private void assertNoHandshakes() {
    assertEquals(0, client.pendingHandshakeCount());
    assertEquals(0, server.pendingHandshakeCount());
    assertEquals(0, client.openConnectionCount());
    assertEquals(0, server.openConnectionCount());
  }

  @Nested
  class RefusedDials {
    @Test
    void refusedDialsCountDownExactlyAndNeverReachTheListener() {
      RecordingInboundHandler handler = new RecordingInboundHandler();
      TransportListener l = nodes.listen(handler);
      client.faults().refuseNextDials(2);
      assertEquals(2, client.faults().pendingDialRefusals());

      CompletableFuture<NetConn> d1 = nodes.dial(l);
      assertEquals(1, client.faults().pendingDialRefusals());
      CompletableFuture<NetConn> d2 = nodes.dial(l);
      assertEquals(0, client.faults().pendingDialRefusals());
      CompletableFuture<NetConn> d3 = nodes.dial(l);
      nodes.run();

      for (CompletableFuture<NetConn> d : java.util.List.of(d1, d2)) {
        TransportException e = assertInstanceOf(TransportException.class, failure(d));
        assertTrue(e.isRetryable());
      }
      assertTrue(done(d3).isOpen(), "the third dial is not refused");
      assertEquals(1, handler.acceptCalls(), "refused dials never reach the listener");
      assertEquals(1, client.openConnectionCount());
    }

    @Test
    void aRefusalCanUseTheChosenException() {
      TransportListener l = nodes.listen(new RecordingInboundHandler());
      ConnectionTimeoutException chosen = new ConnectionTimeoutException("dial", Duration.ofSeconds(3));
      client.faults().refuseNextDials(1, () -> chosen);
      CompletableFuture<NetConn> d = nodes.dial(l);
      nodes.run();
      assertSame(chosen, failure(d));
    }

    @Test
    void aFailureSupplierThatReturnsNullFailsTheDialWithIllegalStateException() {
      TransportListener l = nodes.listen(new RecordingInboundHandler());
      client.faults().refuseNextDials(1, () -> null);
      CompletableFuture<NetConn> d = nodes.dial(l);
      nodes.run();
      assertInstanceOf(IllegalStateException.class, failure(d));
    }

    @Test
    void faultsApplyOnlyToTheTransportTheyWereSetOn() {
      TransportListener l = nodes.listen(new RecordingInboundHandler());
      server.faults().refuseNextDials(1);
      CompletableFuture<NetConn> d = nodes.dial(l);
      nodes.run();
      assertTrue(done(d).isOpen());
      assertEquals(1, server.faults().pendingDialRefusals());
      server.faults().clear();
      assertEquals(0, server.faults().pendingDialRefusals());
    }

    @Test
    void negativeCountsAreRejected() {
      assertThrows(IllegalArgumentException.class, () -> client.faults().refuseNextDials(-1));
      assertThrows(IllegalArgumentException.class, () -> client.faults().hangNextHandshakes(-1));
      assertThrows(IllegalArgumentException.class, () -> client.faults().failNextStreamOpens(-1));
      assertThrows(IllegalArgumentException.class,
          () -> client.faults().delayNextHandshakes(1, Duration.ofSeconds(-1)));
      assertThrows(IllegalArgumentException.class, () -> client.faults().maxStreamsPerConnection(-1));
    }
  }

  @Nested
  class Handshakes {
    @Test
    void aDelayedHandshakeCompletesOnlyOnceTheClockPassesTheDelay() {
      RecordingInboundHandler handler = new RecordingInboundHandler();
      TransportListener l = nodes.listen(handler);
      client.faults().delayNextHandshakes(1, Duration.ofSeconds(5));
      CompletableFuture<NetConn> d = nodes.dial(l);
      nodes.run();

      assertEquals(1, handler.acceptCalls(), "admission happens before the handshake");
      assertFalse(d.isDone());
      assertEquals(1, client.pendingHandshakeCount());
      assertEquals(1, server.pendingHandshakeCount());
      clock.forward(Duration.ofSeconds(5).minusNanos(1));
      assertFalse(d.isDone());
      assertTrue(handler.connections().isEmpty());

      clock.forward(Duration.ofNanos(1));
      assertTrue(done(d).isOpen());
      assertEquals(1, handler.connections().size());
      assertEquals(0, client.pendingHandshakeCount());
      assertEquals(0, server.pendingHandshakeCount());
      assertEquals(0, clock.pendingTaskCount(), "the handshake timeout was cancelled");

      CompletableFuture<NetConn> undelayed = nodes.dial(l);
      nodes.run();
      assertTrue(undelayed.isDone(), "only the next dial was delayed");
    }

    @Test
    void aDelayedHandshakeStillChecksThePeerId() {
      RecordingInboundHandler handler = new RecordingInboundHandler();
      TransportListener l = nodes.listen(handler);
      client.faults().delayNextHandshakes(1, Duration.ofSeconds(1));
      CompletableFuture<NetConn> d = client.dial(nodes.address(l), TestIdentity.fromSeed(99).peerId());
      nodes.run();
      assertFalse(d.isDone());
      clock.forward(Duration.ofSeconds(1));
      assertInstanceOf(PeerIdMismatchException.class, failure(d));
      assertEquals(1, handler.failures().size());
      assertNoHandshakes();
    }

    @Test
    void aHungHandshakeThatIsCancelledLeaksNothing() {
      RecordingInboundHandler handler = new RecordingInboundHandler();
      TransportListener l = nodes.listen(handler);
      client.faults().hangNextHandshakes(1);
      CompletableFuture<NetConn> d = nodes.dial(l);
      nodes.run();
      clock.forward(TIMEOUT.minusNanos(1));
      assertFalse(d.isDone(), "a hung handshake does not finish by itself");
      assertEquals(1, client.pendingHandshakeCount());
      assertEquals(1, server.pendingHandshakeCount());
      assertEquals(1, clock.pendingTaskCount(), "only the responder's timeout is armed");

      assertTrue(d.cancel(true));
      nodes.run();

      assertNoHandshakes();
      assertEquals(0, clock.pendingTaskCount(), "the timeout timer was cancelled");
      assertEquals(1, handler.failures().size(), "the admitted attempt is reported failed");
      assertTrue(handler.connections().isEmpty());
      assertInstanceOf(TransportException.class, handler.failures().get(0).cause());
      handler.awaitSettled(Duration.ZERO);
    }

    @Test
    void cancellingDuringAdmissionStillOwesTheListenerItsFailedCall() {
      CompletableFuture<?>[] dial = new CompletableFuture<?>[1];
      RecordingInboundHandler handler = new RecordingInboundHandler(a -> {
        dial[0].cancel(true); // the dialer gives up while accept() runs
        return true;
      });
      TransportListener l = nodes.listen(handler);
      dial[0] = nodes.dial(l);
      nodes.run();
      assertTrue(dial[0].isCancelled());
      assertEquals(1, handler.failures().size());
      assertTrue(handler.connections().isEmpty());
      assertNoHandshakes();
    }

    @Test
    void theInboundHandshakeTimesOutAtTheHandshakeTimeoutOnTheClock() {
      RecordingInboundHandler handler = new RecordingInboundHandler();
      TransportListener l = nodes.listen(handler);
      client.faults().hangNextHandshakes(1);
      CompletableFuture<NetConn> d = nodes.dial(l);
      nodes.run();

      clock.forward(TIMEOUT.minusNanos(1));
      assertTrue(handler.failures().isEmpty());
      assertFalse(d.isDone());
      clock.forward(Duration.ofNanos(1));

      RecordingInboundHandler.Failure f = handler.failures().get(0);
      ConnectionTimeoutException timeout = assertInstanceOf(ConnectionTimeoutException.class, f.cause());
      assertEquals(TIMEOUT, timeout.timeout());
      TransportException dialFailure = assertInstanceOf(TransportException.class, failure(d));
      assertTrue(dialFailure.isRetryable());
      assertSame(timeout, dialFailure.getCause());
      assertNoHandshakes();
    }

    @Test
    void aDelayLongerThanTheHandshakeTimeoutLosesToTheTimeout() {
      RecordingInboundHandler handler = new RecordingInboundHandler();
      TransportListener l = nodes.listen(handler);
      client.faults().delayNextHandshakes(1, TIMEOUT.plusSeconds(1));
      CompletableFuture<NetConn> d = nodes.dial(l);
      nodes.run();
      clock.forward(TIMEOUT);
      assertInstanceOf(TransportException.class, failure(d));
      assertInstanceOf(ConnectionTimeoutException.class, handler.failures().get(0).cause());
      assertEquals(0, clock.pendingTaskCount(), "the delay timer was cancelled");
      clock.forward(Duration.ofSeconds(5));
      assertTrue(handler.connections().isEmpty());
      assertNoHandshakes();
    }

    @Test
    void closingTheDialingTransportAbortsItsHungHandshake() {
      RecordingInboundHandler handler = new RecordingInboundHandler();
      TransportListener l = nodes.listen(handler);
      client.faults().hangNextHandshakes(1);
      CompletableFuture<NetConn> d = nodes.dial(l);
      nodes.run();
      client.close();
      nodes.run();
      assertInstanceOf(NetworkClosedException.class, failure(d));
      assertInstanceOf(TransportException.class, handler.failures().get(0).cause());
      assertNoHandshakes();
      assertEquals(0, clock.pendingTaskCount());
    }

    @Test
    void closingTheListeningTransportAbortsAHungInboundHandshake() {
      RecordingInboundHandler handler = new RecordingInboundHandler();
      TransportListener l = nodes.listen(handler);
      client.faults().hangNextHandshakes(1);
      CompletableFuture<NetConn> d = nodes.dial(l);
      nodes.run();
      server.close();
      nodes.run();
      TransportException e = assertInstanceOf(TransportException.class, failure(d));
      assertTrue(e.isRetryable());
      assertInstanceOf(NetworkClosedException.class, handler.failures().get(0).cause());
      assertNoHandshakes();
      assertTrue(l.closeFuture().isDone());
    }

    @Test
    void closingOnlyTheListenerLetsAnAcceptedHandshakeFinish() {
      RecordingInboundHandler handler = new RecordingInboundHandler();
      TransportListener l = nodes.listen(handler);
      client.faults().delayNextHandshakes(1, Duration.ofSeconds(1));
      CompletableFuture<NetConn> d = nodes.dial(l);
      nodes.run();
      l.close();
      clock.forward(Duration.ofSeconds(1));
      assertTrue(done(d).isOpen(), "connections already accepted go on");
      assertEquals(1, handler.connections().size());
    }
  }

  @Nested
  class Connections {
    @Test
    void aKilledConnectionClosesBothSidesWithAnErrorAndFailsItsStreams() {
      BlockingHold hold = new BlockingHold();
      nodes.serverRouter.register("/hold", hold);
      NetConn[] c = nodes.connect(new RecordingInboundHandler());
      CompletableFuture<NetStream> opened = c[0].newStream("/hold");
      nodes.run();
      NetStream s = done(opened);
      CompletableFuture<ByteBuffer> localRead = s.read();
      CompletableFuture<ByteBuffer> remoteRead = hold.last.read();
      nodes.run();

      client.faults().kill(c[0]);
      assertFalse(c[0].isOpen());
      assertFalse(c[1].isOpen());
      assertEquals(0, client.openConnectionCount());
      assertEquals(0, server.openConnectionCount());
      nodes.run();

      CloseReason here = done(c[0].closeFuture());
      CloseReason there = done(c[1].closeFuture());
      assertEquals(CloseReason.Kind.ERROR, here.kind());
      assertEquals(CloseReason.Kind.ERROR, there.kind());
      assertInstanceOf(TransportException.class, here.cause());
      ConnectionClosedException local = assertInstanceOf(ConnectionClosedException.class, failure(localRead));
      assertSame(here.cause(), local.getCause());
      assertInstanceOf(ConnectionClosedException.class, failure(remoteRead));
      assertEquals(0, c[0].streamCount());
      assertEquals(0, c[1].streamCount());

      client.faults().kill(c[0]); // already closed: nothing happens
      nodes.run();
      assertEquals(CloseReason.Kind.ERROR, done(c[0].closeFuture()).kind());
    }

    @Test
    void eitherTransportMayKillItsEndAndForeignConnectionsAreRejected() {
      NetConn[] c = nodes.connect(new RecordingInboundHandler());
      FakeClockNodes other = new FakeClockNodes();
      try {
        NetConn[] foreign = other.connect(new RecordingInboundHandler());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> client.faults().kill(foreign[0]));
        assertTrue(e.getMessage().contains("is not a connection of"), e.getMessage());
      } finally {
        other.close();
      }
      server.faults().kill(c[1]);
      nodes.run();
      assertEquals(CloseReason.Kind.ERROR, done(c[0].closeFuture()).kind());
    }

    @Test
    void killAllKillsEveryConnectionOfTheTransport() {
      RecordingInboundHandler handler = new RecordingInboundHandler();
      nodes.connect(handler);
      nodes.connect(handler);
      assertEquals(2, client.openConnectionCount());
      assertEquals(2, client.faults().killAll());
      assertEquals(0, client.openConnectionCount());
      assertEquals(0, server.openConnectionCount());
    }
  }

  @Nested
  class StreamFaults {
    @Test
    void failedStreamOpensCountDownExactlyAndLeaveTheConnectionUsable() {
      nodes.serverRouter.register("/echo", Streams.echo());
      NetConn[] c = nodes.connect(new RecordingInboundHandler());
      client.faults().failNextStreamOpens(2);
      assertEquals(2, client.faults().pendingStreamOpenFailures());

      CompletableFuture<NetStream> s1 = c[0].newStream("/echo");
      CompletableFuture<NetStream> s2 = c[0].newStream("/echo");
      assertEquals(0, c[0].streamCount(), "a failed open never counts");
      CompletableFuture<NetStream> s3 = c[0].newStream("/echo");
      assertEquals(1, c[0].streamCount());
      nodes.run();

      assertInstanceOf(ConnectionClosedException.class, failure(s1));
      assertInstanceOf(ConnectionClosedException.class, failure(s2));
      assertEquals("/echo", done(s3).protocol());
      assertTrue(c[0].isOpen());
    }

    @Test
    void failedStreamOpensCanUseTheChosenException() {
      NetConn[] c = nodes.connect(new RecordingInboundHandler());
      client.faults().failNextStreamOpens(1, () -> new LimitExceededException("streams", 0, "injected"));
      CompletableFuture<NetStream> s = c[0].newStream("/x");
      nodes.run();
      LimitExceededException e = assertInstanceOf(LimitExceededException.class, failure(s));
      assertEquals("streams", e.limit());
    }

    @Test
    void theStreamLimitRefusesOneStreamTooManyAndFreesTheSlotWhenAStreamEnds() {
      nodes.serverRouter.register("/hold", new BlockingHold());
      NetConn[] c = nodes.connect(new RecordingInboundHandler());
      client.faults().maxStreamsPerConnection(2);
      CompletableFuture<NetStream> a = c[0].newStream("/hold");
      CompletableFuture<NetStream> b = c[0].newStream("/hold");
      CompletableFuture<NetStream> third = c[0].newStream("/hold");
      nodes.run();

      LimitExceededException e = assertInstanceOf(LimitExceededException.class, failure(third));
      assertEquals("maxStreamsPerConnection", e.limit());
      assertEquals(2, e.value());
      assertFalse(e.isRetryable());
      assertEquals(2, c[0].streamCount());

      done(a).reset();
      CompletableFuture<NetStream> again = c[0].newStream("/hold");
      nodes.run();
      assertEquals("/hold", done(again).protocol());
      done(b).reset();
    }

    @Test
    void theRemoteSidesLimitAppliesToStreamsOpenedTowardsIt() {
      nodes.serverRouter.register("/hold", new BlockingHold());
      NetConn[] c = nodes.connect(new RecordingInboundHandler());
      server.faults().maxStreamsPerConnection(0);
      CompletableFuture<NetStream> s = c[0].newStream("/hold");
      nodes.run();
      assertEquals(0, assertInstanceOf(LimitExceededException.class, failure(s)).value());
    }
  }

  /** Keeps inbound streams without reading; remembers the last one. */
  static final class BlockingHold implements io.braid.api.StreamHandler {
    volatile NetStream last;

    @Override
    public void handle(NetStream stream) {
      last = stream;
    }
  }
}
