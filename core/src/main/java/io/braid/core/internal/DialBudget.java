package io.braid.core.internal;

import io.braid.api.ConnectionConfig;
import io.braid.api.LimitExceededException;
import io.braid.api.PeerId;
import io.braid.api.ResourceScope;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The dial budget (issue 14, item 5), so that keep-N and application dials together never hammer a peer
 * or the machine: a global cap on connection tries under way ({@link ConnectionConfig#maxDialsInFlight()})
 * with a bounded FIFO of waiters, a token bucket per peer ({@link ConnectionConfig#peerDialRate()},
 * {@link ConnectionConfig#peerDialBurst()}), and the per-address backoff memory ({@link AddressMemory}).
 *
 * <p>Design: a try takes a token before it is started and a slot when it starts; the slot goes back when
 * the try ends, straight to the oldest waiter. The bucket may go negative: a try that finds it empty
 * reserves the next token and waits for it (on a timer the {@link DialWorker} arms), if that comes within
 * the try's own deadline; later tries queue behind it. Idle buckets are dropped once there are many.
 *
 * <p>Threads: any thread. One lock guards the counters, the queue and the buckets; waiters' futures are
 * completed after it is released (a completion may start the next try on the releasing thread).
 */
public final class DialBudget {
  private static final int PRUNE_ABOVE = 4096;

  private final int maxInFlight;
  private final double tokensPerNano;
  private final double rate;
  private final int burst;
  private final LongSupplier ticker;
  private final AddressMemory addresses = new AddressMemory();
  private final Object lock = new Object();
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  private final Map<PeerId, Bucket> buckets = new HashMap<>();
  private final Map<PeerId, Integer> queuedPerPeer = new HashMap<>();
  private int inFlight;

  private record Waiter(PeerId peer, CompletableFuture<Void> granted) {}

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  /** @param ticker the time source, in nanoseconds ({@link System#nanoTime} or a fake clock's) */
  public DialBudget(ConnectionConfig config, LongSupplier ticker) {
    this.maxInFlight = config.maxDialsInFlight();
    this.rate = config.peerDialRate();
    this.tokensPerNano = config.peerDialRate() / 1e9;
    this.burst = config.peerDialBurst();
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  /** Now, on the budget's time source. */
  long now() {
    return ticker.getAsLong();
  }

  /** The per-address backoff memory. */
  AddressMemory addresses() {
    return addresses;
  }

  // ---- maxDialsInFlight

  /**
   * A slot for one try to {@code peer}: completed at once under the cap, else when an earlier try gives
   * its slot back (first come, first served); failed with {@link LimitExceededException} if
   * {@link ConnectionConfig#MAX_QUEUED_DIALS} wait already. Cancelling the future leaves the queue; once it
   * completed normally the caller owes one {@link #release()}.
   */
  CompletableFuture<Void> acquire(PeerId peer) {
    Waiter w;
    synchronized (lock) {
      if (inFlight < maxInFlight && queue.isEmpty()) {
        inFlight++;
        return CompletableFuture.completedFuture(null);
      }
      if (queue.size() >= ConnectionConfig.MAX_QUEUED_DIALS) {
        return CompletableFuture.failedFuture(new LimitExceededException(ResourceScope.SYSTEM, "",
            "maxDialsInFlight", maxInFlight, inFlight, "dial to " + peer + " refused with "
            + ConnectionConfig.MAX_QUEUED_DIALS + " dials waiting already"));
      }
      w = new Waiter(peer, new CompletableFuture<>());
      queue.add(w);
      queuedPerPeer.merge(peer, 1, Integer::sum);
    }
    w.granted().whenComplete((v, e) -> {
      if (e != null) {
        synchronized (lock) {
          if (queue.remove(w)) {
            unqueued(w.peer());
          }
        }
      }
    });
    return w.granted();
  }

  /** Gives a slot back: to the oldest waiter still waiting, else to the pool. */
  void release() {
    while (true) {
      Waiter next;
      synchronized (lock) {
        next = queue.poll();
        if (next == null) {
          inFlight--;
          return;
        }
        unqueued(next.peer());
      }
      if (next.granted().complete(null)) {
        return; // the slot passed on
      }
      // cancelled as it was handed over: offer the slot to the next one
    }
  }

  /** Fails every try waiting for a slot with {@code failure} (the swarm is closing). */
  void failQueued(RuntimeException failure) {
    while (true) {
      Waiter w;
      synchronized (lock) {
        w = queue.poll();
        if (w == null) {
          return;
        }
        unqueued(w.peer());
      }
      w.granted().completeExceptionally(failure);
    }
  }

  /** The refusal of a try that waited its whole deadline for a slot. */
  LimitExceededException waitedTooLong(PeerId peer, String what) {
    synchronized (lock) {
      return new LimitExceededException(ResourceScope.SYSTEM, "", "maxDialsInFlight", maxInFlight, inFlight,
          "dial to " + peer + " " + what);
    }
  }

  private void unqueued(PeerId peer) {
    queuedPerPeer.computeIfPresent(peer, (k, n) -> n == 1 ? null : n - 1);
  }

  /** Tries under way now, to all peers. */
  public int inFlight() {
    synchronized (lock) {
      return inFlight;
    }
  }

  /** Tries waiting for a slot, to all peers. */
  public int queued() {
    synchronized (lock) {
      return queue.size();
    }
  }

  /** Tries to {@code peer} waiting for a slot. */
  int queued(PeerId peer) {
    synchronized (lock) {
      return queuedPerPeer.getOrDefault(peer, 0);
    }
  }

  /** {@link ConnectionConfig#maxDialsInFlight()}. */
  int maxInFlight() {
    return maxInFlight;
  }

  // ---- peerDialRate

  /**
   * Takes one of {@code peer}'s tokens. Returns 0 if one was there, the nanoseconds until the reserved
   * token comes if that is at most {@code maxWaitNanos}, or -1 (nothing reserved) if it comes later.
   */
  long reserveToken(PeerId peer, long maxWaitNanos) {
    long now = ticker.getAsLong();
    synchronized (lock) {
      if (buckets.size() > PRUNE_ABOVE) {
        prune(now);
      }
      Bucket b = buckets.computeIfAbsent(peer, k -> new Bucket(burst, now));
      refill(b, now);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      long wait = (long) Math.ceil((1 - b.tokens) / tokensPerNano);
      if (wait > maxWaitNanos) {
        return -1;
      }
      b.tokens -= 1;
      return wait;
    }
  }

  /** The refusal of a try whose token would come after its deadline. */
  LimitExceededException rateRefusal(PeerId peer, java.time.Duration deadline) {
    return new LimitExceededException(ResourceScope.PEER, peer.toString(), "peerDialRate", (long) Math.ceil(rate),
        burst, "dial to " + peer + " refused: its next dial token comes after " + deadline);
  }

  private void refill(Bucket b, long now) {
    if (now > b.at) {
      b.tokens = Math.min(burst, b.tokens + (now - b.at) * tokensPerNano);
      b.at = now;
    }
  }

  private void prune(long now) {
    for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
      Bucket b = it.next();
      refill(b, now);
      if (b.tokens >= burst) {
        it.remove();
      }
    }
  }
}
