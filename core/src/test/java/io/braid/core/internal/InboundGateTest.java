package io.braid.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.LimitExceededException;
import io.braid.api.Multiaddr;
import io.braid.api.ResourceLimits;
import io.braid.api.ResourceLimits.Limit;
import io.braid.api.ResourceScope;
import io.braid.core.internal.ScopeCounts.RemoteKey;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("InboundGate (per-IP and per-subnet limits, the eviction rule; no network)")
class InboundGateTest {
  private final ScopeCounts.Refusals refusals = new ScopeCounts.Refusals();
  private int port = 40000;

  private InboundGate gate(ResourceLimits.Builder limits) {
    return new InboundGate(limits.build(), refusals);
  }

  /** A gate on the clock {@code now} that bans an address after {@code max} failed handshakes. */
  private InboundGate failing(long max, AtomicLong now) {
    return new InboundGate(ResourceLimits.builder().set(Limit.FAILED_HANDSHAKES_PER_IP, max).build(), refusals,
        now::get);
  }

  private Multiaddr from(String ip) {
    return Multiaddr.fromString((ip.contains(":") ? "/ip6/" : "/ip4/") + ip + "/tcp/" + port++);
  }

  @Test
  @DisplayName("an address's and a subnet's keys: the IP, and its /24 (IPv4) or /56 (IPv6)")
  void keys() {
    assertEquals(new RemoteKey("10.1.2.3", "10.1.2.0/24"), RemoteKey.of(Multiaddr.fromString("/ip4/10.1.2.3/tcp/1")));
    RemoteKey v6 = RemoteKey.of(Multiaddr.fromString("/ip6/2001:db8:1:2ff:1::1/tcp/1"));
    assertEquals("2001:db8:1:200:0:0:0:0/56", v6.subnet());
    assertNull(RemoteKey.of(Multiaddr.fromString("/memory/3")).ip());
  }

  @Test
  @DisplayName("an address over its pending cap is refused, naming scope, limit and current use; another address is not")
  void perIpPendingCap() {
    InboundGate g = gate(ResourceLimits.builder().set(Limit.PENDING_PER_IP, 2));
    g.admit(from("127.0.0.2"), () -> {});
    InboundGate.Pending second = g.admit(from("127.0.0.2"), () -> {});
    LimitExceededException e = assertThrows(LimitExceededException.class, () -> g.admit(from("127.0.0.2"), null));
    assertEquals(ResourceScope.IP, e.scope());
    assertEquals("127.0.0.2", e.scopeName());
    assertEquals("pendingPerIp", e.limit());
    assertEquals(2, e.current());
    g.admit(from("127.0.0.1"), null);

    assertTrue(g.established(second));
    assertEquals(1, g.pending("127.0.0.2"), "an established connection no longer pends");
    g.admit(from("127.0.0.2"), null);
    assertEquals(1, refusals.snapshot().get("pendingPerIp"));
  }

  @Test
  @DisplayName("a subnet over its pending cap is refused even from a fresh address in it")
  void perSubnetPendingCap() {
    InboundGate g = gate(ResourceLimits.builder().set(Limit.PENDING_PER_IP, 2).set(Limit.PENDING_PER_SUBNET, 3));
    g.admit(from("10.0.0.1"), null);
    g.admit(from("10.0.0.1"), null);
    g.admit(from("10.0.0.2"), null);
    LimitExceededException e = assertThrows(LimitExceededException.class, () -> g.admit(from("10.0.0.3"), null));
    assertEquals(ResourceScope.SUBNET, e.scope());
    assertEquals("10.0.0.0/24", e.scopeName());
    g.admit(from("10.0.1.1"), null); // another /24
  }

  @Test
  @DisplayName("inbound connections per address count established ones until they close")
  void perIpConnectionCap() {
    InboundGate g = gate(ResourceLimits.builder().set(Limit.PENDING_PER_IP, 1)
        .set(Limit.CONNECTIONS_INBOUND_PER_IP, 2));
    InboundGate.Pending p1 = g.admit(from("10.0.0.1"), null);
    g.established(p1);
    InboundGate.Pending p2 = g.admit(from("10.0.0.1"), null);
    g.established(p2);
    LimitExceededException e = assertThrows(LimitExceededException.class, () -> g.admit(from("10.0.0.1"), null));
    assertEquals("connectionsInboundPerIp", e.limit());
    g.closed(p1);
    g.admit(from("10.0.0.1"), null);
    assertTrue(g.snapshot()[0].containsKey("10.0.0.1"));
  }

  @Test
  @DisplayName("an address whose handshakes keep failing is refused before any crypto work until its 10-second window ends; others are not")
  void failedHandshakesPerIp() {
    AtomicLong now = new AtomicLong(1_000);
    InboundGate g = failing(3, now);
    for (int i = 0; i < 3; i++) {
      InboundGate.Pending p = g.admit(from("10.0.0.5"), null);
      g.failed(p);
      g.strike(p);
    }
    assertEquals(3, g.strikes("10.0.0.5"));
    LimitExceededException e = assertThrows(LimitExceededException.class, () -> g.admit(from("10.0.0.5"), null));
    assertEquals(ResourceScope.IP, e.scope());
    assertEquals("failedHandshakesPerIp", e.limit());
    assertEquals(3, e.current());
    assertEquals(0, g.pending("10.0.0.5"), "the refused connection is charged nowhere");
    g.admit(from("10.0.0.6"), null); // the same subnet, another address: served

    now.addAndGet(InboundGate.STRIKE_WINDOW_NANOS - 1);
    assertThrows(LimitExceededException.class, () -> g.admit(from("10.0.0.5"), null), "still in the window");
    now.addAndGet(1);
    assertEquals(0, g.strikes("10.0.0.5"));
    g.admit(from("10.0.0.5"), null);
    assertEquals(2, refusals.snapshot().get("failedHandshakesPerIp"));
  }

  /** Fails {@code n} handshakes from {@code ip} at the gate's current time. */
  private static void fail(InboundGate g, Multiaddr from, int n) {
    for (int i = 0; i < n; i++) {
      InboundGate.Pending p = g.admit(from, null);
      g.failed(p);
      g.strike(p);
    }
  }

  @Test
  @DisplayName("an address that keeps offending is banned twice as long each time (10, 20, 40 s ... up to 320 s)")
  void bansDoubleWithEachConsecutiveOffence() {
    AtomicLong now = new AtomicLong(5);
    InboundGate g = failing(2, now);
    long w = InboundGate.STRIKE_WINDOW_NANOS;
    long[] expectedBans = {w, 2 * w, 4 * w, 8 * w, 16 * w, 32 * w, 32 * w};
    for (long ban : expectedBans) {
      fail(g, from("10.0.0.9"), 2);
      assertEquals(ban, g.banRemainingNanos("10.0.0.9"));
      now.addAndGet(ban - 1);
      LimitExceededException e = assertThrows(LimitExceededException.class, () -> g.admit(from("10.0.0.9"), null),
          "banned to the last nanosecond");
      assertEquals("failedHandshakesPerIp", e.limit());
      assertEquals(2, e.current());
      g.admit(from("10.0.0.10"), null); // a neighbour is never affected
      now.addAndGet(1);
      assertEquals(0, g.banRemainingNanos("10.0.0.9"));
    }
    assertEquals(InboundGate.MAX_BAN_NANOS, 32 * w);
  }

  @Test
  @DisplayName("a window that ends below the limit, or a quiet spell as long as the longest ban, forgives past offences")
  void offencesAreForgiven() {
    AtomicLong now = new AtomicLong(0);
    InboundGate g = failing(2, now);
    long w = InboundGate.STRIKE_WINDOW_NANOS;
    fail(g, from("10.0.0.9"), 2); // offence 1: 10 s
    now.addAndGet(w);
    fail(g, from("10.0.0.9"), 2); // offence 2: 20 s
    assertEquals(2 * w, g.banRemainingNanos("10.0.0.9"));
    now.addAndGet(2 * w);
    fail(g, from("10.0.0.9"), 1); // one failure, then a window below the limit
    now.addAndGet(w);
    fail(g, from("10.0.0.9"), 2);
    assertEquals(w, g.banRemainingNanos("10.0.0.9"), "forgiven by the clean window: back to 10 s");

    now.addAndGet(w);
    fail(g, from("10.0.0.9"), 2); // offence 2 again: 20 s
    assertEquals(2 * w, g.banRemainingNanos("10.0.0.9"));
    now.addAndGet(2 * w + InboundGate.MAX_BAN_NANOS);
    fail(g, from("10.0.0.9"), 2);
    assertEquals(w, g.banRemainingNanos("10.0.0.9"), "forgiven by the quiet spell: back to 10 s");
  }

  @Test
  @DisplayName("a connection closed as a stream flood is a whole offence at once: its address is banned, escalating like failed handshakes")
  void aFloodIsAWholeOffence() {
    AtomicLong now = new AtomicLong(0);
    InboundGate g = failing(4, now);
    long w = InboundGate.STRIKE_WINDOW_NANOS;
    InboundGate.Pending flooder = g.admit(from("10.0.0.7"), null);
    InboundGate.Pending other = g.admit(from("10.0.0.7"), null);
    assertTrue(g.established(flooder));
    assertTrue(g.established(other));
    g.offence(flooder);
    g.closed(flooder);
    assertEquals(w, g.banRemainingNanos("10.0.0.7"));
    LimitExceededException e = assertThrows(LimitExceededException.class, () -> g.admit(from("10.0.0.7"), null));
    assertEquals("failedHandshakesPerIp", e.limit());
    assertEquals(1, g.snapshot()[0].get("10.0.0.7").connectionsInbound(),
        "the address's other established connection is left alone");
    g.offence(other); // already banned: the ban stays as it is
    assertEquals(w, g.banRemainingNanos("10.0.0.7"));
    g.admit(from("10.0.0.8"), null); // a neighbour is never affected

    now.addAndGet(w);
    InboundGate.Pending again = g.admit(from("10.0.0.7"), null);
    g.established(again);
    g.offence(again);
    assertEquals(2 * w, g.banRemainingNanos("10.0.0.7"), "a second offence in a row doubles the ban");
  }

  @Test
  @DisplayName("handshakes already under way when the ban starts still strike, without extending the ban")
  void strikesDuringABanDoNotExtendIt() {
    AtomicLong now = new AtomicLong(0);
    InboundGate g = failing(2, now);
    InboundGate.Pending late = g.admit(from("10.0.0.9"), null);
    fail(g, from("10.0.0.9"), 2);
    long ban = g.banRemainingNanos("10.0.0.9");
    now.addAndGet(InboundGate.STRIKE_WINDOW_NANOS / 2);
    g.failed(late);
    g.strike(late);
    assertEquals(3, g.strikes("10.0.0.9"));
    assertEquals(ban - InboundGate.STRIKE_WINDOW_NANOS / 2, g.banRemainingNanos("10.0.0.9"));
  }

  @Test
  @DisplayName("failed-handshake windows are remembered for a bounded number of addresses, the oldest forgotten first")
  void strikesAreBounded() {
    AtomicLong now = new AtomicLong();
    InboundGate g = failing(1, now);
    InboundGate.Pending first = g.admit(from("10.1.0.1"), null);
    g.failed(first);
    g.strike(first);
    for (int i = 0; i < InboundGate.MAX_STRIKE_ADDRESSES; i++) {
      InboundGate.Pending p = g.admit(from("10.2." + (i / 250) + "." + (i % 250 + 1)), null);
      g.failed(p);
      g.strike(p);
    }
    assertEquals(0, g.strikes("10.1.0.1"), "forgotten: the oldest window went first");
    assertEquals(1, g.strikes("10.2.0.1"));
  }

  @Test
  @DisplayName("connectionsInbound bounds inbound connections node-wide, from any address, until they close")
  void nodeWideInboundCap() {
    InboundGate g = gate(ResourceLimits.builder().set(Limit.CONNECTIONS_INBOUND, 2));
    InboundGate.Pending a = g.admit(from("10.0.0.1"), null);
    InboundGate.Pending b = g.admit(from("10.9.0.1"), null);
    LimitExceededException e = assertThrows(LimitExceededException.class, () -> g.admit(from("10.7.0.1"), null));
    assertEquals(ResourceScope.SYSTEM, e.scope());
    assertEquals("connectionsInbound", e.limit());
    assertEquals(2, e.current());
    assertEquals(0, g.pending("10.7.0.1"), "nothing charged to the refused address");

    assertTrue(g.established(a));
    g.failed(b);
    assertEquals(1, g.inbound(), "a failed handshake gives its place back, an established connection keeps it");
    InboundGate.Pending c = g.admit(from("10.7.0.1"), null);
    assertThrows(LimitExceededException.class, () -> g.admit(from("10.8.0.1"), null));
    g.closed(a);
    g.admit(from("10.8.0.1"), null);
    assertEquals(2, g.inbound());
    assertEquals(2, refusals.snapshot().get("connectionsInbound"));
    assertTrue(g.established(c));
  }

  @Test
  @DisplayName("eviction: the address holding the most pending handshakes loses its oldest, if it holds two more than the newcomer's")
  void evictionRule() {
    InboundGate g = gate(ResourceLimits.builder());
    AtomicInteger aborted = new AtomicInteger();
    InboundGate.Pending oldest = g.admit(from("10.0.0.9"), aborted::incrementAndGet);
    g.admit(from("10.0.0.9"), aborted::incrementAndGet);
    g.admit(from("10.0.0.9"), aborted::incrementAndGet);
    g.admit(from("10.0.1.5"), () -> {});
    g.admit(from("10.0.1.5"), () -> {});

    InboundGate.Pending newcomer = g.admit(from("192.168.7.7"), () -> {});
    InboundGate.Pending victim = g.evictFor(newcomer);
    assertSame(oldest, victim, "the oldest handshake of the address holding the most (3)");
    assertTrue(g.wasEvicted(victim));
    assertEquals(2, g.pending("10.0.0.9"));
    assertEquals(0, aborted.get(), "the caller runs abort, after unlocking");
    assertFalse(g.established(victim), "an evicted handshake cannot be established");
    assertEquals(1, refusals.snapshot().get("evictedPending"));

    // Now 10.0.0.9 and 10.0.1.5 hold 2 each; a newcomer from 10.0.1.5 (which would then hold 3) evicts nobody.
    InboundGate.Pending fromSecond = g.admit(from("10.0.1.5"), () -> {});
    assertNull(g.evictFor(fromSecond));
    g.failed(fromSecond);
    // A third newcomer from a fresh address, holding 0: 2 >= 0 + 2, so one of them loses its oldest.
    assertTrue(g.evictFor(g.admit(from("172.16.0.1"), () -> {})) != null);
  }

  @Test
  @DisplayName("handshakes a transport cannot abort, or from addresses with no IP, are never evicted")
  void unabortableNeverEvicted() {
    InboundGate g = gate(ResourceLimits.builder());
    g.admit(from("10.0.0.9"), null);
    g.admit(from("10.0.0.9"), null);
    g.admit(from("10.0.0.9"), null);
    assertNull(g.evictFor(g.admit(from("10.9.9.9"), () -> {})));
    assertNull(g.evictFor(g.admit(Multiaddr.fromString("/memory/5"), () -> {})));
  }

  @Test
  @DisplayName("take finds a handshake by its remote address; failing it uncharges the address")
  void takeAndFail() {
    InboundGate g = gate(ResourceLimits.builder());
    Multiaddr remote = from("10.0.0.1");
    InboundGate.Pending p = g.admit(remote, () -> {});
    assertSame(p, g.take(remote));
    assertNull(g.take(remote));
    g.failed(p);
    assertEquals(0, g.pending("10.0.0.1"));
    assertTrue(g.snapshot()[0].isEmpty(), "an address holding nothing leaves the snapshot");
  }
}
