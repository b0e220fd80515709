package io.braid.api;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a peer has the connections it has, as data and in words ({@link #describe()}): the keep target, the
 * current connections, what the last dial of each known address did and how long it stays in backoff,
 * which limits refused what recently, and the dials in flight. Returned by {@link Network#explain}; an
 * immutable snapshot, taken without stopping the network, so its parts may be a moment apart.
 *
 * @param peer the peer explained
 * @param keep whether the network keeps the peer connected, and how that goes
 * @param target the kept number of connections; 0 when {@code keep} is {@link Keep#NONE}
 * @param connections the open connections, oldest first; immutable
 * @param addresses each known address with its last dial result, in the address book's order; immutable
 * @param refusals limits that refused something for this peer (or the whole node) recently, newest
 *     first; immutable
 * @param dials dials in flight and waiting, for this peer and in total
 */
public record PeerExplanation(PeerId peer, Keep keep, int target, List<Connection> connections,
    List<AddressState> addresses, List<Refusal> refusals, Dials dials) {

  /** The state of {@link Network#keepConnected} (or the configured keep target) for the peer. */
  public enum Keep {
    /** The network does not keep this peer connected. */
    NONE,
    /** Kept, and at its target. */
    AT_TARGET,
    /** Kept, below its target: redialing (or waiting for the next round). */
    BELOW_TARGET,
    /** Kept until its redial rounds all failed; stopped until {@code keepConnected} is called again. */
    GAVE_UP
  }

  /** The last dial result of an address. */
  public enum Result {
    /** Never dialed (or not since the network started). */
    NONE,
    /** The last try made a connection. */
    OK,
    /** The last try failed. */
    FAILED
  }

  /** One open connection. */
  public record Connection(String id, Direction direction, Multiaddr remoteAddress) {
    public Connection {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(direction, "direction");
      Objects.requireNonNull(remoteAddress, "remoteAddress");
    }
  }

  /**
   * One known address.
   *
   * @param lastResult what its last try did
   * @param failure the failure's class and message ({@code "TransportException: connection refused"});
   *     empty unless {@code lastResult} is {@link Result#FAILED}
   * @param ago how long ago its last try ended; empty if {@code lastResult} is {@link Result#NONE}
   * @param failuresInARow consecutive failed tries (0 after a success)
   * @param backoffLeft how long a new dial still skips it; {@link Duration#ZERO} if it may be dialed now
   */
  public record AddressState(Multiaddr address, Result lastResult, String failure, Optional<Duration> ago,
      int failuresInARow, Duration backoffLeft) {
    public AddressState {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(lastResult, "lastResult");
      Objects.requireNonNull(failure, "failure");
      Objects.requireNonNull(ago, "ago");
      Objects.requireNonNull(backoffLeft, "backoffLeft");
    }
  }

  /**
   * A limit that refused something.
   *
   * @param scope the scope whose limit refused
   * @param scopeName which one of that scope (a peer id, a connection id, ...); empty for system-wide scopes
   * @param limit the limit's name as the configuration calls it ({@code maxDialsInFlight},
   *     {@code peerDialRate}, {@code streamsInboundPerPeer}, ...)
   * @param value the limit's value
   * @param current the use when it refused
   * @param what the refusal's message
   * @param ago how long ago
   */
  public record Refusal(ResourceScope scope, String scopeName, String limit, long value, long current,
      String what, Duration ago) {
    public Refusal {
      Objects.requireNonNull(scope, "scope");
      Objects.requireNonNull(scopeName, "scopeName");
      Objects.requireNonNull(limit, "limit");
      Objects.requireNonNull(what, "what");
      Objects.requireNonNull(ago, "ago");
    }

    /** The refusal {@code e} reported, {@code ago}. */
    public static Refusal of(LimitExceededException e, Duration ago) {
      return new Refusal(e.scope(), e.scopeName(), e.limit(), e.value(), e.current(),
          String.valueOf(e.getMessage()), ago);
    }
  }

  /**
   * Dials in flight and waiting.
   *
   * @param peerInFlight connection attempts to this peer under way (each holds a connection slot)
   * @param peerQueued tries to this peer waiting in the queue for a {@code maxDialsInFlight} slot (a try
   *     waiting for its {@code peerDialRate} token or for an address's backoff is counted in
   *     {@code peerInFlight} only)
   * @param inFlight tries under way to all peers
   * @param queued tries to all peers waiting for a {@code maxDialsInFlight} slot
   * @param maxInFlight {@link ConnectionConfig#maxDialsInFlight()}; 0 if the network has no such cap
   */
  public record Dials(int peerInFlight, int peerQueued, int inFlight, int queued, int maxInFlight) {
    /** No dial anywhere, no cap. */
    public static final Dials NONE = new Dials(0, 0, 0, 0, 0);
  }

  public PeerExplanation {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(keep, "keep");
    Objects.requireNonNull(dials, "dials");
    connections = List.copyOf(connections);
    addresses = List.copyOf(addresses);
    refusals = List.copyOf(refusals);
    if (target < 0 || (keep == Keep.NONE) != (target == 0)) {
      throw new IllegalArgumentException("target must be 0 exactly when keep is NONE, was " + target
          + " with keep " + keep);
    }
  }

  /** What a network that explains nothing else knows: the peer's open connections. */
  public static PeerExplanation ofConnections(PeerId peer, List<NetConn> connections) {
    return new PeerExplanation(peer, Keep.NONE, 0, connections.stream()
        .map(c -> new Connection(c.id(), c.direction(), c.remoteAddress())).toList(), List.of(), List.of(),
        Dials.NONE);
  }

  /**
   * The explanation in words, several lines, e.g.:
   * <pre>
   * peer 12D3KooW...: 2 connections, keep target 3 (below target)
   * connections:
   *   c-7 outbound /ip4/127.0.0.1/tcp/4001
   * addresses:
   *   /ip4/127.0.0.1/tcp/4001: ok 1.2 s ago
   *   /ip4/10.0.0.9/tcp/4001: failed 300 ms ago (TransportException: connection refused), 2 in a row, backoff 100 ms left
   * refused recently:
   *   peer 12D3KooW...: peerDialRate (10) reached, current 0, 20 ms ago
   * dials: 1 in flight to this peer, 0 waiting; 1 in flight in total (max 64), 0 queued
   * </pre>
   */
  public String describe() {
    StringBuilder b = new StringBuilder();
    b.append("peer ").append(peer).append(": ").append(connections.size())
        .append(connections.size() == 1 ? " connection" : " connections");
    switch (keep) {
      case NONE -> b.append(", not kept (no keep target)");
      case AT_TARGET -> b.append(", keep target ").append(target).append(" (at target)");
      case BELOW_TARGET -> b.append(", keep target ").append(target).append(" (below target, redialing)");
      case GAVE_UP -> b.append(", keep target ").append(target).append(" (gave up; call keepConnected again)");
    }
    b.append('\n').append("connections:");
    if (connections.isEmpty()) {
      b.append(" none");
    }
    for (Connection c : connections) {
      b.append("\n  ").append(c.id()).append(' ').append(c.direction().name().toLowerCase(Locale.ROOT))
          .append(' ').append(c.remoteAddress());
    }
    b.append('\n').append("addresses:");
    if (addresses.isEmpty()) {
      b.append(" none known");
    }
    for (AddressState a : addresses) {
      b.append("\n  ").append(a.address()).append(": ");
      switch (a.lastResult()) {
        case NONE -> b.append("not dialed yet");
        case OK -> b.append("ok ").append(words(a.ago().orElse(Duration.ZERO))).append(" ago");
        case FAILED -> b.append("failed ").append(words(a.ago().orElse(Duration.ZERO))).append(" ago (")
            .append(a.failure()).append("), ").append(a.failuresInARow()).append(" in a row");
      }
      if (!a.backoffLeft().isZero()) {
        b.append(", backoff ").append(words(a.backoffLeft())).append(" left");
      }
    }
    b.append('\n').append("refused recently:");
    if (refusals.isEmpty()) {
      b.append(" nothing");
    }
    for (Refusal r : refusals) {
      b.append("\n  ").append(r.scope().label()).append(r.scopeName().isEmpty() ? "" : " " + r.scopeName())
          .append(": ").append(r.limit()).append(" (").append(r.value()).append(") reached, current ")
          .append(r.current()).append(", ").append(words(r.ago())).append(" ago");
    }
    b.append('\n').append("dials: ").append(dials.peerInFlight()).append(" in flight to this peer, ")
        .append(dials.peerQueued()).append(" waiting; ").append(dials.inFlight()).append(" in flight in total");
    if (dials.maxInFlight() > 0) {
      b.append(" (max ").append(dials.maxInFlight()).append(')');
    }
    b.append(", ").append(dials.queued()).append(" queued");
    return b.toString();
  }

  /** {@link #describe()}. */
  @Override
  public String toString() {
    return describe();
  }

  /** {@code 350 ms}, {@code 1.2 s}, {@code 3 min}. */
  static String words(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 120_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    return (ms / 60_000) + " min";
  }
}
