package io.braid.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.CloseReason;
import io.braid.api.DialException;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetworkClosedException;
import io.braid.api.PeerId;
import io.braid.api.TransportException;
import io.braid.testkit.Awaits;
import io.braid.testkit.FakeNetConn;
import io.braid.testkit.RecordingNetworkListener.Kind;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Lifecycle")
class LifecycleTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private final PeerId peer = FakeNetConn.testPeer(4);
  private final PeerId other = FakeNetConn.testPeer(5);

  @Test
  @DisplayName("close fails dials in flight with NetworkClosedException and closes connections as SHUTDOWN")
  void closeFailsDialsAndClosesConnections() {
    Parts parts = Parts.of(2, 0);
    CompletableFuture<List<NetConn>> dial = parts.dial(peer);
    FakeNetConn open = parts.connect(0);

    parts.lifecycle.close();

    assertInstanceOf(NetworkClosedException.class, Awaits.awaitFailure(dial, WAIT, "dial"));
    assertFalse(open.isOpen());
    assertEquals(CloseReason.Kind.SHUTDOWN, parts.recorded.events(Kind.CONNECTION_CLOSED).get(0).reason().kind());
    assertEquals(1, parts.recorded.events(Kind.PEER_DISCONNECTED).size());
    assertTrue(parts.transport.closed);
    Awaits.await(parts.lifecycle.closeFuture(), WAIT, "closeFuture");
    assertEquals(0, parts.slots.inUse());
    assertEquals(0, parts.registry.trackedPeers());
  }

  @Test
  @DisplayName("close is idempotent: a second call reports nothing again")
  void idempotent() {
    Parts parts = Parts.of(1, 0);
    parts.dial(peer);
    parts.connect(0);
    parts.lifecycle.close();
    parts.lifecycle.close();
    assertEquals(1, parts.recorded.events(Kind.CONNECTION_CLOSED).size());
  }

  @Test
  @DisplayName("closeFuture waits for an inbound handshake in flight to give its slots back")
  void waitsForInboundHandshake() {
    Parts parts = Parts.of(1, 0);
    assertTrue(parts.admission.accept(Multiaddr.fromString("/memory/9")));

    parts.lifecycle.close();

    assertFalse(parts.lifecycle.closeFuture().isDone(), "a handshake slot is still out");
    parts.admission.failed(Multiaddr.fromString("/memory/9"), new TransportException("aborted by close"));
    assertTrue(parts.lifecycle.closeFuture().isDone());
  }

  @Test
  @DisplayName("closeFuture callbacks run with no peer lock held, even when a slow transport settles the last attempt")
  void closeFutureCallbacksRunUnlocked() {
    Parts parts = Parts.of(1, 0);
    parts.transport.ignoreCancel = true;
    parts.dial(peer);
    PeerState record = parts.registry.find(peer);
    AtomicReference<Boolean> lockedInCallback = new AtomicReference<>();
    parts.lifecycle.closeFuture().whenComplete((v, e) -> lockedInCallback.set(record.isHeldByCurrentThread()));

    parts.lifecycle.close();
    assertFalse(parts.lifecycle.closeFuture().isDone(), "the attempt still holds its slot");
    parts.transport.dials.get(0).future().completeExceptionally(new TransportException("aborted late"));

    assertTrue(parts.lifecycle.closeFuture().isDone());
    assertSame(Boolean.FALSE, lockedInCallback.get());
  }

  @Test
  @DisplayName("closePeer cancels that peer's dial with the given failure and closes its connections only")
  void closePeer() {
    Parts parts = Parts.of(2, 0);
    parts.book.add(peer, Parts.A1);
    parts.book.add(other, Parts.A2);
    CompletableFuture<List<NetConn>> dial = parts.dials.dial(peer);
    FakeNetConn mine = parts.connect(0);
    parts.dials.dial(other);
    FakeNetConn theirs = parts.connect(1);
    DialException why = new DialException(peer, "cancelled by closePeer", List.of());

    CompletableFuture<Void> done = parts.lifecycle.closePeer(peer, why);

    assertSame(why, Awaits.awaitFailure(dial, WAIT, "dial"));
    assertTrue(done.isDone());
    assertFalse(mine.isOpen());
    assertTrue(theirs.isOpen());
    assertEquals(1, parts.slots.inUse() - parts.transport.pending().size(), "only the other peer's connection");
  }
}
