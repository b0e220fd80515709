package io.braid.core.internal;

import io.braid.api.ConnectionConfig;
import io.braid.api.LimitExceededException;
import io.braid.api.PeerId;
import io.braid.api.ResourceLimits;
import io.braid.api.ResourceLimits.Limit;
import io.braid.api.ResourceScope;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Outbound handshake slots: at most {@link Limit#PENDING_OUTBOUND_PER_PEER} handshakes to one peer and
 * {@link ConnectionConfig#maxPendingHandshakes()} in all (the latter shared with inbound handshakes in
 * {@link SlotPool}); a dial beyond either waits its turn in a FIFO queue of at most
 * {@link Limit#QUEUED_HANDSHAKES} instead of failing. A waiter for a peer at its own cap does not hold
 * up waiters for other peers; the node-wide cap is served strictly in order.
 *
 * <p>The deadline is the caller's: {@link DialWorker} arms its connection timer before it asks, and
 * cancels the future it got when the timer fires first, which takes it out of the queue.
 *
 * <p>Threads: any. The queue and the per-peer counts are guarded by this object's lock; {@link SlotPool}'s
 * lock is taken inside it (it is the innermost), and futures are completed after it is released.
 */
public final class HandshakeQueue {
  private final SlotPool slots;
  private final int maxPendingHandshakes;
  private final long perPeer;
  private final long maxQueued;
  private final Object lock = new Object();
  private final Map<PeerId, Integer> inFlight = new HashMap<>();
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();

  private record Waiter(PeerId peer, CompletableFuture<Void> granted) {}

  public HandshakeQueue(SlotPool slots, ResourceLimits limits) {
    this.slots = Objects.requireNonNull(slots, "slots");
    this.maxPendingHandshakes = slots.maxPendingHandshakes();
    this.perPeer = limits.get(Limit.PENDING_OUTBOUND_PER_PEER);
    this.maxQueued = limits.get(Limit.QUEUED_HANDSHAKES);
  }

  /**
   * A handshake slot for a dial to {@code peer}: the future completes (on this thread, or on the thread
   * that frees a slot) once the slot is this caller's, who must then {@link #release} it once. Cancelling
   * the future while it waits leaves the queue; a slot granted to a cancelled future is given back here.
   * Fails at once with {@link LimitExceededException} ({@link Limit#QUEUED_HANDSHAKES}) when the queue is
   * full.
   */
  CompletableFuture<Void> acquire(PeerId peer) {
    Objects.requireNonNull(peer, "peer");
    CompletableFuture<Void> f = new CompletableFuture<>();
    LimitExceededException refused = null;
    boolean now = false;
    synchronized (lock) {
      if (queue.isEmpty() && inFlight.getOrDefault(peer, 0) < perPeer && slots.acquireHandshake()) {
        inFlight.merge(peer, 1, Integer::sum);
        now = true;
      } else if (queue.size() >= maxQueued) {
        refused = new LimitExceededException(ResourceScope.TRANSIENT, "", Limit.QUEUED_HANDSHAKES.configName(),
            maxQueued, queue.size(), "dial refused: " + slots.pendingHandshakes() + " of " + maxPendingHandshakes
            + " handshakes (maxPendingHandshakes) under way and the handshake queue full");
      } else {
        queue.addLast(new Waiter(peer, f));
      }
    }
    if (now) {
      f.complete(null);
    } else if (refused != null) {
      f.completeExceptionally(refused);
    } else {
      // Leaving the queue on cancel keeps it bounded by live waiters; pump covers a slot freed meanwhile.
      f.whenComplete((v, e) -> {
        if (e != null) {
          leave(f);
        }
      });
      pump();
    }
    return f;
  }

  /** Gives back a slot {@link #acquire} granted for {@code peer}, and grants it to the next waiter that can go. */
  void release(PeerId peer) {
    synchronized (lock) {
      inFlight.computeIfPresent(peer, (k, n) -> n <= 1 ? null : n - 1);
    }
    slots.releaseHandshake();
    pump();
  }

  /** Grants freed slots to waiters, in order; call after any handshake slot (inbound too) came back. */
  void pump() {
    List<Waiter> granted = new ArrayList<>();
    synchronized (lock) {
      Iterator<Waiter> it = queue.iterator();
      while (it.hasNext()) {
        Waiter w = it.next();
        if (w.granted.isDone()) {
          it.remove();
          continue;
        }
        if (inFlight.getOrDefault(w.peer, 0) >= perPeer) {
          continue; // this peer is at its cap; the next waiter may be for another peer
        }
        if (!slots.acquireHandshake()) {
          break; // node-wide cap: strictly in order
        }
        inFlight.merge(w.peer, 1, Integer::sum);
        it.remove();
        granted.add(w);
      }
    }
    for (Waiter w : granted) {
      if (!w.granted.complete(null)) {
        release(w.peer); // cancelled between the check and now
      }
    }
  }

  private void leave(CompletableFuture<Void> f) {
    synchronized (lock) {
      queue.removeIf(w -> w.granted == f);
    }
  }

  /** Dials waiting for a slot. */
  int queued() {
    synchronized (lock) {
      return queue.size();
    }
  }

  /** Outbound handshakes under way to {@code peer}. */
  int inFlight(PeerId peer) {
    synchronized (lock) {
      return inFlight.getOrDefault(peer, 0);
    }
  }
}
