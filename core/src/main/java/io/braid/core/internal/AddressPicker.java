package io.braid.core.internal;

import io.braid.api.BraidException;
import io.braid.api.Direction;
import io.braid.api.Multiaddr;
import io.braid.api.NetworkMetrics.DialFailure;
import io.braid.api.NetworkMetrics.LimitScope;
import io.braid.api.PeerId;
import io.braid.api.Transport;
import io.braid.api.LimitExceededException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * Picks the address and transport of one try: from the attempt's starting address onwards, the first the
 * gater allows, a transport supports and the backoff memory does not hold back (failures from before the
 * dial began: see {@link AddressMemory#inBackoff}). A retry (which waited its
 * own backoff) takes an address in backoff if no other is left; a fresh attempt waits until the earliest
 * backoff ends instead. It also feeds the backoff memory with each try's outcome. Stateless apart from its
 * collaborators; any thread.
 */
final class AddressPicker {
  /**
   * The outcome: {@code transport} null means nothing is dialable ({@code skipped} says why, as
   * {@code skippedAs} for the metrics); {@code waitNanos > 0} means wait that long and pick again.
   */
  record Pick(Multiaddr address, Transport transport, long waitNanos, Throwable skipped, DialFailure skippedAs) {}

  private final GuardedGater gater;
  private final TransportSet transports;
  private final GuardedMetrics metrics;
  private final DialBudget budget;

  private final BackoffPolicy backoff;

  AddressPicker(GuardedGater gater, TransportSet transports, GuardedMetrics metrics, DialBudget budget,
      BackoffPolicy backoff) {
    this.backoff = backoff;
    this.gater = gater;
    this.transports = transports;
    this.metrics = metrics;
    this.budget = budget;
  }

  Pick pick(PeerId peer, List<Multiaddr> addrs, int first, boolean retry, long mark) {
    long now = budget.now();
    AddressMemory memory = budget.addresses();
    Multiaddr held = null; // the dialable address whose backoff ends first
    Transport heldBy = null;
    Throwable skipped = null;
    DialFailure skippedAs = null;
    for (int k = 0; k < addrs.size(); k++) {
      Multiaddr candidate = addrs.get((first + k) % addrs.size());
      if (!gater.allowDialAddress(peer, candidate)) {
        metrics.limitRefused(peer, LimitScope.GATER, Direction.OUTBOUND);
        if (skipped == null) {
          skipped = new BraidException("address denied by the connection gater", false);
          skippedAs = DialFailure.GATER;
        }
        continue;
      }
      Transport found = transports.forAddress(candidate);
      if (found == null) {
        if (skipped == null) {
          skipped = new BraidException("no transport supports " + candidate, false);
          skippedAs = DialFailure.NO_TRANSPORT;
        }
        continue;
      }
      if (!memory.inBackoff(peer, candidate, now, mark)) {
        return new Pick(candidate, found, 0, null, null);
      }
      if (held == null
          || memory.backoffUntil(peer, candidate, now, mark) - memory.backoffUntil(peer, held, now, mark) < 0) {
        held = candidate;
        heldBy = found;
      }
    }
    if (held == null) {
      return new Pick(null, null, 0, skipped, skippedAs);
    }
    long wait = retry ? 0 : memory.backoffUntil(peer, held, now, mark) - now;
    return new Pick(held, heldBy, Math.max(0, wait), null, null);
  }

  /**
   * Remembers a failed try: its address waits {@code delay} (its retry's), or when not retried ({@code delay}
   * null) the un-jittered delay after that many failures in a row. Limits are not the address's fault, and
   * a cancelled try (or one the closing swarm failed) says nothing about it.
   */
  void failed(PeerId peer, Multiaddr addr, Throwable cause, Duration delay) {
    if (cause instanceof LimitExceededException || cause instanceof CancellationException
        || cause instanceof io.braid.api.NetworkClosedException) {
      return;
    }
    AddressMemory memory = budget.addresses();
    long now = budget.now();
    Duration d = delay != null ? delay : backoff.baseDelay(memory.failures(peer, addr));
    memory.failed(peer, addr, cause, now, now + d.toNanos());
  }

  /** Remembers a try that connected: its address leaves backoff. */
  void succeeded(PeerId peer, Multiaddr addr) {
    budget.addresses().succeeded(peer, addr, budget.now());
  }
}
