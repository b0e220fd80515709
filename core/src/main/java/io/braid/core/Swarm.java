package io.braid.core;

import io.braid.api.CloseReason;
import io.braid.api.ConnectionConfig;
import io.braid.api.ConnectionGater;
import io.braid.api.ConnectionHealth;
import io.braid.api.ConnectionStats;
import io.braid.api.DialException;
import io.braid.api.HostIdentity;
import io.braid.api.KeepConnected;
import io.braid.api.LimitExceededException;
import io.braid.api.LoadBalancer;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.Network;
import io.braid.api.NetworkClosedException;
import io.braid.api.NetworkListener;
import io.braid.api.NetworkMetrics;
import io.braid.api.PeerExplanation;
import io.braid.api.PeerId;
import io.braid.api.ResourceLimits;
import io.braid.api.ResourceManager;
import io.braid.api.ResourceUsage;
import io.braid.api.RetryConfig;
import io.braid.api.StreamHandler;
import io.braid.api.Transport;
import io.braid.api.TransportContext;
import io.braid.api.TransportProvider;
import io.braid.balancer.spi.LoadBalancerRegistry;
import io.braid.core.internal.AddressBook;
import io.braid.core.internal.Admission;
import io.braid.core.internal.BackoffPolicy;
import io.braid.core.internal.ConnectionKeeper;
import io.braid.core.internal.ConnectionRegistry;
import io.braid.core.internal.DialBudget;
import io.braid.core.internal.DialCoordinator;
import io.braid.core.internal.Drainer;
import io.braid.core.internal.EventDispatcher;
import io.braid.core.internal.Failures;
import io.braid.core.internal.GuardedGater;
import io.braid.core.internal.GuardedMetrics;
import io.braid.core.internal.HandshakeQueue;
import io.braid.core.internal.HealthMonitor;
import io.braid.core.internal.Lifecycle;
import io.braid.core.internal.PeerExplainer;
import io.braid.core.internal.RefusalLog;
import io.braid.core.internal.ScopedResourceManager;
import io.braid.core.internal.SlotPool;
import io.braid.core.internal.StreamPlacer;
import io.braid.core.internal.TransportSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Braid's {@link Network}: keeps up to {@link ConnectionConfig#maxConnectionsPerPeer()} live connections
 * per peer and spreads streams over them with a {@link LoadBalancer}.
 *
 * <pre>{@code
 * Swarm swarm = Swarm.builder(identity)
 *     .connectionConfig(ConnectionConfig.builder().maxConnectionsPerPeer(3).build())
 *     .retryConfig(RetryConfig.defaults())
 *     .build();                        // transports and the balancer are found with ServiceLoader
 * swarm.addAddresses(peer, addr);
 * List<NetConn> conns = swarm.dialPeer(peer).get(30, SECONDS);   // 3 connections, even to one address
 * NetStream s = swarm.newStream(peer, "/echo/1.0.0").get(30, SECONDS);
 * }</pre>
 *
 * <h2>Design</h2>
 * A facade: it checks arguments and delegates to collaborators in {@code io.braid.core.internal}, one per
 * concern, as go-libp2p splits its swarm into files. {@code DialCoordinator} shares one dial per peer
 * between concurrent callers (a later {@code dialPeer} joins it, adding attempts for slots freed
 * meanwhile); its {@code DialWorker} runs the attempts, {@code BackoffPolicy} retries and timeouts.
 * {@code Admission} reserves slots before each handshake, gives them back on every path and settles
 * simultaneous dials: <b>the connection dialed by the peer with the smaller peer id is kept</b>.
 * {@code ConnectionRegistry} holds each peer's connections and the views; {@code StreamPlacer} places
 * streams with the balancer and fails over; {@code EventDispatcher} delivers events; {@code Lifecycle}
 * closes; {@code SlotPool}, {@code AddressBook} and {@code TransportSet} hold the global budgets, the
 * addresses and the transports. {@code ScopedResourceManager} is the {@link ResourceManager} the
 * transports ask for streams and memory; its {@code InboundGate} caps pending handshakes per address and
 * subnet (evicting the oldest of the address holding the most when the global cap is full), and
 * {@code HandshakeQueue} makes outbound dials beyond the pending caps wait their turn within their
 * timeout. {@code DialBudget} caps dials in flight, rate-limits each peer and remembers each address's
 * backoff; {@code ConnectionKeeper} keeps peers at their {@link #keepConnected} target; {@code PeerExplainer}
 * answers {@link #explain}. The collaborators never call back into this class.
 *
 * <h2>Concurrency</h2>
 * Thread-safe. What guards what:
 * <ul>
 *   <li>Each peer has one record ({@code PeerState}) with its own lock, shared by the registry (its
 *       connections), admission (its reserved and superseded slots) and the dial coordinator (its dial
 *       and attempts). Every change of a peer happens under that lock, so the per-peer cap holds at every
 *       moment, handshakes in flight included. Its connection list is an immutable snapshot in a volatile
 *       field, replaced on each change, so views never lock.</li>
 *   <li>{@code SlotPool} guards the global connection and handshake counters and the closed bit with its
 *       own lock, always the innermost (taken inside a peer lock, never around one); setting the closed
 *       bit under it ensures no slot is handed out once close began.</li>
 *   <li>Addresses, stream handlers, listeners and transport listeners are concurrent collections; the
 *       retry jitter generator is drawn from under its own monitor.</li>
 * </ul>
 * <b>No lock is held while calling out</b>: to transports, connections ({@code newStream},
 * {@code close}), the gater, the balancer, listeners, or futures a caller may have attached code to.
 * Under a peer lock the code only updates fields, reserves slots and <em>queues</em> events in the order
 * of the changes; after unlocking it gives global slots back (which may complete {@link #closeFuture()}),
 * delivers the queued events and completes futures. The gater and the balancer are asked before any lock
 * is taken. So a listener, a callback or a balancer may call into the swarm from any thread without
 * deadlock, and a peer's events never overtake each other (a disconnect queued by one thread cannot
 * arrive after the reconnect another thread made just after it). {@link NetworkMetrics} events follow the
 * same rule: a change made under a peer lock captures its values there (the peer's connection count of
 * that moment) and reports them after unlocking, on the thread that made the change; a throwing
 * implementation is caught and logged (see {@link Builder#metrics}).
 *
 * <p>Threads: futures of {@link #dialPeer}, {@link #newStream} and {@link #listen} complete on transport
 * threads, the scheduler (retries, timeouts) or the calling thread; inbound connections are handled on
 * transport threads; listener events run on the configured executor, one at a time, each exactly once,
 * a throwing listener logged and skipped. {@link #close()} fails pending dials with
 * {@link NetworkClosedException}, reports the connections it closes with a
 * {@link CloseReason.Kind#SHUTDOWN} reason, and completes {@link #closeFuture()} only once every
 * connection slot and handshake slot is back.
 */
public final class Swarm implements Network {
  private final PeerId localPeer;
  private final ConnectionConfig config;
  private final RetryConfig retry;
  private final LoadBalancer balancer;
  private final GuardedMetrics metrics;
  private final ScopedResourceManager resources;
  private final ConcurrentHashMap<String, StreamHandler> handlers = new ConcurrentHashMap<>();
  private final TransportSet transports;
  private final SlotPool slots;
  private final EventDispatcher events;
  private final AddressBook addressBook = new AddressBook();
  private final ConnectionRegistry registry;
  private final Admission admission;
  private final DialCoordinator dials;
  private final StreamPlacer placer;
  private final Lifecycle lifecycle;
  // health and drain (issue 14)
  private final HealthMonitor health;
  private final Drainer drainer;
  // keep-N, dial budget, explain (issue 14)
  private final ConnectionKeeper keeper;
  private final PeerExplainer explainer;

  private Swarm(Builder b) {
    HostIdentity identity = b.identity;
    this.localPeer = identity.peerId();
    this.config = b.connectionConfig;
    this.retry = b.retryConfig;
    // Resolve everything that can fail before making anything that must be released (transports, a timer).
    if (b.balancer != null) {
      this.balancer = b.balancer;
    } else {
      LoadBalancerRegistry registry = b.registry != null ? b.registry : LoadBalancerRegistry.getDefault();
      this.balancer = registry.create(config.loadBalancingStrategy());
    }
    String balancerName = b.balancer != null ? StreamPlacer.nameOf(b.balancer) : config.loadBalancingStrategy();
    this.metrics = new GuardedMetrics(b.metrics, System::nanoTime);
    this.resources = new ScopedResourceManager(b.resourceLimits, metrics);
    Duration handshakeTimeout = config.handshakeTimeout().compareTo(config.connectionTimeout()) < 0
        ? config.handshakeTimeout() : config.connectionTimeout();
    // The router is only asked once listening, so after the constructor assigned placer.
    this.transports = TransportSet.create(b.transportFactories, new TransportContext(identity,
        new HandlerRouter(handlers, this::observed), handshakeTimeout, metrics, resources));
    ScheduledExecutorService scheduler = b.scheduler != null ? b.scheduler : Lifecycle.newTimer();
    GuardedGater gater = new GuardedGater(b.gater);
    this.slots = new SlotPool(config);
    this.events = new EventDispatcher(b.executor != null ? b.executor : ForkJoinPool.commonPool());
    this.registry = new ConnectionRegistry(slots, events, metrics);
    HandshakeQueue handshakes = new HandshakeQueue(slots, b.resourceLimits);
    this.admission = new Admission(localPeer, config.maxConnectionsPerPeer(), slots, registry, gater, metrics,
        resources, handshakes);
    resources.observe(registry::connections, slots::pendingHandshakes);
    BackoffPolicy backoff = new BackoffPolicy(retry, b.random != null ? b.random : new SplittableRandom());
    // keep-N, dial budget, explain (issue 14)
    LongSupplier ticker = b.nanoTime;
    DialBudget budget = new DialBudget(config, ticker);
    RefusalLog refusals = new RefusalLog(ticker);
    resources.observeRefusals(refusals::record);
    this.dials = new DialCoordinator(localPeer, config, backoff, scheduler, transports, gater, slots, admission,
        registry, addressBook, metrics, handshakes, budget, refusals);
    // health and drain (issue 14): the monitor watches every admitted connection (it listens first).
    this.health = new HealthMonitor(config, scheduler, ticker, events);
    events.addListener(health);
    this.placer = new StreamPlacer(balancer, balancerName, registry::connections, dials::dial, metrics, health);
    // keep-N counts only usable connections: open, not draining, healthy
    this.keeper = new ConnectionKeeper(registry::connections, health::usable, dials::dial, backoff, scheduler,
        ticker, events);
    events.addListener(keeper);
    this.drainer = new Drainer(health, scheduler, keeper::replaceFirst); // a kept peer's replacement first
    this.explainer = new PeerExplainer(keeper, registry, addressBook, budget, refusals);
    this.lifecycle = new Lifecycle(localPeer, slots, transports, registry, dials, scheduler, b.scheduler == null);
  }

  /** A swarm with default configuration, transports and balancer found with {@link ServiceLoader}. */
  public static Swarm create(HostIdentity identity) {
    return builder(identity).build();
  }

  /** A builder for a swarm with {@code identity}. */
  public static Builder builder(HostIdentity identity) {
    return new Builder(identity);
  }

  // ---- identity, configuration, listening

  @Override
  public PeerId localPeer() {
    return localPeer;
  }

  /** The connection configuration in force. */
  public ConnectionConfig connectionConfig() {
    return config;
  }

  /** The retry configuration in force. */
  public RetryConfig retryConfig() {
    return retry;
  }

  /** The resource limits in force (see {@link Builder#resourceLimits}). */
  public ResourceLimits resourceLimits() {
    return resources.limits();
  }

  /** The resource manager the transports ask before they open or accept a stream. */
  public ResourceManager resourceManager() {
    return resources;
  }

  /**
   * {@inheritDoc} The transient scope's {@code pending} counts handshakes under way in both directions;
   * refusals include the {@link ConnectionConfig} limits ({@code maxConnections},
   * {@code maxPendingHandshakes}, {@code maxConnectionsPerPeer}) met by inbound connections.
   */
  @Override
  public ResourceUsage resourceUsage() {
    return resources.usage();
  }

  /** The balancer that places streams. */
  public LoadBalancer loadBalancer() {
    return balancer;
  }

  /** The transports this swarm dials and listens with; immutable. */
  public List<Transport> transports() {
    return transports.transports();
  }

  @Override
  public CompletableFuture<List<Multiaddr>> listen(Multiaddr... addresses) {
    if (addresses.length == 0) {
      throw new IllegalArgumentException("listen needs at least one address");
    }
    if (isClosed()) {
      return CompletableFuture.failedFuture(Failures.closed(localPeer));
    }
    return transports.listen(addresses, admission, slots, localPeer);
  }

  @Override
  public List<Multiaddr> listenAddresses() {
    return isClosed() ? List.of() : transports.listenAddresses();
  }

  /**
   * {@inheritDoc} A {@code /p2p/<id>} suffix is stripped; duplicates are ignored.
   *
   * @throws IllegalArgumentException if an address names another peer
   * @throws NetworkClosedException after {@link #close()}
   */
  @Override
  public void addAddresses(PeerId peer, Multiaddr... addresses) {
    Objects.requireNonNull(peer, "peer");
    checkOpen();
    addressBook.add(peer, addresses);
  }

  /** The addresses known for {@code peer}, in the order they were added; immutable. */
  public List<Multiaddr> addresses(PeerId peer) {
    return addressBook.addresses(peer);
  }

  // ---- views

  @Override
  public List<NetConn> getConnections(PeerId peer) {
    return registry.connections(Objects.requireNonNull(peer, "peer"));
  }

  @Override
  public List<NetConn> getConnections() {
    return registry.connections();
  }

  @Override
  public Map<PeerId, List<NetConn>> getConnectionsMap() {
    return registry.connectionsMap();
  }

  @Override
  public Optional<NetConn> getConnection(PeerId peer) {
    return registry.oldest(Objects.requireNonNull(peer, "peer"));
  }

  @Override
  public Map<PeerId, NetConn> connectionsLegacy() {
    return registry.oldestPerPeer();
  }

  // ---- dialing and streams

  /**
   * {@inheritDoc} Attempts are spread over the peer's addresses (attempt {@code i}, try {@code k} uses
   * address {@code (i + k) mod n}, skipping addresses the gater denies or no transport supports). A
   * failure is retried only if {@link DialException#isRetryable} says so. Fails at once with
   * {@link LimitExceededException} if {@link ConnectionConfig#maxConnections()} leaves no slot and the peer
   * has no open connection, and with {@link NetworkClosedException} after (or during) {@link #close()}.
   * Cancelling the returned future withdraws this caller; the attempts stop when no caller is left.
   */
  @Override
  public CompletableFuture<List<NetConn>> dialPeer(PeerId peerId) {
    CompletableFuture<List<NetConn>> dial = dials.dial(Objects.requireNonNull(peerId, "peer"));
    if (config.keepConnectedTarget() > 0 && !dial.isCompletedExceptionally()) {
      keeper.keepByDefault(peerId, config.keepConnectedTarget()); // until closePeer (issue 14)
    }
    return dial;
  }

  // ---- keep-N and "why not" (issue 14)

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if {@code n < 1} or {@code n > maxConnectionsPerPeer}
   */
  @Override
  public KeepConnected keepConnected(PeerId peer, int n) {
    Objects.requireNonNull(peer, "peer");
    if (n < 1 || n > config.maxConnectionsPerPeer()) {
      throw new IllegalArgumentException("keepConnected target must be >= 1 and <= maxConnectionsPerPeer ("
          + config.maxConnectionsPerPeer() + "), was " + n);
    }
    if (peer.equals(localPeer)) {
      throw new IllegalArgumentException("cannot keep the local peer connected");
    }
    checkOpen();
    return keeper.keep(peer, n);
  }

  @Override
  public PeerExplanation explain(PeerId peer) {
    return explainer.explain(Objects.requireNonNull(peer, "peer"));
  }

  /**
   * {@inheritDoc} The balancer's pick is tried first, then the other open connections, oldest first.
   *
   * @throws IllegalArgumentException if no protocol is given, or one is null or empty
   */
  @Override
  public CompletableFuture<NetStream> newStream(PeerId peer, String... protocols) {
    Objects.requireNonNull(peer, "peer");
    String[] offered = StreamPlacer.checkProtocols(protocols);
    if (isClosed()) {
      return CompletableFuture.failedFuture(Failures.closed(localPeer));
    }
    return placer.open(peer, offered);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if {@code protocol} is empty
   * @throws NetworkClosedException after {@link #close()}
   */
  @Override
  public void setStreamHandler(String protocol, StreamHandler handler) {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(handler, "handler");
    checkOpen();
    if (protocol.isEmpty()) {
      throw new IllegalArgumentException("protocol must not be empty");
    }
    handlers.put(protocol, handler);
  }

  @Override
  public void removeStreamHandler(String protocol) {
    Objects.requireNonNull(protocol, "protocol");
    handlers.remove(protocol);
  }

  /** {@code handler}, its inbound streams reported to the metrics (asked once listening, after placer is set). */
  private StreamHandler observed(StreamHandler handler) {
    return placer.observeInbound(handler);
  }

  // ---- events and lifecycle

  /** @throws NetworkClosedException if the network is closed */
  @Override
  public void addListener(NetworkListener listener) {
    Objects.requireNonNull(listener, "listener");
    checkOpen();
    events.addListener(listener);
  }

  /** Allowed after {@link #close()} too. */
  @Override
  public void removeListener(NetworkListener listener) {
    events.removeListener(listener);
  }

  /** {@inheritDoc} A pending dial to the peer fails with {@link DialException}; fails after {@link #close()}. */
  @Override
  public CompletableFuture<Void> closePeer(PeerId peer) {
    Objects.requireNonNull(peer, "peer");
    if (isClosed()) {
      return CompletableFuture.failedFuture(Failures.closed(localPeer));
    }
    keeper.stop(peer);
    return lifecycle.closePeer(peer, new DialException(peer, "cancelled by closePeer", List.of()));
  }

  /**
   * Stops the transport listeners, cancels pending dials (their futures fail with
   * {@link NetworkClosedException}), closes every connection (listeners see each close, with a
   * {@link CloseReason.Kind#SHUTDOWN} reason, then the peer's disconnection) and closes the transports.
   * Idempotent. {@link #closeFuture()} completes once every slot and handshake is released.
   */
  @Override
  public void close() {
    health.close();
    keeper.close();
    lifecycle.close();
  }

  /**
   * Completes once {@link #close()} has closed every transport listener and every connection, and every
   * dial attempt, connection slot and handshake slot is released.
   */
  @Override
  public CompletableFuture<Void> closeFuture() {
    return lifecycle.closeFuture();
  }

  // ---- health and drain (issue 14)

  /**
   * {@inheritDoc} With the smoothed RTT and variation of the swarm's keep-alive pings (every
   * {@link ConnectionConfig#keepAliveInterval()}), health, draining, and the transport's byte counters.
   */
  @Override
  public List<ConnectionStats> stats(PeerId peer) {
    return health.stats(registry.connections(Objects.requireNonNull(peer, "peer")));
  }

  @Override
  public List<ConnectionStats> stats() {
    return health.stats(registry.connections());
  }

  /**
   * The health the balancer sees (RTT, in-flight streams, healthy, draining); its lookups allocate nothing.
   * {@link ConnectionHealth#usable} says whether a new stream may be placed on a connection.
   */
  public ConnectionHealth connectionHealth() {
    return health;
  }

  /**
   * {@inheritDoc} A transport without drain support gets a coarser drain: the connection leaves placement
   * and is closed at the end of {@code grace} (at once if it carries no stream).
   *
   * @throws IllegalArgumentException if {@code grace} is negative or {@code connection} is not one of this
   *     swarm's connections
   */
  @Override
  public CompletableFuture<CloseReason> drain(NetConn connection, Duration grace) {
    Objects.requireNonNull(connection, "connection");
    Drainer.checkGrace(grace);
    if (!registry.connections(connection.remotePeer()).contains(connection)) {
      if (!connection.isOpen()) {
        return connection.closeFuture();
      }
      throw new IllegalArgumentException(connection + " is not a connection of " + this);
    }
    return drainer.drain(connection, grace);
  }

  /**
   * {@inheritDoc} Connections admitted while the others drain are closed by the final {@link #close()}.
   * After {@link #close()} it returns {@link #closeFuture()}.
   */
  @Override
  public CompletableFuture<Void> close(Duration grace) {
    Drainer.checkGrace(grace);
    if (isClosed()) {
      return closeFuture();
    }
    drainer.drainAll(registry.connections(), grace).whenComplete((v, e) -> close());
    return closeFuture();
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return slots.isClosed();
  }

  /** Connection slots in use (open plus handshaking, in and out); for diagnostics and leak checks. */
  public int connectionSlotsInUse() {
    return slots.inUse();
  }

  /** Handshakes under way, in and out; for diagnostics and leak checks. */
  public int pendingHandshakes() {
    return slots.pendingHandshakes();
  }

  /** Peers with any state (connections, attempts in flight); for diagnostics and leak checks. */
  public int trackedPeers() {
    return registry.trackedPeers();
  }

  @Override
  public String toString() {
    return "Swarm[" + localPeer + ", peers=" + trackedPeers() + ", slots=" + connectionSlotsInUse() + "]";
  }

  private void checkOpen() {
    if (isClosed()) {
      throw Failures.closed(localPeer);
    }
  }

  /** Builds a {@link Swarm}. Not thread-safe. */
  public static final class Builder {
    private final HostIdentity identity;
    private ConnectionConfig connectionConfig = ConnectionConfig.defaults();
    private RetryConfig retryConfig = RetryConfig.defaults();
    private final List<Function<TransportContext, Transport>> transportFactories = new ArrayList<>();
    private LoadBalancer balancer;
    private LoadBalancerRegistry registry;
    private ScheduledExecutorService scheduler;
    private Executor executor;
    private RandomGenerator random;
    private LongSupplier nanoTime = System::nanoTime;
    private ConnectionGater gater = ConnectionGater.ALLOW_ALL;
    private NetworkMetrics metrics = NetworkMetrics.NOOP;
    private ResourceLimits resourceLimits = ResourceLimits.defaults();

    private Builder(HostIdentity identity) {
      this.identity = Objects.requireNonNull(identity, "identity");
    }

    /**
     * The limits of the swarm's resource manager (default {@link ResourceLimits#defaults()}): per address
     * and subnet, per peer, connection, protocol and stream, and the outbound handshake queue.
     */
    public Builder resourceLimits(ResourceLimits limits) {
      this.resourceLimits = Objects.requireNonNull(limits, "resourceLimits");
      return this;
    }

    public Builder connectionConfig(ConnectionConfig config) {
      this.connectionConfig = Objects.requireNonNull(config, "connectionConfig");
      return this;
    }

    public Builder retryConfig(RetryConfig config) {
      this.retryConfig = Objects.requireNonNull(config, "retryConfig");
      return this;
    }

    /**
     * Adds a transport, made for this swarm from its {@link TransportContext}. Once any is added,
     * {@link ServiceLoader} discovery is off.
     */
    public Builder transport(Function<TransportContext, Transport> factory) {
      transportFactories.add(Objects.requireNonNull(factory, "factory"));
      return this;
    }

    /** Adds a transport made by {@code provider}. */
    public Builder transportProvider(TransportProvider provider) {
      Objects.requireNonNull(provider, "provider");
      return transport(provider::create);
    }

    /** Uses this balancer instance instead of resolving {@link ConnectionConfig#loadBalancingStrategy()}. */
    public Builder loadBalancer(LoadBalancer balancer) {
      this.balancer = Objects.requireNonNull(balancer, "loadBalancer");
      return this;
    }

    /** Resolves the strategy name against this registry instead of the default one. */
    public Builder balancerRegistry(LoadBalancerRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "balancerRegistry");
      return this;
    }

    /** Timers (connection timeouts, retry delays) run here; not shut down by the swarm. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Listener events run here, one at a time (default: the common fork-join pool). */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** The source of retry jitter (default: a fresh {@link SplittableRandom}). */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * The time source, in nanoseconds on the {@link System#nanoTime()} scale (default
     * {@code System::nanoTime}), of the health monitor and {@link Swarm#stats} (ages, ping silences), the
     * dial budget, the backoff memory and keep-N's figures; a test passes its fake clock's, the one whose
     * {@link #scheduler scheduler} it gives.
     */
    public Builder nanoTime(LongSupplier nanoTime) {
      this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
      return this;
    }

    public Builder gater(ConnectionGater gater) {
      this.gater = Objects.requireNonNull(gater, "gater");
      return this;
    }

    /**
     * Reports what the swarm and its transports do to {@code metrics} (default {@link NetworkMetrics#NOOP}):
     * connections, streams, dials, handshakes, balancer choices, refusals, and the transports' bytes
     * (through {@link TransportContext#metrics()}). Calls come from any thread with no lock of the swarm
     * held; one that throws is caught, the first such failure logged at WARN with its stack trace and later
     * ones at DEBUG, and the swarm goes on.
     */
    public Builder metrics(NetworkMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /**
     * @throws IllegalArgumentException if the load balancing strategy names no known balancer (the
     *     message lists the known names)
     */
    public Swarm build() {
      return new Swarm(this);
    }
  }

  /**
   * The router transports ask: the registered handlers (each wrapped by {@code observe}, which reports its
   * inbound streams to the metrics), and their protocol ids for identify to announce.
   */
  private record HandlerRouter(Map<String, StreamHandler> handlers,
      java.util.function.UnaryOperator<StreamHandler> observe) implements io.braid.api.StreamRouter {
    @Override
    public Optional<StreamHandler> handlerFor(String protocol) {
      return Optional.ofNullable(handlers.get(protocol)).map(observe);
    }

    @Override
    public java.util.Set<String> protocols() {
      return java.util.Set.copyOf(handlers.keySet());
    }
  }
}
