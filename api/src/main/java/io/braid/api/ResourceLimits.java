package io.braid.api;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The limits a {@link ResourceManager} enforces, one value per {@link Limit}, on top of the connection
 * budgets of {@link ConnectionConfig} (connections per peer and in total, pending handshakes in total,
 * which stay there). Immutable and thread-safe.
 *
 * <p>Defaults ({@link #defaults()}) are meant for a public node on a small machine, in the spirit of
 * go-libp2p's scaled defaults: a single address may hold 16 pending handshakes (a subnet 64), every
 * stream's memory is bounded, and streams are counted per connection, peer, protocol and node. Each
 * {@link Limit} documents its default.
 *
 * <pre>{@code
 * ResourceLimits limits = ResourceLimits.builder()
 *     .set(ResourceLimits.Limit.PENDING_PER_IP, 4)
 *     .set(ResourceLimits.Limit.STREAMS_INBOUND_PER_PEER, 128)
 *     .build();
 * }</pre>
 */
public final class ResourceLimits {

  /** One limit: its scope, what it counts, its default and its smallest allowed value. */
  public enum Limit {
    /** Inbound handshakes under way from one IP address. Default 16. */
    PENDING_PER_IP("pendingPerIp", ResourceScope.IP, 16, 1),
    /** Inbound handshakes under way from one /24 (IPv4) or /56 (IPv6) subnet. Default 64. */
    PENDING_PER_SUBNET("pendingPerSubnet", ResourceScope.SUBNET, 64, 1),
    /** Inbound connections (handshaking or established) from one IP address. Default 1024. */
    CONNECTIONS_INBOUND_PER_IP("connectionsInboundPerIp", ResourceScope.IP, 1024, 1),
    /** Inbound connections (handshaking or established) from one subnet. Default 2048. */
    CONNECTIONS_INBOUND_PER_SUBNET("connectionsInboundPerSubnet", ResourceScope.SUBNET, 2048, 1),
    /**
     * Inbound connections node-wide, handshaking or established (from addresses with an IP). Default 1536, so
     * that inbound connections alone cannot take every one of {@link ConnectionConfig#maxConnections()}'s
     * 2048 slots.
     */
    CONNECTIONS_INBOUND("connectionsInbound", ResourceScope.SYSTEM, 1536, 0),
    /** Outbound connections node-wide, dialing or established. Default 1536. */
    CONNECTIONS_OUTBOUND("connectionsOutbound", ResourceScope.SYSTEM, 1536, 0),
    /**
     * Inbound handshakes from one IP address that failed (garbage, a stall to the handshake deadline, a
     * wrong key) or whose connection was refused right after (per-peer cap, gater) within a 10-second
     * window. Reaching it bans the address: its new connections are refused before any crypto work for
     * 10 s, and for twice as long after each further consecutive offence, up to 320 s (a window that ends
     * below the limit forgives). A well-behaved client fails no handshake; a flood that reconnects as soon
     * as it is refused costs 16 handshakes, then 16 per 20 s, per 40 s, ... Default 16 (go-libp2p's
     * per-IP connection-rate burst).
     */
    FAILED_HANDSHAKES_PER_IP("failedHandshakesPerIp", ResourceScope.IP, 16, 1),
    /** Outbound handshakes under way to one peer; more wait in the handshake queue. Default 8. */
    PENDING_OUTBOUND_PER_PEER("pendingOutboundPerPeer", ResourceScope.PEER, 8, 1),
    /** Outbound handshakes waiting for a slot, node-wide; one more fails at once. Default 1024. */
    QUEUED_HANDSHAKES("queuedHandshakes", ResourceScope.TRANSIENT, 1024, 0),
    /**
     * Inbound streams refused on one connection within a 10-second window: by any stream or memory limit,
     * or reset right after negotiation because their protocol's scope was full. Going past it closes the
     * connection (Yamux GoAway, then close, with a {@link LimitExceededException} of this limit in
     * {@link CloseReason#refused}) and bans its address as if it had reached
     * {@link #FAILED_HANDSHAKES_PER_IP}. A peer that keeps opening streams it is refused is flooding, whether it
     * holds the streams it got or not (HTTP/2 servers close such connections the same way); a well-behaved
     * peer that meets a limit now and then stays far below it. Default 1024 (four times
     * {@link #STREAMS_INBOUND_PER_CONNECTION}).
     */
    REFUSED_STREAMS_PER_CONNECTION("refusedStreamsPerConnection", ResourceScope.CONNECTION, 1024, 1),
    /** Inbound streams on one connection. Default 256. */
    STREAMS_INBOUND_PER_CONNECTION("streamsInboundPerConnection", ResourceScope.CONNECTION, 256, 0),
    /** Outbound streams on one connection. Default 1024. */
    STREAMS_OUTBOUND_PER_CONNECTION("streamsOutboundPerConnection", ResourceScope.CONNECTION, 1024, 0),
    /** Inbound streams from one peer, over all its connections. Default 1024. */
    STREAMS_INBOUND_PER_PEER("streamsInboundPerPeer", ResourceScope.PEER, 1024, 0),
    /** Outbound streams to one peer, over all its connections. Default 4096. */
    STREAMS_OUTBOUND_PER_PEER("streamsOutboundPerPeer", ResourceScope.PEER, 4096, 0),
    /** Inbound streams of one protocol, node-wide. Default 4096. */
    STREAMS_INBOUND_PER_PROTOCOL("streamsInboundPerProtocol", ResourceScope.PROTOCOL, 4096, 0),
    /** Outbound streams of one protocol, node-wide. Default 16384. */
    STREAMS_OUTBOUND_PER_PROTOCOL("streamsOutboundPerProtocol", ResourceScope.PROTOCOL, 16384, 0),
    /** Inbound streams, node-wide. Default 8192. */
    STREAMS_INBOUND("streamsInbound", ResourceScope.SYSTEM, 8192, 0),
    /** Outbound streams, node-wide. Default 16384. */
    STREAMS_OUTBOUND("streamsOutbound", ResourceScope.SYSTEM, 16384, 0),
    /** Bytes one stream may buffer. Default 16 MiB (Yamux's largest receive window). */
    MEMORY_PER_STREAM("memoryPerStream", ResourceScope.STREAM, 16L << 20, 0),
    /** Bytes one connection's streams may buffer together. Default 256 MiB. */
    MEMORY_PER_CONNECTION("memoryPerConnection", ResourceScope.CONNECTION, 256L << 20, 0),
    /** Bytes one peer's streams may buffer together. Default 512 MiB. */
    MEMORY_PER_PEER("memoryPerPeer", ResourceScope.PEER, 512L << 20, 0),
    /** Bytes all streams may buffer together. Default 2 GiB. */
    MEMORY("memory", ResourceScope.SYSTEM, 2L << 30, 0);

    private final String configName;
    private final ResourceScope scope;
    private final long defaultValue;
    private final long minimum;

    Limit(String configName, ResourceScope scope, long defaultValue, long minimum) {
      this.configName = configName;
      this.scope = scope;
      this.defaultValue = defaultValue;
      this.minimum = minimum;
    }

    /** The name messages and {@link LimitExceededException#limit()} use, e.g. {@code pendingPerIp}. */
    public String configName() {
      return configName;
    }

    /** The scope this limit bounds. */
    public ResourceScope scope() {
      return scope;
    }

    /** The value of {@link ResourceLimits#defaults()}. */
    public long defaultValue() {
      return defaultValue;
    }

    /** The smallest value the builder accepts (0 where 0 means "refuse every one"). */
    public long minimum() {
      return minimum;
    }
  }

  private static final ResourceLimits DEFAULTS = builder().build();

  private final EnumMap<Limit, Long> values;

  private ResourceLimits(EnumMap<Limit, Long> values) {
    this.values = new EnumMap<>(values);
  }

  /** The defaults: each {@link Limit}'s {@link Limit#defaultValue()}. */
  public static ResourceLimits defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.values.putAll(values);
    return b;
  }

  /** The value of {@code limit}. */
  public long get(Limit limit) {
    return values.get(Objects.requireNonNull(limit, "limit"));
  }

  /** Every value, by limit; an immutable copy. */
  public Map<Limit, Long> asMap() {
    return Map.copyOf(values);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResourceLimits r && r.values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ResourceLimits{");
    values.forEach((k, v) -> sb.append(sb.length() > 15 ? ", " : "").append(k.configName).append('=').append(v));
    return sb.append('}').toString();
  }

  /** Builds {@link ResourceLimits}; each setter rejects a bad value at once. Not thread-safe. */
  public static final class Builder {
    private final EnumMap<Limit, Long> values = new EnumMap<>(Limit.class);

    private Builder() {
      for (Limit l : Limit.values()) {
        values.put(l, l.defaultValue);
      }
    }

    /**
     * Sets {@code limit} to {@code value}.
     *
     * @throws IllegalArgumentException if {@code value} is below {@link Limit#minimum()}; the message names
     *     the limit, the bound and the value (e.g. {@code pendingPerIp must be >= 1, was 0})
     */
    public Builder set(Limit limit, long value) {
      Objects.requireNonNull(limit, "limit");
      if (value < limit.minimum) {
        throw new IllegalArgumentException(limit.configName + " must be >= " + limit.minimum + ", was " + value);
      }
      values.put(limit, value);
      return this;
    }

    /**
     * @throws IllegalArgumentException if a narrower limit exceeds the wider one it is part of: a subnet's
     *     pending handshakes below an address's, or memory per stream above memory per connection, per
     *     connection above per peer, per peer above the total
     */
    public ResourceLimits build() {
      atMost(Limit.PENDING_PER_IP, Limit.PENDING_PER_SUBNET);
      atMost(Limit.CONNECTIONS_INBOUND_PER_IP, Limit.CONNECTIONS_INBOUND_PER_SUBNET);
      atMost(Limit.PENDING_PER_IP, Limit.CONNECTIONS_INBOUND_PER_IP);
      atMost(Limit.MEMORY_PER_STREAM, Limit.MEMORY_PER_CONNECTION);
      atMost(Limit.MEMORY_PER_CONNECTION, Limit.MEMORY_PER_PEER);
      atMost(Limit.MEMORY_PER_PEER, Limit.MEMORY);
      return new ResourceLimits(values);
    }

    private void atMost(Limit narrow, Limit wide) {
      long n = values.get(narrow);
      long w = values.get(wide);
      if (n > w) {
        throw new IllegalArgumentException(narrow.configName + " must be <= " + wide.configName + " (" + w
            + "), was " + n);
      }
    }
  }
}
