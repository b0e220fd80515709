package io.braid.core.internal;

import io.braid.api.BraidException;
import io.braid.api.ConnectionConfig;
import io.braid.api.DialException;
import io.braid.api.LimitExceededException;
import io.braid.api.Multiaddr;
import io.braid.api.Direction;
import io.braid.api.NetConn;
import io.braid.api.NetworkMetrics.LimitScope;
import io.braid.api.PeerId;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Dialing a peer (go-libp2p's {@code swarm_dial.go}): one shared {@link DialJob} per peer that concurrent
 * callers join, topped up with attempts when connections closed since it started; the attempts
 * themselves run in a {@link DialWorker}. Owns no state of its own beyond what it keeps in each
 * {@link PeerState}.
 *
 * <p>Threads: any thread may dial or cancel. The peer lock is held while the job and the reserved slots
 * change; attempts start, and futures complete, after it is released.
 */
public final class DialCoordinator {
  private final PeerId localPeer;
  private final int maxPerPeer;
  private final int maxConnections;
  private final GuardedGater gater;
  private final SlotPool slots;
  private final Admission admission;
  private final ConnectionRegistry registry;
  private final AddressBook book;
  private final DialWorker worker;
  private final GuardedMetrics metrics;
  private final RefusalLog refusals;

  public DialCoordinator(PeerId localPeer, ConnectionConfig config, BackoffPolicy backoff,
      ScheduledExecutorService scheduler, TransportSet transports, GuardedGater gater, SlotPool slots,
      Admission admission, ConnectionRegistry registry, AddressBook book) {
    this(localPeer, config, backoff, scheduler, transports, gater, slots, admission, registry, book,
        GuardedMetrics.NONE);
  }

  public DialCoordinator(PeerId localPeer, ConnectionConfig config, BackoffPolicy backoff,
      ScheduledExecutorService scheduler, TransportSet transports, GuardedGater gater, SlotPool slots,
      Admission admission, ConnectionRegistry registry, AddressBook book, GuardedMetrics metrics) {
    this(localPeer, config, backoff, scheduler, transports, gater, slots, admission, registry, book, metrics,
        admission.handshakes());
  }

  /** @param handshakes the outbound handshake slots and their queue, shared with {@code admission} */
  public DialCoordinator(PeerId localPeer, ConnectionConfig config, BackoffPolicy backoff,
      ScheduledExecutorService scheduler, TransportSet transports, GuardedGater gater, SlotPool slots,
      Admission admission, ConnectionRegistry registry, AddressBook book, GuardedMetrics metrics,
      HandshakeQueue handshakes) {
    this(localPeer, config, backoff, scheduler, transports, gater, slots, admission, registry, book, metrics,
        handshakes, new DialBudget(config, System::nanoTime), new RefusalLog(System::nanoTime));
  }

  /**
   * @param budget the dial budget (dials in flight, per-peer rate, per-address backoff memory)
   * @param refusals where limit refusals of the dial path are recorded for {@code explain}
   */
  public DialCoordinator(PeerId localPeer, ConnectionConfig config, BackoffPolicy backoff,
      ScheduledExecutorService scheduler, TransportSet transports, GuardedGater gater, SlotPool slots,
      Admission admission, ConnectionRegistry registry, AddressBook book, GuardedMetrics metrics,
      HandshakeQueue handshakes, DialBudget budget, RefusalLog refusals) {
    this.refusals = refusals;
    this.metrics = java.util.Objects.requireNonNull(metrics, "metrics");
    this.localPeer = Objects.requireNonNull(localPeer, "localPeer");
    this.maxPerPeer = config.maxConnectionsPerPeer();
    this.maxConnections = config.maxConnections();
    this.gater = gater;
    this.slots = slots;
    this.admission = admission;
    this.registry = registry;
    this.book = book;
    this.worker = new DialWorker(localPeer, config, backoff, scheduler, transports, gater, slots, admission, registry,
        metrics, handshakes, budget, refusals);
  }

  /**
   * Opens connections to {@code peer} up to the per-peer target, or joins the dial in flight; completes
   * with the peer's open connections. See {@code Swarm#dialPeer} for the failures.
   */
  public CompletableFuture<List<NetConn>> dial(PeerId peer) {
    return dial(peer, maxPerPeer);
  }

  /**
   * As {@link #dial(PeerId)}, up to {@code target} connections (at most the per-peer cap); a dial in flight
   * with a smaller target is raised to it. Keep-N dials this way.
   */
  public CompletableFuture<List<NetConn>> dial(PeerId peer, int target) {
    CompletableFuture<List<NetConn>> f = dialUpTo(peer, Math.min(target, maxPerPeer));
    if (f.isCompletedExceptionally()) {
      f.whenComplete((v, e) -> {
        if (Failures.unwrap(e) instanceof LimitExceededException refused) {
          refusals.record(peer, refused);
        }
      });
    }
    return f;
  }

  private CompletableFuture<List<NetConn>> dialUpTo(PeerId peer, int target) {
    if (slots.isClosed()) {
      return CompletableFuture.failedFuture(Failures.closed(localPeer));
    }
    if (peer.equals(localPeer)) {
      return CompletableFuture.failedFuture(new DialException(peer, "cannot dial the local peer", List.of()));
    }
    if (!gater.allowDialPeer(peer)) {
      metrics.limitRefused(peer, LimitScope.GATER, Direction.OUTBOUND);
      return CompletableFuture.failedFuture(new DialException(peer, "denied by the connection gater", List.of()));
    }
    List<Multiaddr> addrs = book.addresses(peer);
    DialJob job;
    List<DialAttempt> toStart;
    LimitScope refused = null; // reported once unlocked
    PeerState p = registry.lock(peer);
    try {
      List<NetConn> open = ConnectionRegistry.onlyOpen(p.open);
      int need = target - open.size() - p.reserved;
      if (p.dial == null && need <= 0) {
        // Target met (or every free slot taken by attempts of a cancelled dial that are still winding down).
        if (open.isEmpty()) {
          refused = LimitScope.MAX_CONNECTIONS_PER_PEER;
        }
        return open.isEmpty()
            ? CompletableFuture.failedFuture(new LimitExceededException("maxConnectionsPerPeer", maxPerPeer,
                "cannot dial " + peer + " while a cancelled dial winds down"))
            : CompletableFuture.completedFuture(open);
      }
      if (p.dial == null && addrs.isEmpty()) {
        return open.isEmpty()
            ? CompletableFuture.failedFuture(new DialException(peer,
                "no known addresses (add some with addAddresses)", List.of()))
            : CompletableFuture.completedFuture(open);
      }
      int granted = admission.reserveForDial(p, need);
      if (granted < need) {
        refused = LimitScope.MAX_CONNECTIONS; // fewer slots than the per-peer target asks for
      }
      if (p.dial == null && granted == 0) {
        if (!open.isEmpty()) {
          return CompletableFuture.completedFuture(open);
        }
        return CompletableFuture.failedFuture(admission.outboundFull() ? admission.outboundRefusal(peer)
            : new LimitExceededException("maxConnections", maxConnections, "cannot dial " + peer));
      }
      if (p.dial != null) {
        // Share the dial in flight; top it up if connections closed since it started.
        job = p.dial;
        job.interested++;
        job.target = Math.max(job.target, target);
      } else {
        job = new DialJob(p, addrs, worker, target);
        p.dial = job;
      }
      toStart = job.addAttempts(granted);
    } finally {
      registry.unlock(p);
      if (refused != null) {
        metrics.limitRefused(peer, refused, Direction.OUTBOUND);
      }
    }
    CompletableFuture<List<NetConn>> mine = job.subscribe();
    for (DialAttempt a : toStart) {
      worker.start(a);
    }
    return mine;
  }

  /** Cancels the dial in flight to {@code peer}, if any, failing its callers with {@code failure}. */
  public void cancel(PeerId peer, BraidException failure) {
    PeerState p = registry.find(peer);
    if (p == null) {
      return;
    }
    DialJob job;
    p.lock();
    try {
      job = p.dial;
    } finally {
      p.unlock();
    }
    if (job != null) {
      job.cancel(failure);
    }
    worker.abandon(peer); // attempts of a dial that completed while they waited
  }

  /** Ends every attempt still waiting, to any peer (the swarm closes, after cancelling each peer's dial). */
  public void abandonAll() {
    worker.abandon(null);
  }
}
