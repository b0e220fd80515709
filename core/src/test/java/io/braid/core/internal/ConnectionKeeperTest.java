package io.braid.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.CloseReason;
import io.braid.api.DialException;
import io.braid.api.KeepConnected;
import io.braid.api.NetConn;
import io.braid.api.NetworkListener;
import io.braid.api.PeerExplanation.Keep;
import io.braid.api.PeerId;
import io.braid.api.RetryConfig;
import io.braid.testkit.FakeClock;
import io.braid.testkit.FakeNetConn;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The keeper on its own, against a scripted dialer and fake connections: which rounds it starts, with
 * which target, when, and when it gives up.
 */
@DisplayName("ConnectionKeeper")
class ConnectionKeeperTest {
  private final FakeClock clock = new FakeClock();
  private final PeerId peer = FakeNetConn.testPeer(7);
  private final List<NetConn> open = new CopyOnWriteArrayList<>();
  private final Set<NetConn> unusable = ConcurrentHashMap.newKeySet();
  /** Each round: the target it asked for, and the future the test completes. */
  private final List<Integer> targets = new CopyOnWriteArrayList<>();
  private final List<CompletableFuture<List<NetConn>>> rounds = new CopyOnWriteArrayList<>();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final EventDispatcher dispatcher = new EventDispatcher(Runnable::run);
  private final ConnectionKeeper keeper = new ConnectionKeeper(p -> List.copyOf(open),
      c -> c.isOpen() && !unusable.contains(c), (p, target) -> {
        targets.add(target);
        CompletableFuture<List<NetConn>> f = new CompletableFuture<>();
        rounds.add(f);
        return f;
      },
      new BackoffPolicy(RetryConfig.builder().maxRetries(2).initialDelay(Duration.ofMillis(100))
          .maxDelay(Duration.ofSeconds(1)).jitterFactor(0).build(), new SplittableRandom(1)),
      clock.scheduler(), clock::nanoTime, dispatcher);

  ConnectionKeeperTest() {
    dispatcher.addListener(new NetworkListener() {
      @Override
      public void belowTarget(PeerId p, int current, int target) {
        events.add("below " + current + "/" + target);
      }

      @Override
      public void targetRestored(PeerId p, int connections, Duration took) {
        events.add("restored " + connections + " in " + took.toMillis() + " ms");
      }

      @Override
      public void keepConnectedGaveUp(PeerId p, int target, List<Throwable> causes) {
        events.add("gave up after " + causes.size());
      }
    });
  }

  private NetConn conn() {
    FakeNetConn c = FakeNetConn.builder().remotePeer(peer).build();
    open.add(c);
    return c;
  }

  private void close(NetConn c) {
    open.remove(c);
    c.close();
    keeper.connectionClosed(c, CloseReason.LOCAL);
  }

  @Test
  @DisplayName("dials past open but unusable connections, so a replacement opens before they go")
  void unusableConnectionsAreDialedPast() {
    conn();
    NetConn draining = conn();
    unusable.add(draining);

    keeper.keep(peer, 2);

    assertEquals(List.of(3), targets, "2 usable wanted + 1 unusable still holding a slot");
    assertEquals(List.of("below 1/2"), events);
    conn();
    rounds.get(0).complete(List.copyOf(open));
    assertEquals(List.of("below 1/2", "restored 2 in 0 ms"), events);
  }

  @Test
  @DisplayName("one round at a time; a failed round waits delayBeforeRetry(n - 1), a round with progress resets the count")
  void roundsAndTheirBackoff() {
    keeper.keep(peer, 2);
    keeper.connectionOpened(conn()); // an inbound connection arrives while the round runs: no second round
    assertEquals(1, rounds.size());

    rounds.get(0).complete(List.copyOf(open)); // 1 of 2: progress, not a failure
    assertEquals(1, clock.pendingTaskCount());
    clock.forward(Duration.ofMillis(100));
    assertEquals(2, rounds.size(), "after delayBeforeRetry(0)");
    rounds.get(1).completeExceptionally(new DialException(peer, "refused", List.of()));
    clock.forward(Duration.ofMillis(99));
    assertEquals(2, rounds.size());
    clock.forward(Duration.ofMillis(1));
    assertEquals(3, rounds.size(), "first failed round: delayBeforeRetry(0) = 100 ms");
    rounds.get(2).completeExceptionally(new DialException(peer, "refused", List.of()));
    clock.forward(Duration.ofMillis(199));
    assertEquals(3, rounds.size());
    clock.forward(Duration.ofMillis(1));
    assertEquals(4, rounds.size(), "second failed round: delayBeforeRetry(1) = 200 ms");
    rounds.get(3).completeExceptionally(new DialException(peer, "refused", List.of()));

    assertEquals(List.of("below 0/2", "gave up after 3"), events, "1 + maxRetries(2) failed rounds");
    assertEquals(0, clock.pendingTaskCount());
    assertEquals(Keep.GAVE_UP, keeper.state(peer).keep());
  }

  @Test
  @DisplayName("a later keep replaces the earlier one; stop and close cancel the round and the timer")
  void replaceStopAndClose() {
    KeepConnected first = keeper.keep(peer, 1);
    KeepConnected second = keeper.keep(peer, 2);
    assertFalse(first.isActive());
    assertTrue(rounds.get(0).isCancelled(), "the first keep's round withdrawn");
    assertTrue(second.isActive());
    assertEquals(new ConnectionKeeper.State(Keep.BELOW_TARGET, 2), keeper.state(peer));

    rounds.get(1).completeExceptionally(new DialException(peer, "refused", List.of()));
    assertEquals(1, clock.pendingTaskCount(), "the next round's timer");
    keeper.close();
    assertFalse(second.isActive());
    assertEquals(0, clock.pendingTaskCount());
    assertEquals(new ConnectionKeeper.State(Keep.NONE, 0), keeper.state(peer));
    int before = rounds.size();
    NetConn c = conn();
    close(c);
    assertEquals(before, rounds.size(), "nothing dialed after close");
    assertEquals(List.of("below 0/1", "below 0/2"), events, "no event after close");
  }
}
