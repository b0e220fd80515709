package io.braid.core.internal;

import io.braid.api.ConnectionConfig;
import io.braid.api.ConnectionHealth;
import io.braid.api.ConnectionStats;
import io.braid.api.NetConn;
import io.braid.api.NetworkListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Looks after the health of every admitted connection (issue 14, item 2) and is the
 * {@link ConnectionHealth} the swarm hands to its balancer.
 *
 * <p>Design: each connection gets an {@link Entry} when it is admitted (this monitor is an internal
 * {@link NetworkListener}; {@code connectionOpened} starts it) and loses it when its close future
 * completes. It is pinged at once and then every {@code keepAliveInterval}, at most one ping of the
 * monitor outstanding per connection. Each answer updates the smoothed RTT and its variation as TCP does
 * (RFC 6298 section 2: gains 1/8 and 1/4). A ping unanswered after {@code keepAliveTimeout} marks the
 * connection unhealthy: it leaves stream placement at once (the placer asks {@link #usable}), listeners
 * hear {@code connectionUnhealthy}, and it is closed after {@code unhealthyGrace} unless an answer
 * (to that ping or a later one) arrives first, which makes it healthy again. A transport whose
 * {@link NetConn#ping()} is unsupported gives no information: that connection is always healthy.
 *
 * <p>Threads: any thread. Each entry's ping state is guarded by the entry's monitor; no lock is held
 * while pinging, closing or delivering events. The lookups ({@link #smoothedRttNanos}, {@link #healthy},
 * ...) read volatile fields after one map lookup: no lock, no allocation.
 */
public final class HealthMonitor implements ConnectionHealth, NetworkListener {
  private final ConcurrentHashMap<NetConn, Entry> entries = new ConcurrentHashMap<>();
  /** Connections the swarm drains; kept apart from entries so a drain before admission's event still counts. */
  private final Set<NetConn> draining = ConcurrentHashMap.newKeySet();
  private final long intervalNanos;
  private final long timeoutNanos;
  private final long graceNanos;
  private final ScheduledExecutorService scheduler;
  private final LongSupplier nanoTime;
  private final EventDispatcher events;
  private volatile boolean closed;

  public HealthMonitor(ConnectionConfig config, ScheduledExecutorService scheduler, LongSupplier nanoTime,
      EventDispatcher events) {
    this.intervalNanos = config.keepAliveInterval().toNanos();
    this.timeoutNanos = config.keepAliveTimeout().toNanos();
    this.graceNanos = config.unhealthyGrace().toNanos();
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.events = Objects.requireNonNull(events, "events");
  }

  /** One connection's health; ping state guarded by its monitor, readings volatile. */
  static final class Entry {
    final NetConn conn;
    final long admittedAt;
    volatile long srtt = UNKNOWN_RTT;
    volatile long rttvar = UNKNOWN_RTT;
    volatile long lastRtt = UNKNOWN_RTT;
    volatile long answered;
    volatile boolean unhealthy;
    boolean stopped;
    boolean unsupported;
    boolean outstanding;
    long seq;
    long sentAt;
    Future<?> ticker;
    Future<?> timeout;
    Future<?> closer;

    Entry(NetConn conn, long admittedAt) {
      this.conn = conn;
      this.admittedAt = admittedAt;
    }
  }

  // ---- tracking

  @Override
  public void connectionOpened(NetConn connection) {
    track(connection);
  }

  /** Starts watching {@code conn} (idempotent): pings it now and every keep-alive interval. */
  public void track(NetConn conn) {
    if (closed || !conn.isOpen()) {
      return;
    }
    Entry e = new Entry(conn, nanoTime.getAsLong());
    if (entries.putIfAbsent(conn, e) != null) {
      return;
    }
    conn.closeFuture().whenComplete((r, err) -> stop(conn));
    synchronized (e) {
      if (!e.stopped) {
        e.ticker = repeat(() -> ping(e));
      }
    }
    ping(e);
  }

  private void stop(NetConn conn) {
    draining.remove(conn);
    Entry e = entries.remove(conn);
    if (e != null) {
      synchronized (e) {
        e.stopped = true;
        cancelAll(e);
      }
    }
  }

  /** Stops every timer; later connections are not watched. */
  public void close() {
    closed = true;
    for (NetConn c : List.copyOf(entries.keySet())) {
      stop(c);
    }
  }

  /** Connections being watched; for tests and leak checks. */
  public int trackedConnections() {
    return entries.size();
  }

  // ---- pings

  private void ping(Entry e) {
    long seq;
    synchronized (e) {
      if (e.stopped || e.unsupported || e.outstanding) {
        return;
      }
      e.outstanding = true;
      seq = ++e.seq;
      e.sentAt = nanoTime.getAsLong();
      e.timeout = later(() -> timedOut(e, seq), timeoutNanos);
    }
    CompletableFuture<Duration> f;
    try {
      f = e.conn.ping();
    } catch (RuntimeException ex) {
      f = CompletableFuture.failedFuture(ex);
    }
    f.whenComplete((rtt, err) -> {
      if (err == null && rtt != null) {
        answered(e, seq, rtt);
      } else if (Failures.unwrap(err) instanceof UnsupportedOperationException) {
        unsupported(e);
      }
      // Any other failure (the connection closing, a transport's own bound) is left to the timeout.
    });
  }

  private void unsupported(Entry e) {
    boolean recovered;
    synchronized (e) {
      e.unsupported = true;
      e.outstanding = false;
      recovered = e.unhealthy;
      e.unhealthy = false;
      cancelAll(e);
    }
    if (recovered) {
      events.queueConnectionHealthy(e.conn);
      events.flush();
    }
  }

  private void answered(Entry e, long seq, Duration rtt) {
    long r = Math.max(1, rtt.toNanos());
    boolean recovered;
    synchronized (e) {
      if (e.stopped) {
        return;
      }
      // RFC 6298 section 2.2 and 2.3 (alpha 1/8, beta 1/4).
      if (e.srtt == UNKNOWN_RTT) {
        e.srtt = r;
        e.rttvar = r / 2;
      } else {
        e.rttvar = e.rttvar - (e.rttvar >> 2) + (Math.abs(e.srtt - r) >> 2);
        e.srtt = e.srtt - (e.srtt >> 3) + (r >> 3);
      }
      e.lastRtt = r;
      e.answered++;
      if (seq == e.seq && e.outstanding) {
        e.outstanding = false;
        cancel(e.timeout);
      }
      recovered = e.unhealthy;
      if (recovered) {
        e.unhealthy = false;
        cancel(e.closer);
        e.closer = null;
      }
    }
    if (recovered) {
      events.queueConnectionHealthy(e.conn);
      events.flush();
    }
  }

  private void timedOut(Entry e, long seq) {
    Duration silent;
    synchronized (e) {
      if (e.stopped || seq != e.seq || !e.outstanding) {
        return;
      }
      e.outstanding = false; // the next tick pings again; a late answer to this one still counts
      if (e.unhealthy) {
        return;
      }
      e.unhealthy = true;
      silent = Duration.ofNanos(Math.max(0, nanoTime.getAsLong() - e.sentAt));
      e.closer = later(() -> closeIfUnhealthy(e), graceNanos);
    }
    events.queueConnectionUnhealthy(e.conn, silent);
    events.flush();
  }

  private void closeIfUnhealthy(Entry e) {
    boolean close;
    synchronized (e) {
      close = e.unhealthy && !e.stopped;
    }
    if (close) {
      e.conn.close();
    }
  }

  /** A timer, or null if the scheduler was shut down (the swarm is closing). */
  private Future<?> later(Runnable task, long nanos) {
    try {
      return scheduler.schedule(task, nanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  private Future<?> repeat(Runnable task) {
    try {
      return scheduler.scheduleWithFixedDelay(task, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  private static void cancelAll(Entry e) {
    cancel(e.ticker);
    cancel(e.timeout);
    cancel(e.closer);
  }

  private static void cancel(Future<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }

  // ---- draining

  /** Takes {@code conn} out of stream placement for good (the swarm drains it). */
  public void markDraining(NetConn conn) {
    if (conn.isOpen()) {
      draining.add(conn);
      if (!conn.isOpen()) {
        draining.remove(conn); // closed meanwhile: its close future may have run already
      }
    }
  }

  // ---- ConnectionHealth: one map lookup, volatile reads, no allocation

  @Override
  public long smoothedRttNanos(NetConn conn) {
    Entry e = entries.get(conn);
    return e == null ? UNKNOWN_RTT : e.srtt;
  }

  @Override
  public long lastRttNanos(NetConn conn) {
    Entry e = entries.get(conn);
    return e == null ? UNKNOWN_RTT : e.lastRtt;
  }

  @Override
  public boolean healthy(NetConn conn) {
    Entry e = entries.get(conn);
    return e == null || !e.unhealthy;
  }

  @Override
  public boolean draining(NetConn conn) {
    return conn.isDraining() || draining.contains(conn);
  }

  /**
   * Whether a new stream may be placed on {@code conn}: open, healthy and not draining. The keep-N keeper
   * counts connections with this predicate.
   */
  @Override
  public boolean usable(NetConn conn) {
    return conn.isOpen() && healthy(conn) && !draining(conn);
  }

  // ---- snapshots

  /** A snapshot of each of {@code conns}, in their order; immutable. */
  public List<ConnectionStats> stats(List<NetConn> conns) {
    long now = nanoTime.getAsLong();
    List<ConnectionStats> out = new ArrayList<>(conns.size());
    for (NetConn c : conns) {
      out.add(stats(c, now));
    }
    return List.copyOf(out);
  }

  private ConnectionStats stats(NetConn c, long now) {
    Entry e = entries.get(c);
    long last = c.lastActivityNanos();
    return new ConnectionStats(c.id(), c.remotePeer(), c.direction(), c.remoteAddress(),
        e == null ? UNKNOWN_RTT : e.srtt, e == null ? UNKNOWN_RTT : e.rttvar, e == null ? 0 : e.answered,
        e == null || !e.unhealthy, draining(c), c.streamCount(), Math.max(NetConn.UNKNOWN, c.bytesSent()),
        Math.max(NetConn.UNKNOWN, c.bytesReceived()), e == null ? 0 : Math.max(0, now - e.admittedAt),
        last == NetConn.UNKNOWN ? ConnectionStats.UNKNOWN : Math.max(0, now - last));
  }
}
