package io.braid.core.internal;

import io.braid.api.BraidException;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closing, of one peer or of the whole swarm. {@link #close()} runs once: it stops slots being handed out,
 * closes the transport listeners, cancels every dial in flight (its callers fail with the network's
 * closed exception), closes every connection (the registry reports each with a {@code SHUTDOWN} reason),
 * closes the transports, and completes {@link #closeFuture()} once the listeners are closed and every
 * connection slot and handshake slot is back; then it shuts down the timer if the swarm made it.
 *
 * <p>Threads: any thread; concurrent calls of {@link #close()} close once. Nothing here holds a lock while
 * calling a transport, a connection or a future.
 */
public final class Lifecycle {
  private final PeerId localPeer;
  private final SlotPool slots;
  private final TransportSet transports;
  private final ConnectionRegistry registry;
  private final DialCoordinator dials;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  public Lifecycle(PeerId localPeer, SlotPool slots, TransportSet transports, ConnectionRegistry registry,
      DialCoordinator dials, ScheduledExecutorService scheduler, boolean ownsScheduler) {
    this.localPeer = Objects.requireNonNull(localPeer, "localPeer");
    this.slots = slots;
    this.transports = transports;
    this.registry = registry;
    this.dials = dials;
    this.scheduler = scheduler;
    this.ownsScheduler = ownsScheduler;
  }

  /** A one-thread daemon timer for a swarm that was given none; {@link #close()} shuts it down. */
  public static ScheduledExecutorService newTimer() {
    ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "braid-swarm-timer");
      t.setDaemon(true);
      return t;
    });
    s.setRemoveOnCancelPolicy(true);
    return s;
  }

  /** Cancels the peer's dial (failing it with {@code dialFailure}) and closes its connections. */
  public CompletableFuture<Void> closePeer(PeerId peer, BraidException dialFailure) {
    dials.cancel(peer, dialFailure);
    List<CompletableFuture<?>> done = new ArrayList<>();
    for (NetConn c : registry.tracked(peer)) {
      c.close();
      done.add(c.closeFuture());
    }
    return CompletableFuture.allOf(done.toArray(CompletableFuture[]::new));
  }

  /** Closes the swarm; idempotent. See the class comment for the order. */
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    slots.markClosed();
    List<CompletableFuture<?>> stopped = transports.closeListeners();
    for (PeerId peer : registry.peerIds()) {
      closePeer(peer, Failures.closed(localPeer));
    }
    dials.abandonAll(); // attempts left waiting by dials that completed, and tries queued for a dial slot
    transports.closeTransports();
    stopped.add(slots.drained());
    CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
      if (ownsScheduler) {
        scheduler.shutdownNow();
      }
      closeFuture.complete(null);
    });
  }

  /** Completes once {@link #close()} has released everything. */
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }
}
