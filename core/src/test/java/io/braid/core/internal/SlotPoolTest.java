package io.braid.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ConnectionConfig;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SlotPool")
class SlotPoolTest {
  private final SlotPool pool = new SlotPool(ConnectionConfig.builder().maxConnections(3).maxPendingHandshakes(2).build());

  @Test
  @DisplayName("grants connection slots up to maxConnections and takes them back")
  void reserveUpToTheCap() {
    assertEquals(2, pool.reserve(2));
    assertEquals(1, pool.reserve(5), "only one left");
    assertEquals(0, pool.reserve(1));
    pool.release(2);
    assertEquals(1, pool.inUse());
    assertEquals(2, pool.reserve(2));
  }

  @Test
  @DisplayName("an inbound connection takes a connection slot and a handshake slot, or neither")
  void inboundTakesBothOrNeither() {
    assertTrue(pool.acceptInbound());
    assertTrue(pool.acceptInbound());
    assertFalse(pool.acceptInbound(), "handshake cap");
    assertEquals(2, pool.inUse(), "the refused one took no connection slot");
    pool.releaseHandshake();
    assertTrue(pool.acceptInbound());
    assertFalse(pool.acceptInbound(), "connection cap (3)");
    assertEquals(3, pool.inUse());
  }

  @Test
  @DisplayName("outbound handshakes share the handshake cap")
  void outboundHandshakes() {
    assertTrue(pool.acquireHandshake());
    assertTrue(pool.acceptInbound());
    assertFalse(pool.acquireHandshake());
    pool.releaseHandshake();
    assertTrue(pool.acquireHandshake());
  }

  @Test
  @DisplayName("once closed hands out nothing, and drains only when every slot is back")
  void closeAndDrain() {
    pool.reserve(1);
    pool.acceptInbound();
    pool.markClosed();
    assertTrue(pool.isClosed());
    assertEquals(0, pool.reserve(1));
    assertFalse(pool.acceptInbound());
    CompletableFuture<Void> drained = pool.drained();
    pool.release(1);
    pool.releaseHandshake();
    assertFalse(drained.isDone(), "the inbound connection slot is still out");
    pool.release(1);
    assertTrue(drained.isDone());
  }

  @Test
  @DisplayName("does not drain while open, even with nothing held")
  void noDrainWhileOpen() {
    pool.reserve(1);
    pool.release(1);
    assertFalse(pool.drained().isDone());
    pool.markClosed();
    assertTrue(pool.drained().isDone(), "closed with nothing held: drained at once");
  }
}
