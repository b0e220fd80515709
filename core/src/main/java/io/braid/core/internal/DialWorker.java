package io.braid.core.internal;

import io.braid.api.ConnectionConfig;
import io.braid.api.ConnectionTimeoutException;
import io.braid.api.DialException;
import io.braid.api.Direction;
import io.braid.api.LimitExceededException;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetworkClosedException;
import io.braid.api.NetworkMetrics;
import io.braid.api.NetworkMetrics.DialFailure;
import io.braid.api.NetworkMetrics.LimitScope;
import io.braid.api.PeerId;
import io.braid.api.ResourceScope;
import io.braid.api.Transport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the attempts of a {@link DialJob} (go-libp2p's {@code dial_worker.go}): picks the address and
 * transport of each try ({@link AddressPicker}), takes a token and a dial slot from the {@link DialBudget}
 * and a handshake slot from the {@link HandshakeQueue} (a wait that outlasts the timeout fails with
 * {@link LimitExceededException}, not retried), bounds the try by {@link ConnectionConfig#connectionTimeout()},
 * retries on the {@link BackoffPolicy}'s schedule, and ends each attempt exactly once, either by handing its
 * connection to {@link Admission} or by giving its slot back.
 *
 * <p>Threads: tries start on the caller of {@code dialPeer} or on the scheduler (retries), and their
 * outcomes run on transport threads or the scheduler (timeouts). The peer lock is held only to read and
 * update the attempt and job state; transports, timers, the gater and future completions are called
 * after it is released, and so are {@link SlotPool#release} calls and every metrics event (a try starting,
 * its handshake time, a retry, an attempt's final failure, a refusal).
 */
final class DialWorker {
  private static final Logger log = LoggerFactory.getLogger(DialWorker.class);

  private final PeerId localPeer;
  private final ConnectionConfig config;
  private final BackoffPolicy backoff;
  private final ScheduledExecutorService scheduler;
  private final TransportSet transports;
  private final GuardedGater gater;
  private final SlotPool slots;
  private final Admission admission;
  private final ConnectionRegistry registry;
  private final GuardedMetrics metrics;
  private final HandshakeQueue handshakes;
  private final DialBudget budget;
  private final AddressPicker picker;
  private final RefusalLog refusals;
  private final AttemptTimers timers;

  DialWorker(PeerId localPeer, ConnectionConfig config, BackoffPolicy backoff, ScheduledExecutorService scheduler,
      TransportSet transports, GuardedGater gater, SlotPool slots, Admission admission, ConnectionRegistry registry,
      GuardedMetrics metrics, HandshakeQueue handshakes, DialBudget budget, RefusalLog refusals) {
    this.budget = budget;
    this.refusals = refusals;
    this.picker = new AddressPicker(gater, transports, metrics, budget, backoff);
    this.timers = new AttemptTimers(scheduler, slots, (a, addr) -> finishFailed(a, addr,
        new CancellationException("dial cancelled")));
    this.metrics = metrics;
    this.handshakes = handshakes;
    this.localPeer = localPeer;
    this.config = config;
    this.backoff = backoff;
    this.scheduler = scheduler;
    this.transports = transports;
    this.gater = gater;
    this.slots = slots;
    this.admission = admission;
    this.registry = registry;
  }

  /** The backoff memory's mark for a dial beginning now. */
  long memoryMark() {
    return budget.addresses().mark();
  }

  int maxPerPeer() {
    return config.maxConnectionsPerPeer();
  }

  boolean isClosed() {
    return slots.isClosed();
  }

  NetworkClosedException closedException() {
    return Failures.closed(localPeer);
  }

  void unlock(PeerState p) {
    registry.unlock(p);
  }

  /** Starts the next try of {@code a}. */
  void start(DialAttempt a) {
    DialJob job = a.job;
    List<Multiaddr> addrs = job.addresses;
    int first = (a.index + a.tries) % addrs.size();
    if (slots.isClosed() || job.cancelled) {
      finishFailed(a, addrs.get(first), new CancellationException("dial cancelled"));
      return;
    }
    if (slotTaken(job.peer)) {
      // An inbound connection from a smaller peer took a slot of this dial (simultaneous open): the
      // attempt about to (re)try gives it up instead of opening a connection that would be dropped.
      finishFailed(a, addrs.get(first), new CancellationException("slot taken by an inbound connection"));
      return;
    }
    // Spread attempts over the addresses, skipping bad ones (a bad address must not cost the peer a connection).
    AddressPicker.Pick pick = picker.pick(job.peer.id, addrs, first, a.tries > 0, job.memoryMark);
    if (pick.transport() == null) {
      finishFailed(a, addrs.get(first), pick.skipped(), pick.skippedAs());
      return;
    }
    if (pick.waitNanos() > 0) { // a fresh attempt and every address in backoff: wait for the first to end
      later(a, pick.address(), pick.waitNanos(), () -> start(a));
      return;
    }
    // The peer's dial rate: a token now, or a wait for it within the try's deadline, or a refusal.
    long wait = budget.reserveToken(job.peer.id, config.connectionTimeout().toNanos());
    if (wait < 0) {
      metrics.limitRefused(job.peer.id, LimitScope.DIAL_BUDGET, Direction.OUTBOUND);
      finishFailed(a, pick.address(), refusals.record(job.peer.id,
          budget.rateRefusal(job.peer.id, config.connectionTimeout())), DialFailure.LIMIT);
    } else if (wait > 0) {
      later(a, pick.address(), wait, () -> dial(a, pick.transport(), pick.address()));
    } else {
      dial(a, pick.transport(), pick.address());
    }
  }

  private static boolean slotTaken(PeerState p) {
    p.lock();
    try {
      return Admission.slotTaken(p);
    } finally {
      p.unlock();
    }
  }

  private void later(DialAttempt a, Multiaddr addr, long nanos, Runnable task) {
    timers.later(a, addr, nanos, task);
  }

  /**
   * Ends every attempt to {@code peer} (every one if null) waiting between tries, and with {@code peer} null
   * fails every try waiting for a dial slot: closing must not leave an attempt behind on a timer.
   */
  void abandon(PeerId peer) {
    timers.cancelWaiting(peer);
    if (peer == null) {
      budget.failQueued(closedException());
    }
  }

  /**
   * One try over {@code t} to {@code addr}, bounded by the connection timeout: waits for a handshake slot
   * in the {@link HandshakeQueue} (within that timeout), then dials holding it.
   */
  private void dial(DialAttempt a, Transport t, Multiaddr addr) {
    DialJob job = a.job;
    PeerId peer = job.peer.id;
    a.granted = false;
    // The timer is armed before the slot is asked for, so the wait in the queue and a transport that
    // completes (or hangs) at once are bounded alike: it cancels the try's future, which leaves the queue
    // or cancels the transport's dial.
    CompletableFuture<NetConn> f = new CompletableFuture<>();
    ScheduledFuture<?> timer;
    try {
      timer = scheduler.schedule(() -> {
        a.timedOut = true;
        f.cancel(true);
      }, config.connectionTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) { // a scheduler shut down under us: the swarm is closing
      finishFailed(a, addr, e);
      return;
    }
    String transport = NetworkMetrics.transportName(addr);
    a.budgeted = false;
    // First a maxDialsInFlight slot (given back when the try ends, whatever the outcome), then a handshake slot.
    CompletableFuture<Void> dialSlot = budget.acquire(peer);
    dialSlot.whenComplete((v, budgetError) -> {
      if (budgetError != null) {
        if (!(budgetError instanceof CancellationException)) { // the queue is full
          metrics.limitRefused(peer, LimitScope.DIAL_BUDGET, Direction.OUTBOUND);
          f.completeExceptionally(budgetError);
        }
      } else if (!f.isDone()) {
        a.budgeted = true;
        handshake(a, t, addr, f, transport);
      }
    });
    boolean cancelNow;
    job.peer.lock();
    try {
      a.inFlight = f;
      cancelNow = job.cancelled;
    } finally {
      job.peer.unlock();
    }
    if (cancelNow) {
      f.cancel(true);
    }
    f.whenComplete((conn, err) -> {
      timer.cancel(false);
      if (!dialSlot.cancel(false) && !dialSlot.isCompletedExceptionally()) {
        budget.release(); // before the outcome is handled, so the slot is back once the dial's future completes
      }
      if (err == null) {
        connected(a, conn, addr);
      } else {
        tryFailed(a, addr, err);
      }
    });
  }

  /** Holding a dial slot: waits for a handshake slot, then dials; completes {@code f} with the outcome. */
  private void handshake(DialAttempt a, Transport t, Multiaddr addr, CompletableFuture<NetConn> f, String transport) {
    PeerId peer = a.job.peer.id;
    CompletableFuture<Void> slot = handshakes.acquire(peer);
    f.whenComplete((c, e) -> {
      if (e != null) {
        slot.cancel(false); // leave the queue if still waiting
      }
    });
    slot.whenComplete((v, queueError) -> {
      if (queueError != null) {
        if (!(queueError instanceof CancellationException)) {
          f.completeExceptionally(queueError);
        }
        return;
      }
      if (f.isDone()) { // timed out or cancelled just as the slot came
        handshakes.release(peer);
        return;
      }
      a.granted = true;
      metrics.dialAttempt(peer, transport);
      long started = metrics.now();
      CompletableFuture<NetConn> d;
      try {
        d = t.dial(addr, peer);
      } catch (RuntimeException e) {
        d = CompletableFuture.failedFuture(e);
      }
      CompletableFuture<NetConn> dialing = d;
      f.whenComplete((c, e) -> {
        if (e != null) {
          dialing.cancel(true);
        }
      });
      dialing.whenComplete((conn, err) -> {
        handshakes.release(peer);
        if (err != null) {
          f.completeExceptionally(err);
        } else {
          metrics.handshakeCompleted(peer, transport, metrics.since(started));
          if (!f.complete(conn)) {
            conn.close();
          }
        }
      });
    });
  }

  private void tryFailed(DialAttempt a, Multiaddr addr, Throwable err) {
    Throwable cause = Failures.unwrap(err);
    if (a.timedOut && !a.budgeted) {
      // Waited the whole timeout for a maxDialsInFlight slot: the dial budget, not a network failure.
      metrics.limitRefused(a.job.peer.id, LimitScope.DIAL_BUDGET, Direction.OUTBOUND);
      cause = budget.waitedTooLong(a.job.peer.id, "to " + addr + " waited " + config.connectionTimeout()
          + " for a dial slot");
    } else if (a.timedOut && !a.granted) {
      // Waited the whole timeout for a handshake slot: a limit of this node, not a network failure.
      metrics.limitRefused(a.job.peer.id, LimitScope.HANDSHAKE_QUEUE, Direction.OUTBOUND);
      cause = new LimitExceededException(ResourceScope.TRANSIENT, "", "maxPendingHandshakes",
          config.maxPendingHandshakes(), config.maxPendingHandshakes(),
          "dial to " + addr + " waited " + config.connectionTimeout() + " for a handshake slot");
    } else if (a.timedOut) {
      cause = new ConnectionTimeoutException("connection attempt to " + addr, config.connectionTimeout());
    }
    a.timedOut = false;
    DialJob job = a.job;
    if (cause instanceof LimitExceededException e) {
      refusals.record(job.peer.id, e);
    }
    boolean retryIt;
    job.peer.lock();
    try {
      retryIt = !slots.isClosed() && !job.cancelled && backoff.allowsRetry(a.tries, cause)
          && !Admission.slotTaken(job.peer);
      if (retryIt) {
        job.failures.add(new DialException.Attempt(addr, cause));
      }
    } finally {
      job.peer.unlock();
    }
    if (!retryIt) {
      picker.failed(job.peer.id, addr, cause, null);
      finishFailed(a, addr, cause);
      return;
    }
    log.debug("dial attempt to {} at {} failed, retrying: {}", job.peer.id, addr, cause.toString());
    metrics.dialRetry(job.peer.id, GuardedMetrics.classify(cause));
    Duration delay = backoff.delayBeforeRetry(a.tries);
    picker.failed(job.peer.id, addr, cause, delay);
    a.tries++;
    later(a, addr, delay.toNanos(), () -> start(a));
  }


  /** An attempt ends without a connection: give its slot back and see whether the job is done. */
  void finishFailed(DialAttempt a, Multiaddr addr, Throwable cause) {
    finishFailed(a, addr, cause, null);
  }

  /** As above; {@code as} names the failure for the metrics, or null to classify {@code cause}. */
  private void finishFailed(DialAttempt a, Multiaddr addr, Throwable cause, DialFailure as) {
    DialJob job = a.job;
    PeerState p = job.peer;
    Runnable completion;
    int toRelease;
    p.lock();
    try {
      if (a.done) {
        return;
      }
      a.done = true;
      timers.ended(a);
      job.running--;
      toRelease = admission.releaseAttempt(p);
      if (!(cause instanceof CancellationException)) {
        job.failures.add(new DialException.Attempt(addr, cause));
      }
      completion = job.completionIfDone();
    } finally {
      registry.unlock(p);
    }
    slots.release(toRelease);
    if (!(cause instanceof CancellationException)) {
      log.debug("dial attempt to {} at {} failed: {}", p.id, addr, String.valueOf(cause));
      metrics.dialFailure(p.id, as != null ? as : GuardedMetrics.classify(cause));
    }
    completion.run();
  }

  /** A try made a connection: admission keeps it or drops it; either way the attempt ends. */
  private void connected(DialAttempt a, NetConn conn, Multiaddr addr) {
    DialJob job = a.job;
    picker.succeeded(job.peer.id, addr);
    PeerState p = job.peer;
    Admission.Outbound verdict;
    Runnable completion;
    boolean secured = gater.allowSecured(p.id, conn.remoteAddress(), Direction.OUTBOUND);
    p.lock();
    try {
      if (a.done) {
        verdict = new Admission.Outbound(false, "attempt already finished", null, 0);
      } else {
        a.done = true;
        job.running--;
        verdict = admission.admitOutbound(p, conn, secured, job.cancelled);
        if (verdict.failure() != null) {
          job.failures.add(new DialException.Attempt(conn.remoteAddress(), verdict.failure()));
        }
      }
      completion = job.completionIfDone();
    } finally {
      registry.unlock(p);
    }
    slots.release(verdict.slotsToRelease());
    registry.flushEvents();
    if (verdict.failure() != null) {
      if (!secured) {
        metrics.limitRefused(p.id, LimitScope.GATER, Direction.OUTBOUND);
      }
      metrics.dialFailure(p.id, secured ? DialFailure.CLOSED : DialFailure.GATER);
    }
    if (verdict.keep()) {
      registry.watch(p.id, conn);
    } else {
      log.debug("dropping outbound connection {} to {}: {}", conn.id(), p.id, verdict.dropReason());
      conn.close();
    }
    completion.run();
  }
}
