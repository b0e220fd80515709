package io.braid.api;

import java.util.Map;
import java.util.Objects;

/**
 * What a {@link ResourceManager} has handed out at one moment, per scope: an immutable snapshot for
 * operators and tests. A scope appears only while it holds something (an address with no pending or
 * inbound connection, a peer with no stream, is left out), so a quiet node's snapshot is small.
 *
 * @param system the whole node
 * @param transientScope inbound handshakes whose peer is not known yet, and outbound handshakes queued
 * @param ips per remote IP address (its text, e.g. {@code 127.0.0.2})
 * @param subnets per remote subnet (e.g. {@code 127.0.0.0/24}, {@code 2001:db8:0:100::/56})
 * @param peers per remote peer (its id)
 * @param connections per connection (its {@link NetConn#id()})
 * @param protocols per protocol id
 * @param refusals how many times each limit refused something since the manager was made, by
 *     {@link ResourceLimits.Limit#configName()} (or a {@link ConnectionConfig} limit's name, e.g.
 *     {@code maxPendingHandshakes}), and {@code evictedPending} for handshakes evicted to make room
 */
public record ResourceUsage(Usage system, Usage transientScope, Map<String, Usage> ips, Map<String, Usage> subnets,
    Map<String, Usage> peers, Map<String, Usage> connections, Map<String, Usage> protocols,
    Map<String, Long> refusals) {

  /** Nothing used, nothing refused. */
  public static final ResourceUsage EMPTY = new ResourceUsage(Usage.NONE, Usage.NONE, Map.of(), Map.of(), Map.of(),
      Map.of(), Map.of(), Map.of());

  public ResourceUsage {
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(transientScope, "transientScope");
    ips = Map.copyOf(ips);
    subnets = Map.copyOf(subnets);
    peers = Map.copyOf(peers);
    connections = Map.copyOf(connections);
    protocols = Map.copyOf(protocols);
    refusals = Map.copyOf(refusals);
  }

  /** The total of {@link #refusals()}. */
  public long totalRefusals() {
    return refusals.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * One scope's use. Counts that do not apply to a scope are 0 (a protocol holds no connection).
   *
   * @param pending handshakes under way (inbound; the transient scope also counts outbound ones queued)
   * @param connectionsInbound inbound connections established (for an address: handshaking ones included)
   * @param connectionsOutbound outbound connections established
   * @param streamsInbound inbound streams open
   * @param streamsOutbound outbound streams open
   * @param memory bytes reserved for buffering
   */
  public record Usage(long pending, long connectionsInbound, long connectionsOutbound, long streamsInbound,
      long streamsOutbound, long memory) {
    /** All zero. */
    public static final Usage NONE = new Usage(0, 0, 0, 0, 0, 0);

    /** Whether every count is 0. */
    public boolean isEmpty() {
      return equals(NONE);
    }
  }
}
