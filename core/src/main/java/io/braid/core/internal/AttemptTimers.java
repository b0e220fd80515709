package io.braid.core.internal;

import io.braid.api.Multiaddr;
import io.braid.api.PeerId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The timers attempts wait on between tries (a retry's backoff, an address's backoff, the peer's next dial
 * token), kept so that closing a peer or the swarm ends every waiting attempt, including those of a dial
 * that already completed (its target met while they waited) and so is no longer the peer's dial: an attempt
 * whose slot went to an inbound connection holds no slot, so nothing else would wait for it, and a timer
 * dropped when the swarm shuts its scheduler down would never end it.
 *
 * <p>Threads: any thread. The map is concurrent; {@link DialAttempt#retryTimer} is set under the peer lock.
 */
final class AttemptTimers {
  private final ScheduledExecutorService scheduler;
  private final SlotPool slots;
  /** Ends an attempt whose wait was cancelled: the worker's finishFailed with a CancellationException. */
  private final BiConsumer<DialAttempt, Multiaddr> cancelled;
  private final Map<DialAttempt, Multiaddr> waiting = new ConcurrentHashMap<>();

  AttemptTimers(ScheduledExecutorService scheduler, SlotPool slots, BiConsumer<DialAttempt, Multiaddr> cancelled) {
    this.scheduler = scheduler;
    this.slots = slots;
    this.cancelled = cancelled;
  }

  /** Runs {@code task} for {@code a} after {@code nanos}, on a timer its dial's or the swarm's closing stops. */
  void later(DialAttempt a, Multiaddr addr, long nanos, Runnable task) {
    DialJob job = a.job;
    waiting.put(a, addr);
    ScheduledFuture<?> next;
    try {
      next = scheduler.schedule(() -> {
        waiting.remove(a);
        task.run();
      }, nanos, TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) { // a scheduler shut down under us: the swarm is closing
      waiting.remove(a);
      cancelled.accept(a, addr);
      return;
    }
    boolean cancelNow;
    job.peer.lock();
    try {
      a.retryTimer = next;
      cancelNow = job.cancelled || slots.isClosed();
    } finally {
      job.peer.unlock();
    }
    if (cancelNow && next.cancel(false)) {
      waiting.remove(a);
      cancelled.accept(a, addr);
    }
  }

  /** {@code a} has ended: it waits no more. */
  void ended(DialAttempt a) {
    waiting.remove(a);
  }

  /** Ends every attempt to {@code peer} (every attempt if null) waiting on a timer. */
  void cancelWaiting(PeerId peer) {
    for (Map.Entry<DialAttempt, Multiaddr> e : waiting.entrySet()) {
      DialAttempt a = e.getKey();
      ScheduledFuture<?> t = a.retryTimer;
      if ((peer == null || a.job.peer.id.equals(peer)) && t != null && t.cancel(false)) {
        waiting.remove(a);
        cancelled.accept(a, e.getValue());
      }
    }
  }
}
