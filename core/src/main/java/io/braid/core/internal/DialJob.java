package io.braid.core.internal;

import io.braid.api.BraidException;
import io.braid.api.DialException;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * The dial in flight to one peer, shared by every concurrent {@code dialPeer} caller (go-libp2p's
 * {@code dial_sync.go}): its attempts, the failures to report, how many callers still wait, and the one
 * result they all get. The job is done once the peer has its target number of connections, or no
 * attempt is running; it then fails only if the peer has no connection at all.
 *
 * <p>Threads: every field is guarded by the peer's lock; the result is completed outside it (callers run
 * the {@link Runnable} that {@link #completionIfDone()} returns after unlocking).
 */
final class DialJob {
  final PeerState peer;
  final List<Multiaddr> addresses;
  private final DialWorker worker;
  final List<DialAttempt> attempts = new ArrayList<>();
  final List<DialException.Attempt> failures = new ArrayList<>();
  private final CompletableFuture<List<NetConn>> result = new CompletableFuture<>();
  int running;
  int interested = 1;
  /** The connections the job dials up to: the largest target of its callers (keep-N may ask fewer). */
  int target;
  /** The backoff memory's newest entry when the job began: the address failures it heeds. */
  final long memoryMark;
  boolean cancelled;

  DialJob(PeerState peer, List<Multiaddr> addresses, DialWorker worker) {
    this(peer, addresses, worker, worker.maxPerPeer());
  }

  DialJob(PeerState peer, List<Multiaddr> addresses, DialWorker worker, int target) {
    this.target = target;
    this.memoryMark = worker.memoryMark();
    this.peer = peer;
    this.addresses = addresses;
    this.worker = worker;
  }

  /** Adds {@code count} attempts, each holding a reserved slot (caller holds the peer lock). */
  List<DialAttempt> addAttempts(int count) {
    List<DialAttempt> added = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      DialAttempt a = new DialAttempt(this, attempts.size());
      attempts.add(a);
      added.add(a);
    }
    running += count;
    return added;
  }

  /** What to run, after unlocking, if the job has just finished (caller holds the peer lock). */
  Runnable completionIfDone() {
    if (result.isDone() || cancelled) {
      return () -> {};
    }
    List<NetConn> open = ConnectionRegistry.onlyOpen(peer.open);
    boolean targetMet = open.size() >= target;
    if (!targetMet && running > 0) {
      return () -> {};
    }
    if (peer.dial == this) {
      peer.dial = null;
    }
    if (!open.isEmpty()) {
      return () -> result.complete(open);
    }
    BraidException e = worker.isClosed() ? worker.closedException()
        : new DialException(peer.id, "no connection could be opened", List.copyOf(failures));
    return () -> result.completeExceptionally(e);
  }

  /** A future for one caller; cancelling it withdraws that caller's interest. */
  CompletableFuture<List<NetConn>> subscribe() {
    CompletableFuture<List<NetConn>> mine = new CompletableFuture<>();
    result.whenComplete((v, e) -> {
      if (e != null) {
        mine.completeExceptionally(e);
      } else {
        mine.complete(v);
      }
    });
    mine.whenComplete((v, e) -> {
      if (mine.isCancelled()) {
        boolean last;
        peer.lock();
        try {
          last = --interested == 0;
        } finally {
          peer.unlock();
        }
        if (last) {
          cancel(new DialException(peer.id, "cancelled", List.of()));
        }
      }
    });
    return mine;
  }

  /**
   * Stops every attempt (their slots are released as each winds down) and fails the job with
   * {@code failure} unless it is already done.
   */
  void cancel(BraidException failure) {
    List<DialAttempt> toStop = new ArrayList<>();
    peer.lock();
    try {
      if (cancelled || result.isDone()) {
        return;
      }
      cancelled = true;
      if (peer.dial == this) {
        peer.dial = null;
      }
      for (DialAttempt a : attempts) {
        if (!a.done) {
          toStop.add(a);
        }
      }
    } finally {
      worker.unlock(peer);
    }
    result.completeExceptionally(failure);
    for (DialAttempt a : toStop) {
      ScheduledFuture<?> t = a.retryTimer;
      if (t != null && t.cancel(false)) {
        worker.finishFailed(a, addresses.get(0), new CancellationException("dial cancelled"));
      }
      CompletableFuture<NetConn> f = a.inFlight;
      if (f != null) {
        f.cancel(true);
      }
    }
  }
}
