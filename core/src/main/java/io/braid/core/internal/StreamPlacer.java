package io.braid.core.internal;

import io.braid.api.LoadBalancer;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.PeerId;
import io.braid.api.ProtocolNegotiationException;
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
 * <p>Threads: any thread; no state beyond its collaborators. The balancer is called with no lock held
 * (on the caller's thread, or the thread that completed the dial), as is each {@link NetConn#newStream};
 * the next try runs on the thread that completed the previous one.
 */
public final class StreamPlacer {
  private static final Logger log = LoggerFactory.getLogger(StreamPlacer.class);

  private final LoadBalancer balancer;
  private final Function<PeerId, List<NetConn>> openConnections;
  private final Function<PeerId, CompletableFuture<List<NetConn>>> dialer;

  /**
   * @param openConnections a peer's open connections, oldest first (an immutable snapshot)
   * @param dialer dials a peer that has no connection yet
   */
  public StreamPlacer(LoadBalancer balancer, Function<PeerId, List<NetConn>> openConnections,
      Function<PeerId, CompletableFuture<List<NetConn>>> dialer) {
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

  /** Opens a stream to {@code peer} speaking one of {@code protocols} (checked with {@link #checkProtocols}). */
  public CompletableFuture<NetStream> open(PeerId peer, String[] protocols) {
    List<NetConn> open = openConnections.apply(peer);
    CompletableFuture<List<NetConn>> conns =
        open.isEmpty() ? dialer.apply(peer) : CompletableFuture.completedFuture(open);
    return conns.thenCompose(list -> {
      List<NetConn> now = openConnections.apply(peer);
      List<NetConn> candidates = now.isEmpty() ? ConnectionRegistry.onlyOpen(list) : now;
      if (candidates.isEmpty()) {
        return CompletableFuture.failedFuture(new StreamOpenException(peer, List.of()));
      }
      List<NetConn> order = failoverOrder(choose(peer, candidates), candidates);
      CompletableFuture<NetStream> result = new CompletableFuture<>();
      tryOpen(peer, order, 0, protocols, new ArrayList<>(), result);
      return result;
    });
  }

  /** The balancer's pick; the oldest candidate if it throws or returns something that is not a candidate. */
  NetConn choose(PeerId peer, List<NetConn> candidates) {
    try {
      NetConn c = balancer.select(peer, candidates);
      for (NetConn x : candidates) {
        if (x == c) {
          return c;
        }
      }
      log.warn("load balancer {} returned a connection that was not a candidate; using the oldest", balancer);
    } catch (RuntimeException e) {
      log.warn("load balancer {} threw; using the oldest connection", balancer, e);
    }
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
        if (!result.complete(stream)) {
          stream.reset();
        }
        return;
      }
      Throwable cause = Failures.unwrap(err);
      if (cause instanceof ProtocolNegotiationException) {
        result.completeExceptionally(cause); // the peer does not speak it on any connection
        return;
      }
      failures.add(new StreamOpenException.Attempt(conn.id(), cause));
      tryOpen(peer, order, i + 1, protocols, failures, result);
    });
  }
}
