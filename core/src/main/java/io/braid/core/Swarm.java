package io.braid.core;

import io.braid.api.BraidException;
import io.braid.api.CloseReason;
import io.braid.api.ConnectionClosedException;
import io.braid.api.ConnectionConfig;
import io.braid.api.ConnectionGater;
import io.braid.api.ConnectionTimeoutException;
import io.braid.api.DialException;
import io.braid.api.Direction;
import io.braid.api.HostIdentity;
import io.braid.api.InboundConnectionHandler;
import io.braid.api.LimitExceededException;
import io.braid.api.LoadBalancer;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.Network;
import io.braid.api.NetworkClosedException;
import io.braid.api.NetworkListener;
import io.braid.api.PeerId;
import io.braid.api.ProtocolNegotiationException;
import io.braid.api.RetryConfig;
import io.braid.api.StreamHandler;
import io.braid.api.StreamOpenException;
import io.braid.api.Transport;
import io.braid.api.TransportContext;
import io.braid.api.TransportListener;
import io.braid.api.TransportProvider;
import io.braid.balancer.spi.LoadBalancerRegistry;
import io.braid.core.internal.SerialExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * Each peer has one state record ({@code Peer}) guarded by its own monitor: its open connections (an
 * immutable list replaced on every change, so readers never lock), the number of connection slots
 * reserved by outbound attempts in flight, and the dial job in flight. Every change of a peer's state
 * happens under that monitor, so the per-peer cap holds at every moment, counting connections still
 * handshaking. Nothing else is ever called while holding it: transport calls, future completions and
 * listener events all happen after it is released. Events are <em>queued</em> under the lock, in the
 * order of the changes they report, and delivered after it is released through a serial executor, so
 * each is delivered exactly once and a peer's events never overtake each other (a disconnect queued
 * by one thread cannot arrive after the reconnect another thread made just after it).
 *
 * <p>An inbound connection's peer is known only after its handshake, so an inbound handshake holds a
 * global slot (and a pending-handshake slot) from accept on, and takes a per-peer slot when it is
 * admitted. Simultaneous dials (both sides dialing while the cap is full) are settled by one rule both
 * sides apply alike: <b>the connection dialed by the peer with the smaller peer id is kept</b> (peer ids
 * compare by their bytes, unsigned). At the cap, an inbound connection from a smaller peer therefore
 * takes the slot of one of our own attempts in flight (which gives up, or is dropped when it completes),
 * or, if our own dial already completed, replaces that connection provided it is idle or already
 * closing (the smaller peer refuses it by the same rule); a connection carrying streams is never
 * replaced. An inbound connection from a larger peer at the cap is refused.
 *
 * <p>A dial already in flight is shared: a later {@code dialPeer} joins it and, if connections closed
 * meanwhile, adds attempts for the free slots. {@link #close()} fails pending dials with
 * {@link NetworkClosedException}, reports the connections it closes with a
 * {@link CloseReason.Kind#SHUTDOWN} reason, and completes {@link #closeFuture()} only once every
 * connection slot and handshake slot is back.
 *
 * <h2>Threads</h2>
 * Thread-safe. Futures complete on transport threads or the scheduler; listener events run on the
 * configured executor, one at a time.
 */
public final class Swarm implements Network {
  private static final Logger log = LoggerFactory.getLogger(Swarm.class);

  private final HostIdentity identity;
  private final PeerId localPeer;
  private final ConnectionConfig config;
  private final RetryConfig retry;
  private final LoadBalancer balancer;
  private final List<Transport> transports;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final SerialExecutor events;
  private final RandomGenerator random;
  private final ConnectionGater gater;

  private final ConcurrentHashMap<PeerId, Peer> peers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<PeerId, List<Multiaddr>> addressBook = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, StreamHandler> handlers = new ConcurrentHashMap<>();
  private final CopyOnWriteArraySet<NetworkListener> listeners = new CopyOnWriteArraySet<>();
  private final CopyOnWriteArrayList<TransportListener> transportListeners = new CopyOnWriteArrayList<>();
  private final InboundConnectionHandler inbound = new Inbound();

  private final Object slotLock = new Object();
  /** Connections open or handshaking, in and out; guarded by slotLock. */
  private int connectionSlots;
  /** Handshakes under way, in and out; guarded by slotLock. */
  private int pendingHandshakes;

  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile boolean closed;
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  /** Completed once closed with no connection slot and no handshake in use. */
  private final CompletableFuture<Void> drained = new CompletableFuture<>();

  private Swarm(Builder b) {
    this.identity = b.identity;
    this.localPeer = b.identity.peerId();
    this.config = b.connectionConfig;
    this.retry = b.retryConfig;
    this.gater = b.gater;
    this.random = b.random != null ? b.random : new SplittableRandom();
    this.events = new SerialExecutor(b.executor != null ? b.executor : ForkJoinPool.commonPool());
    // Resolve everything that can fail before making anything that must be released (transports, a timer).
    if (b.balancer != null) {
      this.balancer = b.balancer;
    } else {
      LoadBalancerRegistry registry = b.registry != null ? b.registry : LoadBalancerRegistry.getDefault();
      this.balancer = registry.create(config.loadBalancingStrategy());
    }
    TransportContext context = new TransportContext(identity,
        protocol -> Optional.ofNullable(handlers.get(protocol)), config.connectionTimeout());
    List<Transport> ts = new ArrayList<>();
    try {
      for (Function<TransportContext, Transport> f : b.transportFactories) {
        ts.add(Objects.requireNonNull(f.apply(context), "a transport factory returned null"));
      }
    } catch (RuntimeException e) {
      ts.forEach(Transport::close);
      throw e;
    }
    if (b.transportFactories.isEmpty()) {
      ts.addAll(discoverTransports(context));
    }
    this.transports = List.copyOf(ts);
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownsScheduler = false;
    } else {
      ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "braid-swarm-timer");
        t.setDaemon(true);
        return t;
      });
      s.setRemoveOnCancelPolicy(true);
      this.scheduler = s;
      this.ownsScheduler = true;
    }
  }

  /** A swarm with default configuration, transports and balancer found with {@link ServiceLoader}. */
  public static Swarm create(HostIdentity identity) {
    return builder(identity).build();
  }

  /** A builder for a swarm with {@code identity}. */
  public static Builder builder(HostIdentity identity) {
    return new Builder(identity);
  }

  private static List<Transport> discoverTransports(TransportContext context) {
    List<Transport> found = new ArrayList<>();
    ServiceLoader<TransportProvider> loader = ServiceLoader.load(TransportProvider.class);
    var it = loader.iterator();
    while (true) {
      TransportProvider p;
      try {
        if (!it.hasNext()) {
          break;
        }
        p = it.next();
      } catch (ServiceConfigurationError e) {
        log.warn("skipping a transport provider that could not be loaded: {}", e.toString());
        continue;
      }
      try {
        if (p.isAvailable()) {
          found.add(p.create(context));
        } else {
          log.debug("transport provider {} is not available here", p.getClass().getName());
        }
      } catch (RuntimeException e) {
        log.warn("skipping transport provider {}: {}", p.getClass().getName(), e.toString());
      }
    }
    return found;
  }

  // ---------------------------------------------------------------------------------------------
  // Identity, configuration, listening

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

  /** The balancer that places streams. */
  public LoadBalancer loadBalancer() {
    return balancer;
  }

  /** The transports this swarm dials and listens with; immutable. */
  public List<Transport> transports() {
    return transports;
  }

  @Override
  public CompletableFuture<List<Multiaddr>> listen(Multiaddr... addresses) {
    if (addresses.length == 0) {
      throw new IllegalArgumentException("listen needs at least one address");
    }
    if (closed) {
      return CompletableFuture.failedFuture(closedException());
    }
    List<CompletableFuture<List<Multiaddr>>> bound = new ArrayList<>();
    for (Multiaddr address : addresses) {
      Transport t = transportFor(address);
      if (t == null) {
        return CompletableFuture.failedFuture(new IllegalArgumentException(
            "no transport can listen on " + address + " (transports: " + transports + ")"));
      }
      bound.add(t.listen(address, inbound).thenApply(l -> {
        transportListeners.add(l);
        if (closed) {
          l.close();
          throw new CompletionException(closedException());
        }
        return l.addresses();
      }));
    }
    return CompletableFuture.allOf(bound.toArray(CompletableFuture[]::new)).thenApply(v -> {
      List<Multiaddr> all = new ArrayList<>();
      bound.forEach(f -> all.addAll(f.join()));
      return List.copyOf(all);
    });
  }

  @Override
  public List<Multiaddr> listenAddresses() {
    if (closed) {
      return List.of();
    }
    List<Multiaddr> all = new ArrayList<>();
    for (TransportListener l : transportListeners) {
      all.addAll(l.addresses());
    }
    return List.copyOf(all);
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
    List<Multiaddr> clean = new ArrayList<>();
    for (Multiaddr a : addresses) {
      Objects.requireNonNull(a, "address");
      Optional<PeerId> embedded = a.peerId();
      if (embedded.isPresent() && !embedded.get().equals(peer)) {
        throw new IllegalArgumentException("address " + a + " names peer " + embedded.get() + ", not " + peer);
      }
      clean.add(a.withoutPeerId());
    }
    addressBook.merge(peer, List.copyOf(clean), (old, add) -> {
      LinkedHashSet<Multiaddr> set = new LinkedHashSet<>(old);
      set.addAll(add);
      return List.copyOf(set);
    });
  }

  /** The addresses known for {@code peer}, in the order they were added; immutable. */
  public List<Multiaddr> addresses(PeerId peer) {
    return addressBook.getOrDefault(peer, List.of());
  }

  private Transport transportFor(Multiaddr address) {
    for (Transport t : transports) {
      if (t.supports(address)) {
        return t;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // Views

  @Override
  public List<NetConn> getConnections(PeerId peer) {
    Objects.requireNonNull(peer, "peer");
    Peer p = peers.get(peer);
    return p == null ? List.of() : onlyOpen(p.open);
  }

  @Override
  public List<NetConn> getConnections() {
    // One pass into a presized array, wrapped once: no growth copies, no second copy.
    List<List<NetConn>> lists = new ArrayList<>(peers.size());
    int total = 0;
    for (Peer p : peers.values()) {
      List<NetConn> open = onlyOpen(p.open);
      lists.add(open);
      total += open.size();
    }
    NetConn[] all = new NetConn[total];
    int i = 0;
    for (List<NetConn> open : lists) { // immutable snapshots: sizes cannot change under us
      for (int j = 0, n = open.size(); j < n; j++) {
        all[i++] = open.get(j);
      }
    }
    return List.of(all);
  }

  @Override
  public Map<PeerId, List<NetConn>> getConnectionsMap() {
    // Keys are distinct (the table is keyed by peer), so the entries go straight into Map.ofEntries:
    // hashed once, unlike a LinkedHashMap copied with Map.copyOf.
    List<Map.Entry<PeerId, List<NetConn>>> entries = new ArrayList<>(peers.size());
    for (Peer p : peers.values()) {
      List<NetConn> open = onlyOpen(p.open);
      if (!open.isEmpty()) {
        entries.add(Map.entry(p.id, open));
      }
    }
    @SuppressWarnings({"unchecked", "rawtypes"})
    Map.Entry<PeerId, List<NetConn>>[] array = entries.toArray(new Map.Entry[0]);
    return Map.ofEntries(array);
  }

  @Override
  public Optional<NetConn> getConnection(PeerId peer) {
    Objects.requireNonNull(peer, "peer");
    Peer p = peers.get(peer);
    if (p != null) {
      for (NetConn c : p.open) {
        if (c.isOpen()) {
          return Optional.of(c);
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public Map<PeerId, NetConn> connectionsLegacy() {
    List<Map.Entry<PeerId, NetConn>> entries = new ArrayList<>(peers.size());
    for (Peer p : peers.values()) {
      List<NetConn> open = p.open;
      for (int i = 0, n = open.size(); i < n; i++) {
        if (open.get(i).isOpen()) {
          entries.add(Map.entry(p.id, open.get(i)));
          break;
        }
      }
    }
    @SuppressWarnings({"unchecked", "rawtypes"})
    Map.Entry<PeerId, NetConn>[] array = entries.toArray(new Map.Entry[0]);
    return Map.ofEntries(array);
  }

  /** The list itself when every connection in it is open (the common case), else a filtered copy. */
  private static List<NetConn> onlyOpen(List<NetConn> list) {
    for (int i = 0, n = list.size(); i < n; i++) { // index loop: no iterator on the hot path
      if (!list.get(i).isOpen()) {
        List<NetConn> open = new ArrayList<>(list.size());
        for (NetConn d : list) {
          if (d.isOpen()) {
            open.add(d);
          }
        }
        return List.copyOf(open);
      }
    }
    return list;
  }

  // ---------------------------------------------------------------------------------------------
  // Dialing

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
    Objects.requireNonNull(peerId, "peer");
    if (closed) {
      return CompletableFuture.failedFuture(closedException());
    }
    if (peerId.equals(localPeer)) {
      return CompletableFuture.failedFuture(new DialException(peerId, "cannot dial the local peer", List.of()));
    }
    if (!allowed(() -> gater.allowDialPeer(peerId))) {
      return CompletableFuture.failedFuture(
          new DialException(peerId, "denied by the connection gater", List.of()));
    }
    List<Multiaddr> addrs = addresses(peerId);
    DialJob job;
    List<Attempt> toStart = List.of();
    Peer p = lockPeer(peerId);
    try {
      List<NetConn> open = onlyOpen(p.open);
      int need = config.maxConnectionsPerPeer() - open.size() - p.reserved;
      if (p.job == null && need <= 0) {
        // Target met (or every free slot taken by attempts of a cancelled dial that are still winding down).
        return open.isEmpty()
            ? CompletableFuture.failedFuture(new LimitExceededException("maxConnectionsPerPeer",
                config.maxConnectionsPerPeer(), "cannot dial " + peerId + " while a cancelled dial winds down"))
            : CompletableFuture.completedFuture(open);
      }
      if (p.job == null && addrs.isEmpty()) {
        return open.isEmpty()
            ? CompletableFuture.failedFuture(new DialException(peerId,
                "no known addresses (add some with addAddresses)", List.of()))
            : CompletableFuture.completedFuture(open);
      }
      int granted = need > 0 ? reserveGlobal(need) : 0;
      if (p.job == null && granted == 0) {
        return open.isEmpty()
            ? CompletableFuture.failedFuture(new LimitExceededException("maxConnections",
                config.maxConnections(), "cannot dial " + peerId))
            : CompletableFuture.completedFuture(open);
      }
      if (p.job != null) {
        // Share the dial in flight; top it up if connections closed since it started.
        job = p.job;
        job.interested++;
      } else {
        job = new DialJob(p, addrs);
        p.job = job;
      }
      p.reserved += granted;
      toStart = job.addAttempts(granted);
    } finally {
      unlock(p);
    }
    CompletableFuture<List<NetConn>> mine = job.subscribe();
    for (Attempt a : toStart) {
      startTry(a);
    }
    return mine;
  }

  /** Gets the peer's record, locked; a record being retired is skipped for a fresh one. */
  private Peer lockPeer(PeerId id) {
    while (true) {
      Peer p = peers.computeIfAbsent(id, Peer::new);
      p.lock();
      if (!p.retired) {
        return p;
      }
      p.unlock();
    }
  }

  /** Unlocks, retiring the record if it holds nothing any more. */
  private void unlock(Peer p) {
    if (p.open.isEmpty() && p.reserved == 0 && p.superseded == 0 && p.job == null && !p.retired) {
      p.retired = true;
      peers.remove(p.id, p);
    }
    p.unlock();
  }

  /** Reserves up to {@code wanted} global connection slots; none once closed. */
  private int reserveGlobal(int wanted) {
    synchronized (slotLock) {
      if (closed) {
        return 0;
      }
      int granted = Math.max(0, Math.min(wanted, config.maxConnections() - connectionSlots));
      connectionSlots += granted;
      return granted;
    }
  }

  private void releaseGlobal(int n) {
    boolean drainedNow;
    synchronized (slotLock) {
      connectionSlots -= n;
      drainedNow = closed && connectionSlots == 0 && pendingHandshakes == 0;
    }
    if (drainedNow) {
      drained.complete(null);
    }
  }

  private boolean acquirePending() {
    synchronized (slotLock) {
      if (pendingHandshakes >= config.maxPendingHandshakes()) {
        return false;
      }
      pendingHandshakes++;
      return true;
    }
  }

  private void releasePending() {
    boolean drainedNow;
    synchronized (slotLock) {
      pendingHandshakes--;
      drainedNow = closed && connectionSlots == 0 && pendingHandshakes == 0;
    }
    if (drainedNow) {
      drained.complete(null);
    }
  }

  private void startTry(Attempt a) {
    DialJob job = a.job;
    List<Multiaddr> addrs = job.addresses;
    int first = (a.index + a.tries) % addrs.size();
    if (closed || job.cancelled) {
      finishFailed(a, addrs.get(first), new CancellationException("dial cancelled"));
      return;
    }
    boolean slotGone;
    job.peer.lock();
    try {
      slotGone = job.peer.superseded > 0;
    } finally {
      job.peer.unlock();
    }
    if (slotGone) {
      // An inbound connection from a smaller peer took a slot of this dial (simultaneous open): the
      // attempt about to (re)try gives it up instead of opening a connection that would be dropped.
      finishFailed(a, addrs.get(first), new CancellationException("slot taken by an inbound connection"));
      return;
    }
    // Spread attempts over the addresses; one the gater denies or no transport supports is skipped in
    // favour of the next, so a single bad address does not cost the peer a connection.
    Multiaddr chosen = null;
    Transport t = null;
    Throwable skipped = null;
    for (int k = 0; k < addrs.size() && t == null; k++) {
      Multiaddr candidate = addrs.get((first + k) % addrs.size());
      if (!allowed(() -> gater.allowDialAddress(job.peer.id, candidate))) {
        skipped = skipped != null ? skipped : new BraidException("address denied by the connection gater", false);
        continue;
      }
      Transport found = transportFor(candidate);
      if (found == null) {
        skipped = skipped != null ? skipped : new BraidException("no transport supports " + candidate, false);
        continue;
      }
      chosen = candidate;
      t = found;
    }
    if (t == null) {
      finishFailed(a, addrs.get(first), skipped);
      return;
    }
    Multiaddr addr = chosen;
    if (!acquirePending()) {
      finishFailed(a, addr, new LimitExceededException("maxPendingHandshakes", config.maxPendingHandshakes(),
          "too many handshakes under way"));
      return;
    }
    // The timer is armed before the dial starts, so a transport that completes (or hangs) at once is
    // bounded alike; the dial future is handed to the timer once it exists.
    CompletableFuture<CompletableFuture<NetConn>> dialRef = new CompletableFuture<>();
    ScheduledFuture<?> timer;
    try {
      timer = scheduler.schedule(() -> {
        a.timedOut = true;
        dialRef.thenAccept(d -> d.cancel(true));
      }, config.connectionTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) { // a scheduler shut down under us: the swarm is closing
      releasePending();
      finishFailed(a, addr, e);
      return;
    }
    CompletableFuture<NetConn> f;
    try {
      f = t.dial(addr, job.peer.id);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    boolean cancelNow;
    job.peer.lock();
    try {
      a.inFlight = f;
      cancelNow = job.cancelled;
    } finally {
      job.peer.unlock();
    }
    if (cancelNow) {
      f.cancel(true);
    }
    dialRef.complete(f);
    f.whenComplete((conn, err) -> {
      timer.cancel(false);
      releasePending();
      if (err == null) {
        admitOutbound(a, conn);
      } else {
        onTryFailed(a, addr, err);
      }
    });
  }

  private void onTryFailed(Attempt a, Multiaddr addr, Throwable err) {
    Throwable cause = unwrap(err);
    if (a.timedOut) {
      cause = new ConnectionTimeoutException("connection attempt to " + addr, config.connectionTimeout());
    }
    a.timedOut = false;
    DialJob job = a.job;
    boolean retryIt;
    job.peer.lock();
    try {
      retryIt = !closed && !job.cancelled && a.tries < retry.maxRetries() && DialException.isRetryable(cause)
          && a.peerSlotHeld();
      if (retryIt) {
        job.failures.add(new DialException.Attempt(addr, cause));
      }
    } finally {
      job.peer.unlock();
    }
    if (!retryIt) {
      finishFailed(a, addr, cause);
      return;
    }
    Duration delay;
    synchronized (random) {
      delay = retry.delayBeforeRetry(a.tries, random);
    }
    a.tries++;
    ScheduledFuture<?> next;
    try {
      next = scheduler.schedule(() -> startTry(a), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) { // a scheduler shut down under us: the swarm is closing
      finishFailed(a, addr, new CancellationException("dial cancelled"));
      return;
    }
    boolean cancelNow;
    job.peer.lock();
    try {
      a.retryTimer = next;
      cancelNow = job.cancelled || closed;
    } finally {
      job.peer.unlock();
    }
    if (cancelNow && next.cancel(false)) {
      finishFailed(a, addr, new CancellationException("dial cancelled"));
    }
  }

  /** An attempt ends without a connection: give its slot back and see whether the job is done. */
  private void finishFailed(Attempt a, Multiaddr addr, Throwable cause) {
    DialJob job = a.job;
    Peer p = job.peer;
    Runnable completion;
    p.lock();
    try {
      if (a.done) {
        return;
      }
      a.done = true;
      job.running--;
      releaseSlotOf(p);
      if (!(cause instanceof CancellationException)) {
        job.failures.add(new DialException.Attempt(addr, cause));
      }
      completion = job.completionIfDone();
    } finally {
      unlock(p);
    }
    completion.run();
  }

  /** Gives back the per-peer slot of an attempt that ends (caller holds the peer lock). */
  private void releaseSlotOf(Peer p) {
    if (p.superseded > 0) {
      p.superseded--; // its slot was handed to an inbound connection already
    } else {
      p.reserved--;
      releaseGlobal(1);
    }
  }

  private void admitOutbound(Attempt a, NetConn conn) {
    DialJob job = a.job;
    Peer p = job.peer;
    boolean keep = false;
    String drop = null;
    Runnable completion;
    boolean secured = allowed(() -> gater.allowSecured(p.id, conn.remoteAddress(), Direction.OUTBOUND));
    p.lock();
    try {
      if (a.done) {
        drop = "attempt already finished";
      } else {
        a.done = true;
        job.running--;
        if (p.superseded > 0) {
          p.superseded--;
          drop = "simultaneous open: the connection dialed by the smaller peer id is kept";
        } else {
          p.reserved--;
          if (closed || job.cancelled) {
            drop = "dial cancelled";
          } else if (!conn.isOpen()) {
            drop = "closed during the handshake";
            job.failures.add(new DialException.Attempt(conn.remoteAddress(),
                new ConnectionClosedException("connection closed right after its handshake")));
          } else if (!secured) {
            drop = "denied by the connection gater";
            job.failures.add(new DialException.Attempt(conn.remoteAddress(),
                new BraidException("peer denied by the connection gater", false)));
          } else {
            admit(p, conn);
            keep = true;
          }
          if (!keep) {
            releaseGlobal(1);
          }
        }
      }
      completion = job.completionIfDone();
    } finally {
      unlock(p);
    }
    events.flush();
    if (keep) {
      watchClose(p.id, conn);
    } else {
      log.debug("dropping outbound connection {} to {}: {}", conn.id(), p.id, drop);
      conn.close();
    }
    completion.run();
  }

  private void admitInbound(NetConn conn) {
    PeerId id = conn.remotePeer();
    if (closed || !allowed(() -> gater.allowSecured(id, conn.remoteAddress(), Direction.INBOUND))) {
      releaseGlobal(1);
      conn.close();
      return;
    }
    boolean keep = false;
    NetConn evicted = null;
    Runnable completion = () -> {};
    Peer p = lockPeer(id);
    try {
      int used = p.open.size() + p.reserved;
      boolean remoteWins = id.compareTo(localPeer) < 0;
      if (closed) {
        keep = false;
      } else if (used < config.maxConnectionsPerPeer()) {
        keep = true;
      } else if (remoteWins && p.reserved > 0) {
        // Simultaneous open: the remote (smaller) peer's dial wins; one of our attempts gives up its slot.
        p.reserved--;
        p.superseded++;
        releaseGlobal(1);
        keep = true;
      } else if (remoteWins && (evicted = idleOwnDial(p.open)) != null) {
        // Simultaneous open where our own dial completed first: the smaller peer refuses that connection
        // by the same rule, so it is replaced by the smaller peer's dial. Only an idle (or already
        // closing) connection we dialed is replaced; a busy one never is.
        keep = true;
      }
      if (keep) {
        if (evicted != null) {
          replace(p, evicted, conn);
        } else {
          admit(p, conn);
        }
        if (p.job != null) {
          completion = p.job.completionIfDone();
        }
      }
    } finally {
      unlock(p);
    }
    if (evicted != null) {
      releaseGlobal(1); // the replaced connection's slot; the inbound one holds its own since accept
    }
    if (keep) {
      events.flush();
      watchClose(id, conn);
      if (evicted != null) {
        evicted.close();
      }
      completion.run();
    } else {
      log.debug("refusing inbound connection {} from {}: maxConnectionsPerPeer ({}) reached", conn.id(), id,
          config.maxConnectionsPerPeer());
      releaseGlobal(1);
      conn.close();
    }
  }

  /** The newest connection we dialed that is closing or carries no stream, or null. */
  private static NetConn idleOwnDial(List<NetConn> open) {
    for (int i = open.size() - 1; i >= 0; i--) {
      NetConn c = open.get(i);
      if (c.direction() == Direction.OUTBOUND && (!c.isOpen() || c.streamCount() == 0)) {
        return c;
      }
    }
    return null;
  }

  /**
   * Swaps {@code old} for {@code conn} in one step, so no view ever holds both, and queues the events:
   * {@code conn} opened, {@code old} closed (caller holds the peer lock).
   */
  private void replace(Peer p, NetConn old, NetConn conn) {
    List<NetConn> next = new ArrayList<>(p.open.size());
    for (NetConn c : p.open) {
      if (c != old) {
        next.add(c);
      }
    }
    next.add(conn);
    p.open = List.copyOf(next);
    CloseReason why = CloseReason.refused(new LimitExceededException("maxConnectionsPerPeer",
        config.maxConnectionsPerPeer(), "simultaneous open: the connection dialed by the smaller peer id is kept"));
    enqueueEvent(l -> l.connectionOpened(conn));
    enqueueEvent(l -> l.connectionClosed(old, why));
  }

  /** Adds {@code conn} to the peer's views and queues its events, in order (caller holds the peer lock). */
  private void admit(Peer p, NetConn conn) {
    boolean first = p.open.isEmpty();
    NetConn[] a = p.open.toArray(new NetConn[p.open.size() + 1]);
    a[a.length - 1] = conn;
    p.open = List.of(a);
    PeerId id = p.id;
    if (first) {
      enqueueEvent(l -> l.peerConnected(id));
    }
    enqueueEvent(l -> l.connectionOpened(conn));
  }

  private void watchClose(PeerId peer, NetConn conn) {
    conn.closeFuture().whenComplete((reason, err) -> onClosed(peer, conn,
        reason != null ? reason : CloseReason.error(err != null ? unwrap(err) : new IllegalStateException(
            "connection " + conn.id() + " closed without a reason"))));
  }

  private void onClosed(PeerId id, NetConn conn, CloseReason reason) {
    CloseReason why = closed && reason.kind() == CloseReason.Kind.LOCAL ? CloseReason.SHUTDOWN : reason;
    boolean removed = false;
    Peer p = peers.get(id);
    if (p != null) {
      p.lock();
      try {
        int i = p.open.indexOf(conn);
        if (i >= 0) {
          List<NetConn> rest = new ArrayList<>(p.open);
          rest.remove(i);
          p.open = List.copyOf(rest);
          removed = true;
          enqueueEvent(l -> l.connectionClosed(conn, why));
          if (p.open.isEmpty()) {
            enqueueEvent(l -> l.peerDisconnected(id));
          }
        }
      } finally {
        unlock(p);
      }
    }
    if (removed) {
      releaseGlobal(1);
      events.flush();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Streams

  /**
   * {@inheritDoc} The balancer's pick is tried first, then the other open connections, oldest first.
   *
   * @throws IllegalArgumentException if no protocol is given, or one is null or empty
   */
  @Override
  public CompletableFuture<NetStream> newStream(PeerId peer, String... protocols) {
    Objects.requireNonNull(peer, "peer");
    if (protocols.length == 0) {
      throw new IllegalArgumentException("newStream needs at least one protocol");
    }
    String[] offered = protocols.clone();
    for (int i = 0; i < offered.length; i++) {
      if (offered[i] == null || offered[i].isEmpty()) {
        throw new IllegalArgumentException("protocol " + i + " is " + (offered[i] == null ? "null" : "empty"));
      }
    }
    if (closed) {
      return CompletableFuture.failedFuture(closedException());
    }
    List<NetConn> open = getConnections(peer);
    CompletableFuture<List<NetConn>> conns =
        open.isEmpty() ? dialPeer(peer) : CompletableFuture.completedFuture(open);
    return conns.thenCompose(list -> {
      List<NetConn> now = getConnections(peer);
      List<NetConn> candidates = now.isEmpty() ? onlyOpen(list) : now;
      if (candidates.isEmpty()) {
        return CompletableFuture.failedFuture(new StreamOpenException(peer, List.of()));
      }
      NetConn chosen = choose(peer, candidates);
      List<NetConn> order = new ArrayList<>(candidates.size());
      order.add(chosen);
      for (NetConn c : candidates) {
        if (c != chosen) {
          order.add(c);
        }
      }
      CompletableFuture<NetStream> result = new CompletableFuture<>();
      tryOpen(peer, order, 0, offered, new ArrayList<>(), result);
      return result;
    });
  }

  private NetConn choose(PeerId peer, List<NetConn> candidates) {
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
      Throwable cause = unwrap(err);
      if (cause instanceof ProtocolNegotiationException) {
        result.completeExceptionally(cause); // the peer does not speak it on any connection
        return;
      }
      failures.add(new StreamOpenException.Attempt(conn.id(), cause));
      tryOpen(peer, order, i + 1, protocols, failures, result);
    });
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

  // ---------------------------------------------------------------------------------------------
  // Events and lifecycle

  /** @throws NetworkClosedException if the network is closed */
  @Override
  public void addListener(NetworkListener listener) {
    Objects.requireNonNull(listener, "listener");
    checkOpen();
    listeners.add(listener);
  }

  /** Allowed after {@link #close()} too. */
  @Override
  public void removeListener(NetworkListener listener) {
    listeners.remove(listener);
  }

  /** Queues an event for every listener; callers hold the peer lock, so events keep the order of changes. */
  private void enqueueEvent(Consumer<NetworkListener> event) {
    events.enqueue(() -> {
      for (NetworkListener l : listeners) {
        try {
          event.accept(l);
        } catch (Throwable t) {
          log.warn("network listener {} threw; ignoring it", l, t);
        }
      }
    });
  }

  /** {@inheritDoc} A pending dial to the peer fails with {@link DialException}; fails after {@link #close()}. */
  @Override
  public CompletableFuture<Void> closePeer(PeerId peer) {
    Objects.requireNonNull(peer, "peer");
    if (closed) {
      return CompletableFuture.failedFuture(closedException());
    }
    return closeAll(peer, new DialException(peer, "cancelled by closePeer", List.of()));
  }

  /** Cancels the peer's dial (failing it with {@code dialFailure}) and closes its connections. */
  private CompletableFuture<Void> closeAll(PeerId peer, BraidException dialFailure) {
    Peer p = peers.get(peer);
    if (p == null) {
      return CompletableFuture.completedFuture(null);
    }
    DialJob job;
    List<NetConn> open;
    p.lock();
    try {
      job = p.job;
      open = p.open;
    } finally {
      p.unlock();
    }
    if (job != null) {
      job.cancel(dialFailure);
    }
    List<CompletableFuture<?>> done = new ArrayList<>();
    for (NetConn c : open) {
      c.close();
      done.add(c.closeFuture());
    }
    return CompletableFuture.allOf(done.toArray(CompletableFuture[]::new));
  }

  /**
   * Stops the transport listeners, cancels pending dials (their futures fail with
   * {@link NetworkClosedException}), closes every connection (listeners see each close, with a
   * {@link CloseReason.Kind#SHUTDOWN} reason, then the peer's disconnection) and closes the transports.
   * Idempotent. {@link #closeFuture()} completes once every slot and handshake is released.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    synchronized (slotLock) {
      closed = true; // under slotLock: no slot is reserved once close has begun
    }
    List<CompletableFuture<?>> stopped = new ArrayList<>();
    for (TransportListener l : transportListeners) {
      try {
        l.close();
        stopped.add(l.closeFuture());
      } catch (RuntimeException e) {
        log.warn("transport listener {} threw while closing", l, e);
      }
    }
    for (PeerId peer : List.copyOf(peers.keySet())) {
      closeAll(peer, closedException());
    }
    for (Transport t : transports) {
      try {
        t.close();
      } catch (RuntimeException e) {
        log.warn("transport {} threw while closing", t, e);
      }
    }
    boolean drainedNow;
    synchronized (slotLock) {
      drainedNow = connectionSlots == 0 && pendingHandshakes == 0;
    }
    if (drainedNow) {
      drained.complete(null);
    }
    stopped.add(drained);
    CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
      if (ownsScheduler) {
        scheduler.shutdownNow();
      }
      closeFuture.complete(null);
    });
  }

  /**
   * Completes once {@link #close()} has closed every transport listener and every connection, and every
   * dial attempt, connection slot and handshake slot is released.
   */
  @Override
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  /** Connection slots in use (open plus handshaking, in and out); for diagnostics and leak checks. */
  public int connectionSlotsInUse() {
    synchronized (slotLock) {
      return connectionSlots;
    }
  }

  /** Handshakes under way, in and out; for diagnostics and leak checks. */
  public int pendingHandshakes() {
    synchronized (slotLock) {
      return pendingHandshakes;
    }
  }

  /** Peers with any state (connections, attempts in flight); for diagnostics and leak checks. */
  public int trackedPeers() {
    return peers.size();
  }

  @Override
  public String toString() {
    return "Swarm[" + localPeer + ", peers=" + peers.size() + ", slots=" + connectionSlotsInUse() + "]";
  }

  private NetworkClosedException closedException() {
    return new NetworkClosedException("the network of " + localPeer + " is closed");
  }

  private void checkOpen() {
    if (closed) {
      throw closedException();
    }
  }

  private static boolean allowed(java.util.function.BooleanSupplier check) {
    try {
      return check.getAsBoolean();
    } catch (RuntimeException e) {
      log.warn("connection gater threw; treating it as a denial", e);
      return false;
    }
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  // ---------------------------------------------------------------------------------------------
  // State records

  /** One peer's state; every field is guarded by the lock. */
  private static final class Peer {
    final PeerId id;
    private final ReentrantLock lock = new ReentrantLock();
    /** Open connections, oldest first; immutable, replaced on change; read without the lock. */
    volatile List<NetConn> open = List.of();
    /** Outbound attempts in flight holding a slot. */
    int reserved;
    /** Outbound attempts in flight whose slot went to an inbound connection (simultaneous open). */
    int superseded;
    DialJob job;
    boolean retired;

    Peer(PeerId id) {
      this.id = id;
    }

    void lock() {
      lock.lock();
    }

    void unlock() {
      lock.unlock();
    }
  }

  /** The dial in flight for one peer, shared by every concurrent {@code dialPeer} caller. */
  private final class DialJob {
    final Peer peer;
    final List<Multiaddr> addresses;
    final List<Attempt> attempts = new ArrayList<>();
    final List<DialException.Attempt> failures = new ArrayList<>();
    final CompletableFuture<List<NetConn>> result = new CompletableFuture<>();
    int running;
    int interested = 1;
    boolean cancelled;

    DialJob(Peer peer, List<Multiaddr> addresses) {
      this.peer = peer;
      this.addresses = addresses;
    }

    /** Adds {@code count} attempts, each holding a reserved slot (caller holds the peer lock). */
    List<Attempt> addAttempts(int count) {
      List<Attempt> added = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        Attempt a = new Attempt(this, attempts.size());
        attempts.add(a);
        added.add(a);
      }
      running += count;
      return added;
    }

    /** What to run, after unlocking, if the job has just finished (caller holds the peer lock). */
    Runnable completionIfDone() {
      if (result.isDone() || cancelled) {
        return () -> {};
      }
      List<NetConn> open = onlyOpen(peer.open);
      boolean targetMet = open.size() >= config.maxConnectionsPerPeer();
      if (!targetMet && running > 0) {
        return () -> {};
      }
      if (peer.job == this) {
        peer.job = null;
      }
      if (!open.isEmpty()) {
        return () -> result.complete(open);
      }
      BraidException e = closed ? closedException()
          : new DialException(peer.id, "no connection could be opened", List.copyOf(failures));
      return () -> result.completeExceptionally(e);
    }

    /** A future for one caller; cancelling it withdraws that caller's interest. */
    CompletableFuture<List<NetConn>> subscribe() {
      CompletableFuture<List<NetConn>> mine = new CompletableFuture<>();
      result.whenComplete((v, e) -> {
        if (e != null) {
          mine.completeExceptionally(e);
        } else {
          mine.complete(v);
        }
      });
      mine.whenComplete((v, e) -> {
        if (mine.isCancelled()) {
          boolean last;
          peer.lock();
          try {
            last = --interested == 0;
          } finally {
            peer.unlock();
          }
          if (last) {
            cancel(new DialException(peer.id, "cancelled", List.of()));
          }
        }
      });
      return mine;
    }

    /**
     * Stops every attempt (their slots are released as each winds down) and fails the job with
     * {@code failure} unless it is already done.
     */
    void cancel(BraidException failure) {
      List<Attempt> toStop = new ArrayList<>();
      peer.lock();
      try {
        if (cancelled || result.isDone()) {
          return;
        }
        cancelled = true;
        if (peer.job == this) {
          peer.job = null;
        }
        for (Attempt a : attempts) {
          if (!a.done) {
            toStop.add(a);
          }
        }
      } finally {
        unlock(peer);
      }
      result.completeExceptionally(failure);
      for (Attempt a : toStop) {
        ScheduledFuture<?> t = a.retryTimer;
        if (t != null && t.cancel(false)) {
          finishFailed(a, addresses.get(0), new CancellationException("dial cancelled"));
        }
        CompletableFuture<NetConn> f = a.inFlight;
        if (f != null) {
          f.cancel(true);
        }
      }
    }
  }

  /** One connection slot's worth of attempts: the first try and its retries. */
  private static final class Attempt {
    final DialJob job;
    final int index;
    volatile int tries;
    volatile boolean timedOut;
    volatile CompletableFuture<NetConn> inFlight;
    volatile ScheduledFuture<?> retryTimer;
    boolean done;

    Attempt(DialJob job, int index) {
      this.job = job;
      this.index = index;
    }

    /** Whether this attempt still holds a slot of its own (not handed to an inbound connection). */
    boolean peerSlotHeld() {
      return job.peer.superseded == 0;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Inbound

  private final class Inbound implements InboundConnectionHandler {
    @Override
    public boolean accept(Multiaddr remoteAddress) {
      if (closed || !allowed(() -> gater.allowAccept(remoteAddress))) {
        return false;
      }
      synchronized (slotLock) {
        if (closed || connectionSlots >= config.maxConnections()
            || pendingHandshakes >= config.maxPendingHandshakes()) {
          return false;
        }
        connectionSlots++;
        pendingHandshakes++;
        return true;
      }
    }

    @Override
    public void connected(NetConn connection) {
      releasePending();
      admitInbound(connection);
    }

    @Override
    public void failed(Multiaddr remoteAddress, Throwable cause) {
      releasePending();
      releaseGlobal(1);
      log.debug("inbound handshake from {} failed: {}", remoteAddress, cause.toString());
    }
  }

  // ---------------------------------------------------------------------------------------------

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
    private ConnectionGater gater = ConnectionGater.ALLOW_ALL;

    private Builder(HostIdentity identity) {
      this.identity = Objects.requireNonNull(identity, "identity");
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

    public Builder gater(ConnectionGater gater) {
      this.gater = Objects.requireNonNull(gater, "gater");
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
}
