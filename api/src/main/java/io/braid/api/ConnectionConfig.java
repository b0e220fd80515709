package io.braid.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How many connections the swarm keeps per peer, how long one connection attempt may take, and which
 * load balancer spreads streams over them. Immutable and thread-safe.
 *
 * <p>Defaults ({@link #defaults()}): 3 connections per peer, a 30 s connection timeout, a 10 s handshake
 * timeout, {@code round_robin}, 2048 connections and 128 pending handshakes in total; no keep target, 64
 * dials in flight, 10 dials per second to one peer with bursts of 20.
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
  /**
   * Default for {@link #maxConnections()}. Sized for a 2-core, 24 GiB node: a Yamux connection with a
   * handful of busy streams holds a few MiB of windows at worst, so 2048 stay well inside the heap,
   * and file descriptors (typically 65536) are not the bound.
   */
  public static final int DEFAULT_MAX_CONNECTIONS = 2048;
  /**
   * Default for {@link #maxPendingHandshakes()}. A Noise handshake costs a few hundred microseconds of
   * CPU; 128 in flight keep 2 cores busy without letting a flood of half-open connections pile up.
   */
  public static final int DEFAULT_MAX_PENDING_HANDSHAKES = 128;
  /**
   * Default for {@link #handshakeTimeout()}: a libp2p handshake over a slow link takes a few round trips,
   * well under a second; 10 s leaves room and frees an idle socket's slot three times sooner than the
   * connection timeout would.
   */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  // health (issue 14)
  /** Default for {@link #keepAliveInterval()}. */
  public static final Duration DEFAULT_KEEP_ALIVE_INTERVAL = Duration.ofSeconds(15);
  /** Default for {@link #keepAliveTimeout()}. */
  public static final Duration DEFAULT_KEEP_ALIVE_TIMEOUT = Duration.ofSeconds(10);
  /** Default for {@link #unhealthyGrace()}. */
  public static final Duration DEFAULT_UNHEALTHY_GRACE = Duration.ofSeconds(10);
  // keep-N and dial budget (issue 14)
  /** Default for {@link #keepConnectedTarget()}: off. */
  public static final int DEFAULT_KEEP_CONNECTED_TARGET = 0;
  /**
   * Default for {@link #maxDialsInFlight()}: a dial holds a socket and, once connected, a handshake's
   * CPU; 64 at once keep 2 cores busy while a reconnect storm after a network blip waits its turn.
   */
  public static final int DEFAULT_MAX_DIALS_IN_FLIGHT = 64;
  /** Default for {@link #peerDialRate()}: 10 tries per second to one peer, sustained. */
  public static final double DEFAULT_PEER_DIAL_RATE = 10.0;
  /** Default for {@link #peerDialBurst()}: 20 tries to one peer at once (a full dial and its retries). */
  public static final int DEFAULT_PEER_DIAL_BURST = 20;
  /** How many dials may wait for a {@link #maxDialsInFlight()} slot before more are refused. */
  public static final int MAX_QUEUED_DIALS = 1024;

  private static final ConnectionConfig DEFAULTS = builder().build();

  private final int maxConnectionsPerPeer;
  private final Duration connectionTimeout;
  private final String loadBalancingStrategy;
  private final int maxConnections;
  private final int maxPendingHandshakes;
  private final Duration handshakeTimeout;
  // health (issue 14)
  private final Duration keepAliveInterval;
  private final Duration keepAliveTimeout;
  private final Duration unhealthyGrace;
  // keep-N and dial budget (issue 14)
  private final int keepConnectedTarget;
  private final int maxDialsInFlight;
  private final double peerDialRate;
  private final int peerDialBurst;

  private ConnectionConfig(Builder b) {
    this.maxConnectionsPerPeer = b.maxConnectionsPerPeer;
    this.connectionTimeout = b.connectionTimeout;
    this.loadBalancingStrategy = b.loadBalancingStrategy;
    this.maxConnections = b.maxConnections;
    this.maxPendingHandshakes = b.maxPendingHandshakes;
    this.handshakeTimeout = b.handshakeTimeout;
    // health (issue 14)
    this.keepAliveInterval = b.keepAliveInterval;
    this.keepAliveTimeout = b.keepAliveTimeout;
    this.unhealthyGrace = b.unhealthyGrace;
    // keep-N and dial budget (issue 14)
    this.keepConnectedTarget = b.keepConnectedTarget;
    this.maxDialsInFlight = b.maxDialsInFlight;
    this.peerDialRate = b.peerDialRate;
    this.peerDialBurst = b.peerDialBurst;
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
        .loadBalancingStrategy(loadBalancingStrategy)
        .maxConnections(maxConnections)
        .maxPendingHandshakes(maxPendingHandshakes)
        .handshakeTimeout(handshakeTimeout)
        // health (issue 14)
        .keepAliveInterval(keepAliveInterval)
        .keepAliveTimeout(keepAliveTimeout)
        .unhealthyGrace(unhealthyGrace)
        // keep-N and dial budget (issue 14)
        .keepConnectedTarget(keepConnectedTarget)
        .maxDialsInFlight(maxDialsInFlight)
        .peerDialRate(peerDialRate)
        .peerDialBurst(peerDialBurst);
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

  /**
   * The most connections the node holds at once, to all peers, inbound and outbound, counting those
   * still handshaking. At least {@link #maxConnectionsPerPeer()}.
   */
  public int maxConnections() {
    return maxConnections;
  }

  /**
   * The most handshakes (inbound and outbound) under way at once. At least 1. An inbound connection over
   * it takes the slot of the oldest handshake of the address holding the most (if that address holds
   * more than the newcomer's), else it is closed; an outbound dial over it waits in the handshake queue
   * (see {@link ResourceLimits.Limit#QUEUED_HANDSHAKES}), within its {@link #connectionTimeout()}.
   */
  public int maxPendingHandshakes() {
    return maxPendingHandshakes;
  }

  /**
   * The bound on the security and muxer handshakes of one connection, inbound and outbound: an inbound
   * socket that has not finished them in time is closed and gives its handshake slot back. The transports
   * get the shorter of this and {@link #connectionTimeout()}. Positive.
   */
  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  // health (issue 14)

  /**
   * How often the swarm pings each connection ({@link NetConn#ping()}) to measure its RTT and see that it
   * lives; the first ping goes out when the connection is admitted. At least 1 ms; default 15 s.
   */
  public Duration keepAliveInterval() {
    return keepAliveInterval;
  }

  /**
   * How long a ping may go unanswered before the connection is marked unhealthy and leaves stream
   * placement. At least 1 ms; default 10 s.
   */
  public Duration keepAliveTimeout() {
    return keepAliveTimeout;
  }

  /**
   * How long an unhealthy connection may stay so before the swarm closes it (an answer in time makes it
   * healthy again). At least 0 (close at once); default 10 s.
   */
  public Duration unhealthyGrace() {
    return unhealthyGrace;
  }

  // keep-N and dial budget (issue 14)

  /**
   * The number of connections the swarm keeps to every peer the application dialed with
   * {@link Network#dialPeer}, until {@link Network#closePeer}: as {@link Network#keepConnected} with this
   * target, started by the first {@code dialPeer}. 0 (the default) turns it off. At most
   * {@link #maxConnectionsPerPeer()}.
   */
  public int keepConnectedTarget() {
    return keepConnectedTarget;
  }

  /**
   * The most connection tries (TCP connect through the handshakes) under way at once, to all peers. A
   * try over it waits in a FIFO queue of at most {@link #MAX_QUEUED_DIALS}, within its own
   * {@link #connectionTimeout()}; one that finds the queue full, or is still waiting when its timeout
   * passes, fails with {@link LimitExceededException} naming {@code maxDialsInFlight} (not retried). At
   * least 1; default {@value #DEFAULT_MAX_DIALS_IN_FLIGHT}.
   */
  public int maxDialsInFlight() {
    return maxDialsInFlight;
  }

  /**
   * Connection tries per second to one peer, sustained (a token bucket of {@link #peerDialBurst()}
   * tokens refilled at this rate), shared by application dials, retries and keep-N. A try that finds the
   * bucket empty waits for its token if that comes within its {@link #connectionTimeout()}, else fails
   * with {@link LimitExceededException} naming {@code peerDialRate} (not retried). Positive and finite;
   * default {@value #DEFAULT_PEER_DIAL_RATE}.
   */
  public double peerDialRate() {
    return peerDialRate;
  }

  /** The size of each peer's dial token bucket (see {@link #peerDialRate()}). At least 1. */
  public int peerDialBurst() {
    return peerDialBurst;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConnectionConfig c
        && c.maxConnections == maxConnections
        && c.maxPendingHandshakes == maxPendingHandshakes
        && c.handshakeTimeout.equals(handshakeTimeout)
        && c.maxConnectionsPerPeer == maxConnectionsPerPeer
        && c.connectionTimeout.equals(connectionTimeout)
        && c.loadBalancingStrategy.equals(loadBalancingStrategy)
        // health (issue 14)
        && c.keepAliveInterval.equals(keepAliveInterval)
        && c.keepAliveTimeout.equals(keepAliveTimeout)
        && c.unhealthyGrace.equals(unhealthyGrace)
        // keep-N and dial budget (issue 14)
        && c.keepConnectedTarget == keepConnectedTarget
        && c.maxDialsInFlight == maxDialsInFlight
        && Double.compare(c.peerDialRate, peerDialRate) == 0
        && c.peerDialBurst == peerDialBurst;
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxConnectionsPerPeer, connectionTimeout, loadBalancingStrategy, maxConnections,
        maxPendingHandshakes, handshakeTimeout,
        // health (issue 14)
        keepAliveInterval, keepAliveTimeout, unhealthyGrace,
        // keep-N and dial budget (issue 14)
        keepConnectedTarget, maxDialsInFlight, peerDialRate, peerDialBurst);
  }

  @Override
  public String toString() {
    return "ConnectionConfig{maxConnectionsPerPeer=" + maxConnectionsPerPeer
        + ", connectionTimeout=" + connectionTimeout
        + ", loadBalancingStrategy=" + loadBalancingStrategy
        + ", maxConnections=" + maxConnections
        + ", maxPendingHandshakes=" + maxPendingHandshakes
        + ", handshakeTimeout=" + handshakeTimeout
        // health (issue 14)
        + ", keepAliveInterval=" + keepAliveInterval
        + ", keepAliveTimeout=" + keepAliveTimeout
        + ", unhealthyGrace=" + unhealthyGrace
        // keep-N and dial budget (issue 14)
        + ", keepConnectedTarget=" + keepConnectedTarget
        + ", maxDialsInFlight=" + maxDialsInFlight
        + ", peerDialRate=" + peerDialRate
        + ", peerDialBurst=" + peerDialBurst + '}';
  }

  /** Builds a {@link ConnectionConfig}; each setter rejects a bad value at once. Not thread-safe. */
  public static final class Builder {
    private int maxConnectionsPerPeer = DEFAULT_MAX_CONNECTIONS_PER_PEER;
    private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
    private String loadBalancingStrategy = DEFAULT_LOAD_BALANCING_STRATEGY;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxPendingHandshakes = DEFAULT_MAX_PENDING_HANDSHAKES;
    private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
    // health (issue 14)
    private Duration keepAliveInterval = DEFAULT_KEEP_ALIVE_INTERVAL;
    private Duration keepAliveTimeout = DEFAULT_KEEP_ALIVE_TIMEOUT;
    private Duration unhealthyGrace = DEFAULT_UNHEALTHY_GRACE;

    private Builder() {}

    // health (issue 14)

    /** @throws IllegalArgumentException if under 1 ms; {@link NullPointerException} if null */
    public Builder keepAliveInterval(Duration interval) {
      this.keepAliveInterval = atLeast("keepAliveInterval", interval, Duration.ofMillis(1), "1 ms");
      return this;
    }

    /** @throws IllegalArgumentException if under 1 ms; {@link NullPointerException} if null */
    public Builder keepAliveTimeout(Duration timeout) {
      this.keepAliveTimeout = atLeast("keepAliveTimeout", timeout, Duration.ofMillis(1), "1 ms");
      return this;
    }

    /** @throws IllegalArgumentException if negative; {@link NullPointerException} if null */
    public Builder unhealthyGrace(Duration grace) {
      this.unhealthyGrace = atLeast("unhealthyGrace", grace, Duration.ZERO, "0");
      return this;
    }

    private static Duration atLeast(String field, Duration value, Duration min, String minText) {
      Objects.requireNonNull(value, field + " must not be null");
      if (value.compareTo(min) < 0) {
        throw new IllegalArgumentException(field + " must be >= " + minText + ", was " + value);
      }
      return value;
    }

    // keep-N and dial budget (issue 14)
    private int keepConnectedTarget = DEFAULT_KEEP_CONNECTED_TARGET;
    private int maxDialsInFlight = DEFAULT_MAX_DIALS_IN_FLIGHT;
    private double peerDialRate = DEFAULT_PEER_DIAL_RATE;
    private int peerDialBurst = DEFAULT_PEER_DIAL_BURST;

    // keep-N and dial budget (issue 14)

    /**
     * @throws IllegalArgumentException if {@code n < 0}; {@link #build()} also checks it against
     *     {@link #maxConnectionsPerPeer(int)}
     */
    public Builder keepConnectedTarget(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("keepConnectedTarget must be >= 0, was " + n);
      }
      this.keepConnectedTarget = n;
      return this;
    }

    /** @throws IllegalArgumentException if {@code n < 1} */
    public Builder maxDialsInFlight(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxDialsInFlight must be >= 1, was " + n);
      }
      this.maxDialsInFlight = n;
      return this;
    }

    /** @throws IllegalArgumentException if not positive, infinite or NaN */
    public Builder peerDialRate(double perSecond) {
      if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
        throw new IllegalArgumentException("peerDialRate must be > 0 and finite, was " + perSecond);
      }
      this.peerDialRate = perSecond;
      return this;
    }

    /** @throws IllegalArgumentException if {@code n < 1} */
    public Builder peerDialBurst(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("peerDialBurst must be >= 1, was " + n);
      }
      this.peerDialBurst = n;
      return this;
    }

    /** @throws IllegalArgumentException if not positive; {@link NullPointerException} if null */
    public Builder handshakeTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "handshakeTimeout must not be null");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("handshakeTimeout must be > 0, was " + timeout);
      }
      this.handshakeTimeout = timeout;
      return this;
    }

    /** @throws IllegalArgumentException if {@code n < 1}; {@link #build()} also checks it against the per-peer cap */
    public Builder maxConnections(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxConnections must be >= 1, was " + n);
      }
      this.maxConnections = n;
      return this;
    }

    /** @throws IllegalArgumentException if {@code n < 1} */
    public Builder maxPendingHandshakes(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxPendingHandshakes must be >= 1, was " + n);
      }
      this.maxPendingHandshakes = n;
      return this;
    }

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

    /**
     * @throws IllegalArgumentException if {@code maxConnections < maxConnectionsPerPeer} or
     *     {@code keepConnectedTarget > maxConnectionsPerPeer}
     */
    public ConnectionConfig build() {
      if (maxConnections < maxConnectionsPerPeer) {
        throw new IllegalArgumentException("maxConnections must be >= maxConnectionsPerPeer ("
            + maxConnectionsPerPeer + "), was " + maxConnections);
      }
      // keep-N and dial budget (issue 14)
      if (keepConnectedTarget > maxConnectionsPerPeer) {
        throw new IllegalArgumentException("keepConnectedTarget must be <= maxConnectionsPerPeer ("
            + maxConnectionsPerPeer + "), was " + keepConnectedTarget);
      }
      return new ConnectionConfig(this);
    }
  }
}
