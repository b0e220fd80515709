package io.braid.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How many connections the swarm keeps per peer, how long one connection attempt may take, and which
 * load balancer spreads streams over them. Immutable and thread-safe.
 *
 * <p>Defaults ({@link #defaults()}): 3 connections per peer, a 30 s connection timeout, {@code round_robin}.
 *
 * <pre>{@code
 * ConnectionConfig config = ConnectionConfig.builder()
 *     .maxConnectionsPerPeer(5)
 *     .connectionTimeout(Duration.ofSeconds(10))
 *     .loadBalancingStrategy("least_loaded")
 *     .build();
 * }</pre>
 */
public final class ConnectionConfig {
  /** Default for {@link #maxConnectionsPerPeer()}. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_PEER = 3;
  /** Default for {@link #connectionTimeout()}. */
  public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(30);
  /** Default for {@link #loadBalancingStrategy()}. */
  public static final String DEFAULT_LOAD_BALANCING_STRATEGY = "round_robin";

  private static final ConnectionConfig DEFAULTS = builder().build();

  private final int maxConnectionsPerPeer;
  private final Duration connectionTimeout;
  private final String loadBalancingStrategy;

  private ConnectionConfig(Builder b) {
    this.maxConnectionsPerPeer = b.maxConnectionsPerPeer;
    this.connectionTimeout = b.connectionTimeout;
    this.loadBalancingStrategy = b.loadBalancingStrategy;
  }

  /** The defaults: 3 connections per peer, 30 s, {@code round_robin}. */
  public static ConnectionConfig defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration's values. */
  public Builder toBuilder() {
    return new Builder()
        .maxConnectionsPerPeer(maxConnectionsPerPeer)
        .connectionTimeout(connectionTimeout)
        .loadBalancingStrategy(loadBalancingStrategy);
  }

  /**
   * The number of live connections the swarm opens to (and accepts from) one peer, inbound and outbound
   * together, counting connections still handshaking. At least 1.
   */
  public int maxConnectionsPerPeer() {
    return maxConnectionsPerPeer;
  }

  /**
   * The bound on one connection attempt, from the start of the connect through the security and muxer
   * handshakes; also bounds an inbound handshake. Positive.
   */
  public Duration connectionTimeout() {
    return connectionTimeout;
  }

  /**
   * The name of the load balancer that picks a connection for each new stream, as registered with the
   * balancer registry ({@code round_robin}, {@code least_loaded}, or a plug-in's name). Resolved when the
   * swarm is built; an unknown name fails there with the list of known names.
   */
  public String loadBalancingStrategy() {
    return loadBalancingStrategy;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConnectionConfig c
        && c.maxConnectionsPerPeer == maxConnectionsPerPeer
        && c.connectionTimeout.equals(connectionTimeout)
        && c.loadBalancingStrategy.equals(loadBalancingStrategy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxConnectionsPerPeer, connectionTimeout, loadBalancingStrategy);
  }

  @Override
  public String toString() {
    return "ConnectionConfig{maxConnectionsPerPeer=" + maxConnectionsPerPeer
        + ", connectionTimeout=" + connectionTimeout
        + ", loadBalancingStrategy=" + loadBalancingStrategy + '}';
  }

  /** Builds a {@link ConnectionConfig}; each setter rejects a bad value at once. Not thread-safe. */
  public static final class Builder {
    private int maxConnectionsPerPeer = DEFAULT_MAX_CONNECTIONS_PER_PEER;
    private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
    private String loadBalancingStrategy = DEFAULT_LOAD_BALANCING_STRATEGY;

    private Builder() {}

    /** @throws IllegalArgumentException if {@code n < 1} */
    public Builder maxConnectionsPerPeer(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxConnectionsPerPeer must be >= 1, was " + n);
      }
      this.maxConnectionsPerPeer = n;
      return this;
    }

    /** @throws IllegalArgumentException if not positive; {@link NullPointerException} if null */
    public Builder connectionTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "connectionTimeout must not be null");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("connectionTimeout must be > 0, was " + timeout);
      }
      this.connectionTimeout = timeout;
      return this;
    }

    /** @throws IllegalArgumentException if blank; {@link NullPointerException} if null */
    public Builder loadBalancingStrategy(String name) {
      Objects.requireNonNull(name, "loadBalancingStrategy must not be null");
      if (name.isBlank()) {
        throw new IllegalArgumentException("loadBalancingStrategy must not be blank, was '" + name + "'");
      }
      this.loadBalancingStrategy = name;
      return this;
    }

    public ConnectionConfig build() {
      return new ConnectionConfig(this);
    }
  }
}
