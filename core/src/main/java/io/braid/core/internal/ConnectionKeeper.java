package io.braid.core.internal;

import io.braid.api.CloseReason;
import io.braid.api.DialException;
import io.braid.api.KeepConnected;
import io.braid.api.NetConn;
import io.braid.api.NetworkListener;
import io.braid.api.PeerExplanation.Keep;
import io.braid.api.PeerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keep-N (issue 14, item 1): keeps each kept peer at its target number of usable connections.
 *
 * <p>Design: the keeper listens to the swarm's own connection events (it is registered with the
 * {@link EventDispatcher} like any listener, so it runs after the registry changed, with no lock held).
 * Whenever a kept peer has fewer usable connections than its target it starts a <em>round</em>: one dial
 * up to the target through the {@link DialCoordinator} (so it joins an application dial in flight, uses
 * every address, retries on the {@code RetryConfig} schedule and stays within the dial budget). A round
 * that ends below target waits {@code delayBeforeRetry(failedRounds - 1)} (jitter included) before the
 * next; a round that added no connection counts as failed, and after {@code 1 + maxRetries} failed rounds
 * in a row the keeper gives up on the peer until {@code keepConnected} is called again. Usable connections
 * are counted in both directions, so an inbound connection is never fought; {@code usable} is
 * {@link NetConn#isOpen} unless the swarm wires in a stricter predicate (open, not draining, healthy).
 *
 * <p>Threads: any thread. Each kept peer's record is guarded by its own monitor, held only to update its
 * fields; dials, timers and events are started after it is released.
 */
public final class ConnectionKeeper implements NetworkListener {
  private static final Logger log = LoggerFactory.getLogger(ConnectionKeeper.class);

  private final Function<PeerId, List<NetConn>> connections;
  private final Predicate<NetConn> usable;
  private final BiFunction<PeerId, Integer, CompletableFuture<List<NetConn>>> dialer;
  private final BackoffPolicy backoff;
  private final ScheduledExecutorService scheduler;
  private final LongSupplier ticker;
  private final EventDispatcher events;
  private final ConcurrentHashMap<PeerId, Kept> kept = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @param connections a peer's open connections (the registry's view)
   * @param usable which of them count toward the target
   * @param dialer dials a peer up to a number of connections ({@link DialCoordinator#dial(PeerId, int)})
   */
  public ConnectionKeeper(Function<PeerId, List<NetConn>> connections, Predicate<NetConn> usable,
      BiFunction<PeerId, Integer, CompletableFuture<List<NetConn>>> dialer, BackoffPolicy backoff,
      ScheduledExecutorService scheduler, LongSupplier ticker, EventDispatcher events) {
    this.connections = Objects.requireNonNull(connections, "connections");
    this.usable = Objects.requireNonNull(usable, "usable");
    this.dialer = Objects.requireNonNull(dialer, "dialer");
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.events = Objects.requireNonNull(events, "events");
  }

  /** Keeps {@code peer} at {@code target}, replacing an earlier request for it (arguments checked by the caller). */
  public KeepConnected keep(PeerId peer, int target) {
    Kept k = new Kept(peer, target);
    Kept old = kept.put(peer, k);
    if (old != null) {
      old.stop();
    }
    if (closed) { // close() ran meanwhile and may have missed k
      k.stop();
    }
    check(k);
    return k;
  }

  /** Keeps {@code peer} at {@code target} unless a request for it is active already (the configured target). */
  public void keepByDefault(PeerId peer, int target) {
    Kept k = kept.compute(peer, (id, old) -> old != null && old.isActive() ? old : new Kept(peer, target));
    check(k);
  }

  /**
   * The drainer's hook (replacement first): a connection of {@code peer} has just left placement to be
   * drained. If the peer is kept, the round that replaces it starts now, while the draining connection
   * still holds its per-peer slot (so a replacement opens first only when the target is below
   * {@code maxConnectionsPerPeer}); the future completes when that round ends, however it ends, and at
   * once if the peer is not kept or waits for a backoff. Never completes exceptionally.
   */
  public CompletableFuture<Void> replaceFirst(PeerId peer) {
    Kept k = kept.get(peer);
    if (k == null || !k.isActive()) {
      return CompletableFuture.completedFuture(null);
    }
    check(k);
    CompletableFuture<List<NetConn>> r;
    synchronized (k) {
      r = k.roundRunning ? k.round : null;
    }
    return r == null ? CompletableFuture.completedFuture(null) : r.handle((v, e) -> null);
  }

  /** Stops keeping {@code peer} (closePeer); its record goes. */
  public void stop(PeerId peer) {
    Kept k = kept.remove(peer);
    if (k != null) {
      k.stop();
    }
  }

  /** Stops everything (the swarm closes): no round or timer is left behind. */
  public void close() {
    closed = true;
    for (PeerId peer : List.copyOf(kept.keySet())) {
      stop(peer);
    }
  }

  /** A kept peer's state and target (0 with {@link Keep#NONE}). */
  record State(Keep keep, int target) {}

  /** The keep state of {@code peer}, for {@code explain}. */
  State state(PeerId peer) {
    Kept k = kept.get(peer);
    if (k == null) {
      return new State(Keep.NONE, 0);
    }
    synchronized (k) {
      Keep s = k.gaveUp ? Keep.GAVE_UP : !k.active ? Keep.NONE : k.below ? Keep.BELOW_TARGET : Keep.AT_TARGET;
      return new State(s, s == Keep.NONE ? 0 : k.target);
    }
  }

  // ---- the swarm's connection events

  @Override
  public void connectionClosed(NetConn connection, CloseReason reason) {
    Kept k = kept.get(connection.remotePeer());
    if (k != null) {
      check(k);
    }
  }

  @Override
  public void connectionOpened(NetConn connection) {
    Kept k = kept.get(connection.remotePeer());
    if (k != null) {
      check(k);
    }
  }

  // ---- rounds

  private int usableCount(PeerId peer) {
    return usableCount(connections.apply(peer));
  }

  private int usableCount(List<NetConn> open) {
    int n = 0;
    for (NetConn c : open) {
      if (usable.test(c)) {
        n++;
      }
    }
    return n;
  }

  /** Compares the peer's usable connections with the target: restored, or below and a round to start. */
  private void check(Kept k) {
    List<NetConn> open = connections.apply(k.peer);
    int current = usableCount(open);
    // Open but unusable connections (draining, unhealthy) still hold per-peer slots: dial past them, so a
    // replacement opens before they go (the coordinator caps the target at maxConnectionsPerPeer).
    int dialTarget = k.target + open.size() - current;
    boolean startRound = false;
    synchronized (k) {
      if (!k.active) {
        return;
      }
      if (current >= k.target) {
        restoredIfBelow(k, current);
      } else {
        if (!k.below) {
          k.below = true;
          k.belowSince = ticker.getAsLong();
          events.queueBelowTarget(k.peer, current, k.target);
        }
        if (!k.roundRunning && k.timer == null) {
          k.roundRunning = true;
          k.roundStartCount = current;
          startRound = true;
        }
      }
    }
    events.flush();
    if (startRound) {
      CompletableFuture<List<NetConn>> round = dialer.apply(k.peer, dialTarget);
      synchronized (k) {
        k.round = round;
      }
      if (!k.isActive()) {
        round.cancel(false);
      }
      round.whenComplete((v, e) -> roundEnded(k, e));
    }
  }

  /** Caller holds k's monitor. */
  private void restoredIfBelow(Kept k, int current) {
    if (k.below) {
      k.below = false;
      k.failedRounds = 0;
      k.causes.clear();
      events.queueTargetRestored(k.peer, current, Duration.ofNanos(Math.max(0, ticker.getAsLong() - k.belowSince)));
    }
    if (k.timer != null) {
      k.timer.cancel(false);
      k.timer = null;
    }
  }

  private void roundEnded(Kept k, Throwable failure) {
    int current = usableCount(k.peer);
    synchronized (k) {
      k.roundRunning = false;
      k.round = null;
      if (!k.active) {
        return;
      }
      if (current >= k.target) {
        restoredIfBelow(k, current);
      } else {
        boolean progress = current > k.roundStartCount;
        if (progress) {
          k.failedRounds = 0;
          k.causes.clear();
        } else {
          k.failedRounds++;
          k.causes.add(failure != null ? Failures.unwrap(failure) : new DialException(k.peer,
              "round ended with " + current + " of " + k.target + " connections", List.of()));
        }
        if (k.failedRounds > backoff.maxRetries()) {
          k.active = false;
          k.gaveUp = true;
          events.queueGaveUp(k.peer, k.target, List.copyOf(k.causes));
          log.debug("keepConnected gave up on {} after {} failed rounds", k.peer, k.failedRounds);
        } else {
          Duration delay = backoff.delayBeforeRetry(Math.max(0, k.failedRounds - 1));
          try {
            k.timer = scheduler.schedule(() -> nextRound(k), delay.toNanos(), TimeUnit.NANOSECONDS);
          } catch (RuntimeException e) { // the swarm's scheduler shut down: it is closing
            k.active = false;
          }
        }
      }
    }
    events.flush();
  }

  private void nextRound(Kept k) {
    synchronized (k) {
      k.timer = null;
    }
    check(k);
  }

  /** One kept peer: its handle and its state. Fields are guarded by its monitor. */
  private final class Kept implements KeepConnected {
    final PeerId peer;
    final int target;
    boolean active = true;
    boolean gaveUp;
    boolean below;
    long belowSince;
    boolean roundRunning;
    int roundStartCount;
    CompletableFuture<List<NetConn>> round;
    ScheduledFuture<?> timer;
    int failedRounds;
    final List<Throwable> causes = new ArrayList<>();

    Kept(PeerId peer, int target) {
      this.peer = peer;
      this.target = target;
    }

    @Override
    public PeerId peer() {
      return peer;
    }

    @Override
    public int target() {
      return target;
    }

    @Override
    public synchronized boolean isActive() {
      return active;
    }

    @Override
    public void close() {
      kept.remove(peer, this);
      stop();
    }

    /** Stops rounds and timers; the connections stay. */
    void stop() {
      CompletableFuture<List<NetConn>> r;
      ScheduledFuture<?> t;
      synchronized (this) {
        active = false;
        r = round;
        t = timer;
        round = null;
        timer = null;
      }
      if (t != null) {
        t.cancel(false);
      }
      if (r != null) {
        r.cancel(false); // withdraws the keeper from the dial; the attempts stop if no one else waits
      }
    }

    @Override
    public String toString() {
      return "KeepConnected[" + peer + ", target=" + target + (isActive() ? "]" : ", stopped]");
    }
  }
}
