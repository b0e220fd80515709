package io.braid.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ConnectionConfig;
import io.braid.api.Multiaddr;
import io.braid.api.NetworkClosedException;
import io.braid.api.Transport;
import io.braid.api.TransportContext;
import io.braid.testkit.Awaits;
import io.braid.testkit.FakeClock;
import io.braid.testkit.FakeNetConn;
import io.braid.testkit.MemoryNetwork;
import io.braid.testkit.MemoryTransport;
import io.braid.testkit.TestIdentity;
import io.braid.testkit.TestStreamRouter;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("TransportSet")
class TransportSetTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private final TransportContext context =
      new TransportContext(TestIdentity.random(), new TestStreamRouter(), Duration.ofSeconds(5));

  @Test
  @DisplayName("a factory that throws closes the transports made before it")
  void failedFactoryClosesTheOthers() {
    ScriptedTransport first = new ScriptedTransport();
    List<Function<TransportContext, Transport>> factories = List.of(ctx -> first, ctx -> {
      throw new IllegalStateException("cannot make it");
    });
    assertThrows(IllegalStateException.class, () -> TransportSet.create(factories, context));
    assertTrue(first.closed);
  }

  @Test
  @DisplayName("the first transport supporting an address is chosen; none supporting it gives null")
  void forAddress() {
    ScriptedTransport a = new ScriptedTransport();
    ScriptedTransport b = new ScriptedTransport();
    TransportSet set = new TransportSet(List.of(a, b));
    assertSame(a, set.forAddress(Multiaddr.fromString("/memory/1")));
    assertNull(set.forAddress(Multiaddr.fromString("/ip4/127.0.0.1/tcp/1")));
  }

  @Test
  @DisplayName("listens through the matching transport; a listener that comes up after close is closed and fails")
  void listenAndCloseRace() {
    FakeClock clock = new FakeClock();
    MemoryTransport memory = MemoryTransport.builder(new MemoryNetwork()).context(context).executor(Runnable::run)
        .scheduler(clock.scheduler()).build();
    TransportSet set = new TransportSet(List.of(memory));
    SlotPool slots = new SlotPool(ConnectionConfig.defaults());
    Parts parts = Parts.of(1, 0);

    List<Multiaddr> bound = Awaits.await(set.listen(new Multiaddr[] {Multiaddr.fromString("/memory/0")},
        parts.admission, slots, FakeNetConn.testPeer(0)), WAIT, "listen");
    assertEquals(bound, set.listenAddresses());
    assertInstanceOf(IllegalArgumentException.class, Awaits.awaitFailure(set.listen(
        new Multiaddr[] {Multiaddr.fromString("/ip4/127.0.0.1/tcp/1")}, parts.admission, slots,
        FakeNetConn.testPeer(0)), WAIT, "unsupported"));

    slots.markClosed();
    assertInstanceOf(NetworkClosedException.class, Awaits.awaitFailure(set.listen(
        new Multiaddr[] {Multiaddr.fromString("/memory/0")}, parts.admission, slots, FakeNetConn.testPeer(0)),
        WAIT, "listen after close"));
    assertEquals(1, memory.activeListenerCount(), "the late listener was closed");
    set.closeListeners();
    set.closeTransports();
    assertEquals(0, memory.activeListenerCount());
    assertTrue(memory.isClosed());
  }
}
