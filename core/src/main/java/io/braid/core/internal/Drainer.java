package io.braid.core.internal;

import io.braid.api.CloseReason;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains connections (issue 14, item 3): the connection leaves stream placement at once
 * ({@link HealthMonitor#markDraining}), then {@link #beforeDrain} runs (the keep-N keeper opens the
 * replacement there), then {@link NetConn#drain} tells the remote (Yamux GO_AWAY) and closes the connection
 * once its streams finished or the grace ended. A transport without drain support gets the same from
 * here, coarser: the connection is closed at once if it carries no stream, else at the end of the grace.
 *
 * <p>Threads: any thread; no state of its own beyond its collaborators, no lock held while calling out.
 */
public final class Drainer {
  private static final Logger log = LoggerFactory.getLogger(Drainer.class);

  private final HealthMonitor health;
  private final ScheduledExecutorService scheduler;
  private final Function<PeerId, CompletableFuture<Void>> beforeDrain;

  /**
   * @param beforeDrain runs after the connection left placement and before it is drained; the drain waits
   *     for its future (a failure is logged and the drain goes on)
   */
  public Drainer(HealthMonitor health, ScheduledExecutorService scheduler,
      Function<PeerId, CompletableFuture<Void>> beforeDrain) {
    this.health = Objects.requireNonNull(health, "health");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.beforeDrain = Objects.requireNonNull(beforeDrain, "beforeDrain");
  }

  /** No hook: drains start at once. */
  public Drainer(HealthMonitor health, ScheduledExecutorService scheduler) {
    this(health, scheduler, peer -> CompletableFuture.completedFuture(null));
  }

  /** @throws IllegalArgumentException if {@code grace} is negative */
  public static Duration checkGrace(Duration grace) {
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must be >= 0, was " + grace);
    }
    return grace;
  }

  /** Drains {@code conn}; completes with its close reason once it has closed. */
  public CompletableFuture<CloseReason> drain(NetConn conn, Duration grace) {
    checkGrace(grace);
    health.markDraining(conn);
    return beforeDrain(conn.remotePeer())
        .handle((v, e) -> {
          if (e != null) {
            log.warn("preparing the drain of {} failed; draining it anyway", conn, Failures.unwrap(e));
          }
          return null;
        })
        .thenCompose(v -> start(conn, grace));
  }

  /** Drains each of {@code conns}; completes once all have closed (never exceptionally). */
  public CompletableFuture<Void> drainAll(List<NetConn> conns, Duration grace) {
    checkGrace(grace);
    CompletableFuture<?>[] done = new CompletableFuture<?>[conns.size()];
    for (int i = 0; i < done.length; i++) {
      done[i] = drain(conns.get(i), grace).handle((r, e) -> null);
    }
    return CompletableFuture.allOf(done);
  }

  /**
   * The hook that runs before a connection of {@code peer} is drained, once it has left placement: the
   * keep-N keeper makes it open the replacement first. Default: nothing to wait for.
   */
  CompletableFuture<Void> beforeDrain(PeerId peer) {
    try {
      return beforeDrain.apply(peer);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<CloseReason> start(NetConn conn, Duration grace) {
    CompletableFuture<CloseReason> f;
    try {
      f = conn.drain(grace);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return f.exceptionallyCompose(e -> {
      if (!(Failures.unwrap(e) instanceof UnsupportedOperationException)) {
        return CompletableFuture.failedFuture(Failures.unwrap(e));
      }
      if (conn.streamCount() == 0 || grace.isZero()) {
        conn.close();
      } else {
        try {
          scheduler.schedule(conn::close, grace.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException rejected) {
          conn.close(); // the swarm's timer is gone: it is closing anyway
        }
      }
      return conn.closeFuture();
    });
  }
}
