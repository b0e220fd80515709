package io.braid.core.internal;

import io.braid.api.ConnectionConfig;
import java.util.concurrent.CompletableFuture;

/**
 * The swarm-wide budgets: connection slots ({@link ConnectionConfig#maxConnections()}, counting
 * connections open or handshaking, in and out) and handshake slots
 * ({@link ConnectionConfig#maxPendingHandshakes()}), plus the <em>closed</em> bit, which lives here
 * because once close has begun no slot may be handed out: setting it and refusing reservations happen
 * under the same lock.
 *
 * <p>Threads: any thread; the counters are guarded by this pool's own lock, which is always the
 * innermost lock taken (a peer lock may be held around {@link #reserve} or {@link #acquireHandshake},
 * never the other way round). {@link #release} and {@link #releaseHandshake} may complete
 * {@link #drained()}, whose callbacks are user code, so callers must not hold a peer lock around them.
 */
public final class SlotPool {
  private final int maxConnections;
  private final int maxPendingHandshakes;
  private final Object lock = new Object();
  /** Connections open or handshaking, in and out; guarded by lock. */
  private int connectionSlots;
  /** Handshakes under way, in and out; guarded by lock. */
  private int pendingHandshakes;
  /** Written under lock, read anywhere. */
  private volatile boolean closed;
  /** Completed once closed with no connection slot and no handshake slot in use. */
  private final CompletableFuture<Void> drained = new CompletableFuture<>();

  public SlotPool(ConnectionConfig config) {
    this.maxConnections = config.maxConnections();
    this.maxPendingHandshakes = config.maxPendingHandshakes();
  }

  /** Whether close has begun. */
  public boolean isClosed() {
    return closed;
  }

  /** Stops handing out slots; slots already out come back through {@link #release}. */
  void markClosed() {
    synchronized (lock) {
      closed = true;
    }
  }

  /**
   * Completes once closed with every slot back. Checks at once too, for the case where nothing was held
   * when close began. Callers must hold no peer lock.
   */
  CompletableFuture<Void> drained() {
    completeIfDrained();
    return drained;
  }

  /** Reserves up to {@code wanted} connection slots; how many were granted (none once closed). */
  int reserve(int wanted) {
    synchronized (lock) {
      if (closed) {
        return 0;
      }
      int granted = Math.max(0, Math.min(wanted, maxConnections - connectionSlots));
      connectionSlots += granted;
      return granted;
    }
  }

  /** Gives back {@code n} connection slots. Callers must hold no peer lock (see the class comment). */
  void release(int n) {
    if (n == 0) {
      return;
    }
    synchronized (lock) {
      connectionSlots -= n;
    }
    completeIfDrained();
  }

  /** Takes a handshake slot for an outbound attempt; false at the cap. */
  boolean acquireHandshake() {
    synchronized (lock) {
      if (pendingHandshakes >= maxPendingHandshakes) {
        return false;
      }
      pendingHandshakes++;
      return true;
    }
  }

  /** Gives back a handshake slot. Callers must hold no peer lock (see the class comment). */
  void releaseHandshake() {
    synchronized (lock) {
      pendingHandshakes--;
    }
    completeIfDrained();
  }

  /** What {@link #tryAcceptInbound()} did. */
  enum Inbound {
    /** A connection slot and a handshake slot were taken. */
    TAKEN,
    /** Refused: close has begun. */
    CLOSED,
    /** Refused: {@link ConnectionConfig#maxConnections()} reached. */
    AT_MAX_CONNECTIONS,
    /** Refused: {@link ConnectionConfig#maxPendingHandshakes()} reached. */
    AT_MAX_PENDING_HANDSHAKES
  }

  /**
   * Takes a connection slot and a handshake slot for an inbound connection whose peer is not known yet;
   * false (taking neither) once closed or at either cap.
   */
  boolean acceptInbound() {
    return tryAcceptInbound() == Inbound.TAKEN;
  }

  /** Like {@link #acceptInbound()}, saying which cap refused. */
  Inbound tryAcceptInbound() {
    synchronized (lock) {
      if (closed) {
        return Inbound.CLOSED;
      }
      if (connectionSlots >= maxConnections) {
        return Inbound.AT_MAX_CONNECTIONS;
      }
      if (pendingHandshakes >= maxPendingHandshakes) {
        return Inbound.AT_MAX_PENDING_HANDSHAKES;
      }
      connectionSlots++;
      pendingHandshakes++;
      return Inbound.TAKEN;
    }
  }

  /** Connection slots in use. */
  public int inUse() {
    synchronized (lock) {
      return connectionSlots;
    }
  }

  /** {@link ConnectionConfig#maxPendingHandshakes()}. */
  int maxPendingHandshakes() {
    return maxPendingHandshakes;
  }

  /** Handshake slots in use. */
  public int pendingHandshakes() {
    synchronized (lock) {
      return pendingHandshakes;
    }
  }

  private void completeIfDrained() {
    boolean drainedNow;
    synchronized (lock) {
      drainedNow = closed && connectionSlots == 0 && pendingHandshakes == 0;
    }
    if (drainedNow) {
      drained.complete(null);
    }
  }

  @Override
  public String toString() {
    return "SlotPool[slots=" + inUse() + "/" + maxConnections + ", handshakes=" + pendingHandshakes() + "/"
        + maxPendingHandshakes + (closed ? ", closed]" : "]");
  }
}
