package io.braid.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ConnectionConfig;
import io.braid.api.LimitExceededException;
import io.braid.api.PeerId;
import io.braid.testkit.FakeClock;
import io.braid.testkit.FakeNetConn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("DialBudget")
class DialBudgetTest {
  private final FakeClock clock = new FakeClock();
  private final PeerId p1 = FakeNetConn.testPeer(1);
  private final PeerId p2 = FakeNetConn.testPeer(2);

  private DialBudget budget(int maxInFlight, double rate, int burst) {
    return new DialBudget(ConnectionConfig.builder().maxDialsInFlight(maxInFlight).peerDialRate(rate)
        .peerDialBurst(burst).build(), clock::nanoTime);
  }

  @Test
  @DisplayName("slots go back to the oldest waiter first, skipping cancelled ones")
  void fifoSkippingCancelled() {
    DialBudget b = budget(1, 10, 10);
    assertTrue(b.acquire(p1).isDone());
    CompletableFuture<Void> w1 = b.acquire(p1);
    CompletableFuture<Void> w2 = b.acquire(p2);
    CompletableFuture<Void> w3 = b.acquire(p2);
    assertEquals(3, b.queued());
    assertEquals(2, b.queued(p2));

    w2.cancel(false);
    assertEquals(2, b.queued());
    b.release();
    assertTrue(w1.isDone() && !w3.isDone(), "the oldest first");
    b.release();
    assertTrue(w3.isDone(), "the cancelled one is skipped");
    b.release();
    assertEquals(0, b.inFlight());
    assertEquals(0, b.queued(p2));
  }

  @Test
  @DisplayName("beyond MAX_QUEUED_DIALS waiters a try is refused, naming maxDialsInFlight")
  void queueIsBounded() throws Exception {
    DialBudget b = budget(1, 10, 10);
    b.acquire(p1);
    List<CompletableFuture<Void>> waiting = new ArrayList<>();
    for (int i = 0; i < ConnectionConfig.MAX_QUEUED_DIALS; i++) {
      waiting.add(b.acquire(p1));
    }
    CompletableFuture<Void> over = b.acquire(p2);
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, over::get);
    LimitExceededException refused = assertInstanceOf(LimitExceededException.class, e.getCause());
    assertEquals("maxDialsInFlight", refused.limit());
    assertEquals(1, refused.value());
    assertFalse(refused.isRetryable());
    waiting.forEach(w -> w.cancel(false));
    assertEquals(0, b.queued());
  }

  @Test
  @DisplayName("closing fails every try still waiting for a slot")
  void failQueuedFailsEveryWaiter() {
    DialBudget b = budget(1, 10, 10);
    b.acquire(p1);
    CompletableFuture<Void> w1 = b.acquire(p1);
    CompletableFuture<Void> w2 = b.acquire(p2);
    b.failQueued(new io.braid.api.NetworkClosedException("closed"));
    assertTrue(w1.isCompletedExceptionally() && w2.isCompletedExceptionally());
    assertEquals(0, b.queued());
    assertEquals(0, b.queued(p2));
    b.release();
    assertEquals(0, b.inFlight());
  }

  @Test
  @DisplayName("a peer's bucket gives its burst at once, then one token per 1/rate, per peer")
  void tokenBucket() {
    DialBudget b = budget(64, 4, 2); // a token every 250 ms
    long max = Duration.ofSeconds(1).toNanos();
    assertEquals(0, b.reserveToken(p1, max));
    assertEquals(0, b.reserveToken(p1, max));
    assertEquals(Duration.ofMillis(250).toNanos(), b.reserveToken(p1, max), "the next token, reserved");
    assertEquals(Duration.ofMillis(500).toNanos(), b.reserveToken(p1, max), "queued behind it");
    assertEquals(-1, b.reserveToken(p1, Duration.ofMillis(600).toNanos()), "too far: nothing reserved");
    assertEquals(0, b.reserveToken(p2, max), "another peer has its own bucket");
    clock.forward(Duration.ofMillis(500));
    assertEquals(Duration.ofMillis(250).toNanos(), b.reserveToken(p1, max), "both reserved tokens were used");
  }
}
