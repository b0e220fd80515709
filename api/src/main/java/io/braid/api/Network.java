package io.braid.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The swarm: a node's connections to other peers, several per peer, and streams spread over them.
 *
 * <p>This is the Java form of py-libp2p's "multiple connections per peer" API ({@code dial_peer},
 * {@code get_connections}, {@code get_connections_map}, {@code get_connection}, {@code connections_legacy}),
 * with its weaknesses fixed: a one-address peer still gets {@link ConnectionConfig#maxConnectionsPerPeer()}
 * connections, the connection timeout bounds every attempt, only retryable failures are retried, the cap
 * never evicts a busy connection, and every view is an immutable snapshot.
 *
 * <h2>Threads</h2>
 * Every method is thread-safe and non-blocking except {@link #close()}. Futures complete on the network's
 * executor or a transport thread: dependent actions must not block there.
 *
 * <h2>Lifecycle</h2>
 * After {@link #close()}, every operation fails fast with {@link NetworkClosedException} (views return
 * empty snapshots).
 */
public interface Network extends AutoCloseable {

  /** This node's peer id. */
  PeerId localPeer();

  /**
   * Starts listening on {@code addresses} (port 0 picks a free port).
   *
   * @return the concrete addresses listened on, once all are bound
   */
  CompletableFuture<List<Multiaddr>> listen(Multiaddr... addresses);

  /** The addresses this node listens on now; immutable snapshot. */
  List<Multiaddr> listenAddresses();

  /** Adds addresses for {@code peer} to the address book used by {@link #dialPeer}. */
  void addAddresses(PeerId peer, Multiaddr... addresses);

  /**
   * Opens connections to {@code peer} until it has {@link ConnectionConfig#maxConnectionsPerPeer()} of
   * them (spreading over its known addresses, several to one address if need be), and returns them.
   * With the target already met it completes at once. Concurrent calls for one peer share the work.
   * The remote side admits each connection on its own threads, so it may list them a moment after
   * this future completes.
   *
   * @return the peer's open connections, oldest first (immutable), once the target is reached or every
   *     attempt has finished with at least one connection open; exceptionally with
   *     {@link DialException} (every attempt, with its cause) if none could be opened
   */
  CompletableFuture<List<NetConn>> dialPeer(PeerId peer);

  /** The open connections to {@code peer}, oldest first; an immutable snapshot, empty if none. */
  List<NetConn> getConnections(PeerId peer);

  /** Every open connection, grouped by peer, oldest first within a peer; an immutable snapshot. */
  List<NetConn> getConnections();

  /** Every peer with at least one open connection, mapped to its connections; an immutable deep snapshot. */
  Map<PeerId, List<NetConn>> getConnectionsMap();

  /** The oldest open connection to {@code peer}; empty if none. Never a closed connection. */
  Optional<NetConn> getConnection(PeerId peer);

  /**
   * Backward-compatible single-connection view: each connected peer mapped to its oldest open
   * connection; an immutable snapshot.
   */
  Map<PeerId, NetConn> connectionsLegacy();

  /**
   * Opens a stream to {@code peer}, dialing first if there is no open connection; the configured
   * {@link LoadBalancer} picks the connection, and if opening fails there the others are tried.
   *
   * @param protocols protocol ids in order of preference; at least one
   * @return the negotiated stream, or exceptionally with {@link DialException},
   *     {@link StreamOpenException} (every connection tried) or {@link ProtocolNegotiationException}
   */
  CompletableFuture<NetStream> newStream(PeerId peer, String... protocols);

  /** Routes inbound streams for {@code protocol} to {@code handler}, replacing any earlier one. */
  void setStreamHandler(String protocol, StreamHandler handler);

  /** Stops serving {@code protocol}; later inbound streams for it are refused. */
  void removeStreamHandler(String protocol);

  /** Adds a listener for connection events; adding the same instance twice has no effect. */
  void addListener(NetworkListener listener);

  /** Removes a listener; unknown listeners are ignored. */
  void removeListener(NetworkListener listener);

  /**
   * Closes every connection to {@code peer} and cancels pending dials to it.
   *
   * @return completes when they are all closed
   */
  CompletableFuture<Void> closePeer(PeerId peer);

  /**
   * Stops listeners, cancels pending dials, closes every connection. Idempotent. Starts the shutdown and
   * returns; {@link #closeFuture()} tells when it is complete.
   */
  @Override
  void close();

  /** Completes when {@link #close()} has released every listener, connection, dial and timer. */
  CompletableFuture<Void> closeFuture();

  /**
   * What this network's resource manager has handed out, per scope (system, transient, IP, subnet, peer,
   * connection, protocol), and how often each limit refused something: a snapshot, see
   * {@link ResourceManager}. A network that accounts nothing returns {@link ResourceUsage#EMPTY}.
   */
  default ResourceUsage resourceUsage() {
    return ResourceUsage.EMPTY;
  }

  // ---- health and drain (issue 14)

  /**
   * A snapshot of the health and traffic of each open connection to {@code peer}, oldest first;
   * immutable, empty if none. The default reports what each connection knows itself
   * ({@link ConnectionStats#of}), without RTT.
   */
  default List<ConnectionStats> stats(PeerId peer) {
    List<ConnectionStats> out = new ArrayList<>();
    for (NetConn c : getConnections(peer)) {
      out.add(ConnectionStats.of(c));
    }
    return List.copyOf(out);
  }

  /** {@link #stats(PeerId)} of every open connection, grouped by peer; immutable. */
  default List<ConnectionStats> stats() {
    List<ConnectionStats> out = new ArrayList<>();
    for (NetConn c : getConnections()) {
      out.add(ConnectionStats.of(c));
    }
    return List.copyOf(out);
  }

  /**
   * Drains {@code connection} (see {@link NetConn#drain}): it leaves stream placement at once, the remote
   * is told to open no more streams, streams in flight finish within {@code grace}, then it closes.
   *
   * @return completes with the close reason once it has closed
   * @throws IllegalArgumentException if {@code grace} is negative, or (for a network that checks) the
   *     connection is not one of this network's
   */
  default CompletableFuture<CloseReason> drain(NetConn connection, Duration grace) {
    return connection.drain(grace);
  }

  /**
   * Drains every connection with {@code grace}, then {@link #close()}s. Starts and returns; the future
   * completes with {@link #closeFuture()}.
   *
   * @throws IllegalArgumentException if {@code grace} is negative
   */
  default CompletableFuture<Void> close(Duration grace) {
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must be >= 0, was " + grace);
    }
    List<CompletableFuture<?>> drained = new ArrayList<>();
    for (NetConn c : getConnections()) {
      drained.add(drain(c, grace).handle((r, e) -> null));
    }
    CompletableFuture.allOf(drained.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> close());
    return closeFuture();
  }

  // keep-N and "why not" (issue 14)

  /**
   * Keeps {@code peer} at {@code n} connections: whenever it has fewer usable ones (inbound and outbound
   * alike; an inbound connection is never fought), the network redials in the background, over the peer's
   * known addresses, with {@link RetryConfig} backoff and jitter and within the dial budget
   * ({@link ConnectionConfig#maxDialsInFlight()}, {@link ConnectionConfig#peerDialRate()}). It reports
   * {@link NetworkListener#belowTarget}, {@link NetworkListener#targetRestored} and, after
   * {@code 1 + maxRetries} consecutive rounds that added no connection,
   * {@link NetworkListener#keepConnectedGaveUp}. A later call for the same peer replaces this one (the
   * earlier handle goes inactive). Keeping stops with the handle's {@code close()}, {@link #closePeer} of
   * the peer and {@link #close()}. The first round starts at once if the peer is below target.
   *
   * <p>The default throws {@link UnsupportedOperationException}: a network must opt in.
   *
   * @param n the number of connections, 1 to {@link ConnectionConfig#maxConnectionsPerPeer()}
   * @return the handle that stops it
   * @throws IllegalArgumentException if {@code n} is out of range (the message names both bounds)
   * @throws NetworkClosedException after {@link #close()}
   */
  default KeepConnected keepConnected(PeerId peer, int n) {
    throw new UnsupportedOperationException(getClass().getName() + " does not keep peers connected");
  }

  /**
   * Why {@code peer} has the connections it has: see {@link PeerExplanation}. Never blocks. The default
   * lists only the peer's open connections.
   */
  default PeerExplanation explain(PeerId peer) {
    return PeerExplanation.ofConnections(peer, getConnections(peer));
  }
}
