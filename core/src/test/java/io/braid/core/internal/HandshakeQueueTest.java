package io.braid.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ConnectionConfig;
import io.braid.api.LimitExceededException;
import io.braid.api.PeerId;
import io.braid.api.ResourceLimits;
import io.braid.api.ResourceLimits.Limit;
import io.braid.testkit.FakeNetConn;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("HandshakeQueue (outbound handshake slots; no network)")
class HandshakeQueueTest {
  private final PeerId a = FakeNetConn.testPeer(1);
  private final PeerId b = FakeNetConn.testPeer(2);
  private final SlotPool slots = new SlotPool(ConnectionConfig.builder().maxPendingHandshakes(3).build());
  private final HandshakeQueue queue = new HandshakeQueue(slots, ResourceLimits.builder()
      .set(Limit.PENDING_OUTBOUND_PER_PEER, 2).set(Limit.QUEUED_HANDSHAKES, 2).build());

  @Test
  @DisplayName("beyond a peer's cap a dial waits, and another peer's dial is not held up")
  void perPeerCap() {
    assertTrue(queue.acquire(a).isDone());
    assertTrue(queue.acquire(a).isDone());
    CompletableFuture<Void> third = queue.acquire(a);
    assertFalse(third.isDone());
    assertTrue(queue.acquire(b).isDone(), "peer b is not behind peer a's queue");
    queue.release(a);
    assertTrue(third.isDone(), "granted when a slot of a came back");
    assertEquals(2, queue.inFlight(a));
    assertEquals(3, slots.pendingHandshakes());
  }

  @Test
  @DisplayName("at the node-wide cap dials wait in order; a full queue refuses naming the limit")
  void globalCapAndFullQueue() {
    queue.acquire(a);
    queue.acquire(a);
    queue.acquire(b);
    CompletableFuture<Void> w1 = queue.acquire(b);
    CompletableFuture<Void> w2 = queue.acquire(b);
    CompletableFuture<Void> refused = queue.acquire(b);
    LimitExceededException e = assertInstanceOf(LimitExceededException.class,
        assertThrowsCompletion(refused));
    assertEquals("queuedHandshakes", e.limit());
    assertTrue(e.getMessage().contains("maxPendingHandshakes"), e.getMessage());
    queue.release(a);
    assertTrue(w1.isDone());
    assertFalse(w2.isDone(), "b is at its cap of 2 now");
    queue.release(b);
    assertTrue(w2.isDone());
  }

  @Test
  @DisplayName("a cancelled waiter leaves the queue and is never granted; an inbound slot coming back pumps it")
  void cancelAndPump() {
    assertTrue(slots.acceptInbound());
    assertTrue(slots.acceptInbound());
    assertTrue(slots.acceptInbound());
    CompletableFuture<Void> gone = queue.acquire(a);
    CompletableFuture<Void> waiting = queue.acquire(b);
    gone.cancel(false);
    assertEquals(1, queue.queued());
    slots.releaseHandshake();
    queue.pump();
    assertTrue(waiting.isDone());
    assertEquals(0, queue.inFlight(a));
    assertEquals(3, slots.pendingHandshakes());
  }

  private static Throwable assertThrowsCompletion(CompletableFuture<?> f) {
    assertTrue(f.isCompletedExceptionally());
    try {
      f.join();
      throw new AssertionError("not failed");
    } catch (CompletionException e) {
      return e.getCause();
    }
  }
}
