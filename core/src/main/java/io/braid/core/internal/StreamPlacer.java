package io.braid.core.internal;

import io.braid.api.ConnectionClosedException;
import io.braid.api.ConnectionHealth;
import io.braid.api.Direction;
import io.braid.api.LimitExceededException;
import io.braid.api.LoadBalancer;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.NetworkMetrics.LimitScope;
import io.braid.api.PeerId;
import io.braid.api.ProtocolNegotiationException;
import io.braid.api.StreamHandler;
import io.braid.api.StreamOpenException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Places a new stream on one of a peer's connections (go-libp2p's {@code swarm_stream.go}): dials first if
 * the peer has none, asks the {@link LoadBalancer} for a connection, and on failure moves on to the other
 * open connections, oldest first. Failover is bounded: each connection of the snapshot is tried at most
 * once, and {@link StreamOpenException} reports every try. A {@link ProtocolNegotiationException} ends
 * the search at once, since the peer would refuse the protocol on any connection.
 *
 * <p>Health (issue 14): the candidates are the peer's open connections that are healthy and not draining
 * ({@link ConnectionHealth#usable}); the balancer gets them and the {@link ConnectionHealth} through the
 * three-argument {@code select}. If every open connection is unhealthy or draining, the unhealthy (not
 * draining) ones are the last resort: a late ping is no proof the connection is dead, and failing the open
 * would be worse than trying. If all of them are draining, the placer dials as it does for a peer without
 * connections, and fails with a {@link StreamOpenException} naming each draining connection if that
 * brings no usable one.
 *
 * <p>Threads: any thread; no state beyond its collaborators. The balancer is called with no lock held
 * (on the caller's thread, or the thread that completed the dial), as is each {@link NetConn#newStream};
 * the next try runs on the thread that completed the previous one. Metrics (the balancer's choice, the
 * open latency, streams opened and closed, a stream limit's refusal) are reported on those same threads,
 * with no lock held.
 */
public final class StreamPlacer {
  private static final Logger log = LoggerFactory.getLogger(StreamPlacer.class);

  private final LoadBalancer balancer;
  private final Function<PeerId, List<NetConn>> openConnections;
  private final Function<PeerId, CompletableFuture<List<NetConn>>> dialer;
  private final String balancerName;
  private final GuardedMetrics metrics;
  private final ConnectionHealth health;

  /**
   * @param openConnections a peer's open connections, oldest first (an immutable snapshot)
   * @param dialer dials a peer that has no connection yet
   */
  public StreamPlacer(LoadBalancer balancer, Function<PeerId, List<NetConn>> openConnections,
      Function<PeerId, CompletableFuture<List<NetConn>>> dialer) {
    this(balancer, nameOf(balancer), openConnections, dialer, GuardedMetrics.NONE, ConnectionHealth.NONE);
  }

  /**
   * @param balancerName the balancer's name in metrics (see {@code NetworkMetrics#balancerChoice})
   * @param openConnections a peer's open connections, oldest first (an immutable snapshot)
   * @param dialer dials a peer that has no connection yet
   * @param metrics where placements are reported
   */
  public StreamPlacer(LoadBalancer balancer, String balancerName, Function<PeerId, List<NetConn>> openConnections,
      Function<PeerId, CompletableFuture<List<NetConn>>> dialer, GuardedMetrics metrics) {
    this(balancer, balancerName, openConnections, dialer, metrics, ConnectionHealth.NONE);
  }

  /**
   * @param health which connections are healthy or draining, handed to the balancer
   */
  public StreamPlacer(LoadBalancer balancer, String balancerName, Function<PeerId, List<NetConn>> openConnections,
      Function<PeerId, CompletableFuture<List<NetConn>>> dialer, GuardedMetrics metrics, ConnectionHealth health) {
    this.health = Objects.requireNonNull(health, "health");
    this.balancerName = Objects.requireNonNull(balancerName, "balancerName");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.balancer = Objects.requireNonNull(balancer, "balancer");
    this.openConnections = Objects.requireNonNull(openConnections, "openConnections");
    this.dialer = Objects.requireNonNull(dialer, "dialer");
  }

  /**
   * A copy of {@code protocols}, checked.
   *
   * @throws IllegalArgumentException if there is none, or one is null or empty
   */
  public static String[] checkProtocols(String... protocols) {
    if (protocols.length == 0) {
      throw new IllegalArgumentException("newStream needs at least one protocol");
    }
    String[] offered = protocols.clone();
    for (int i = 0; i < offered.length; i++) {
      if (offered[i] == null || offered[i].isEmpty()) {
        throw new IllegalArgumentException("protocol " + i + " is " + (offered[i] == null ? "null" : "empty"));
      }
    }
    return offered;
  }

  /**
   * The name of a balancer instance in metrics: its class's simple name, or {@code custom} for a lambda,
   * an anonymous or a hidden class (whose names are neither stable nor readable).
   */
  public static String nameOf(LoadBalancer balancer) {
    Class<?> c = balancer.getClass();
    String simple = c.getSimpleName();
    return c.isAnonymousClass() || c.isSynthetic() || c.isHidden() || simple.isEmpty() || simple.contains("$")
        ? "custom" : simple;
  }

  /**
   * {@code handler}, reporting each inbound stream it gets as opened (and, when it ends, closed); the
   * handler itself if metrics are off.
   */
  public StreamHandler observeInbound(StreamHandler handler) {
    if (!metrics.enabled()) {
      return handler;
    }
    return stream -> {
      observe(stream);
      handler.handle(stream);
    };
  }

  private void observe(NetStream stream) {
    NetConn conn = stream.connection();
    PeerId peer = conn.remotePeer();
    Direction direction = stream.direction();
    metrics.streamOpened(peer, direction, conn.streamCount());
    stream.closeFuture().whenComplete((v, e) -> metrics.streamClosed(peer, direction, conn.streamCount()));
  }

  /** Opens a stream to {@code peer} speaking one of {@code protocols} (checked with {@link #checkProtocols}). */
  public CompletableFuture<NetStream> open(PeerId peer, String[] protocols) {
    if (metrics.enabled()) {
      long started = metrics.now();
      CompletableFuture<NetStream> f = place(peer, protocols);
      f.whenComplete((s, e) -> metrics.streamOpenLatency(peer, metrics.since(started), e == null));
      return f;
    }
    return place(peer, protocols);
  }

  private CompletableFuture<NetStream> place(PeerId peer, String[] protocols) {
    List<NetConn> open = openConnections.apply(peer);
    CompletableFuture<List<NetConn>> conns =
        placeable(open).isEmpty() ? dialer.apply(peer) : CompletableFuture.completedFuture(open);
    return conns.thenCompose(list -> {
      List<NetConn> now = openConnections.apply(peer);
      List<NetConn> all = now.isEmpty() ? ConnectionRegistry.onlyOpen(list) : now;
      List<NetConn> candidates = placeable(all);
      if (candidates.isEmpty()) {
        List<StreamOpenException.Attempt> draining = new ArrayList<>();
        for (NetConn c : all) {
          draining.add(new StreamOpenException.Attempt(c.id(),
              new ConnectionClosedException("connection " + c.id() + " is draining")));
        }
        return CompletableFuture.failedFuture(new StreamOpenException(peer, draining));
      }
      List<NetConn> order = failoverOrder(choose(peer, candidates), candidates);
      CompletableFuture<NetStream> result = new CompletableFuture<>();
      tryOpen(peer, order, 0, protocols, new ArrayList<>(), result);
      return result;
    });
  }

  /**
   * The connections of {@code open} a stream may go to: the usable ones (the list itself when all are,
   * so the common case allocates nothing), else the unhealthy ones that are not draining, else none.
   */
  List<NetConn> placeable(List<NetConn> open) {
    int n = open.size();
    int usable = 0;
    for (int i = 0; i < n; i++) {
      if (health.usable(open.get(i))) {
        usable++;
      }
    }
    if (usable == n) {
      return open;
    }
    List<NetConn> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      NetConn c = open.get(i);
      if (usable > 0 ? health.usable(c) : c.isOpen() && !health.draining(c)) {
        out.add(c);
      }
    }
    return List.copyOf(out);
  }

  /** The balancer's pick; the oldest candidate if it throws or returns something that is not a candidate. */
  NetConn choose(PeerId peer, List<NetConn> candidates) {
    try {
      NetConn c = balancer.select(peer, candidates, health);
      for (int i = 0, n = candidates.size(); i < n; i++) {
        if (candidates.get(i) == c) {
          metrics.balancerChoice(balancerName, i, n, false);
          return c;
        }
      }
      log.warn("load balancer {} returned a connection that was not a candidate; using the oldest", balancer);
    } catch (RuntimeException e) {
      log.warn("load balancer {} threw; using the oldest connection", balancer, e);
    }
    metrics.balancerChoice(balancerName, 0, candidates.size(), true);
    return candidates.get(0);
  }

  /** {@code chosen} first, then the other candidates in their order; each exactly once. */
  static List<NetConn> failoverOrder(NetConn chosen, List<NetConn> candidates) {
    List<NetConn> order = new ArrayList<>(candidates.size());
    order.add(chosen);
    for (NetConn c : candidates) {
      if (c != chosen) {
        order.add(c);
      }
    }
    return order;
  }

  private void tryOpen(PeerId peer, List<NetConn> order, int i, String[] protocols,
      List<StreamOpenException.Attempt> failures, CompletableFuture<NetStream> result) {
    if (i == order.size()) {
      result.completeExceptionally(new StreamOpenException(peer, failures));
      return;
    }
    NetConn conn = order.get(i);
    CompletableFuture<NetStream> f;
    try {
      f = conn.newStream(protocols);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete((stream, err) -> {
      if (err == null) {
        if (metrics.enabled()) {
          observe(stream); // before completing: a caller's callback may close it at once
        }
        if (!result.complete(stream)) {
          stream.reset();
        }
        return;
      }
      Throwable cause = Failures.unwrap(err);
      if (cause instanceof LimitExceededException limit) {
        LimitScope scope = GuardedMetrics.scopeOf(limit.limit());
        if (scope != null) {
          metrics.limitRefused(peer, scope, Direction.OUTBOUND);
        }
      }
      if (cause instanceof ProtocolNegotiationException) {
        result.completeExceptionally(cause); // the peer does not speak it on any connection
        return;
      }
      failures.add(new StreamOpenException.Attempt(conn.id(), cause));
      tryOpen(peer, order, i + 1, protocols, failures, result);
    });
  }
}
