package io.braid.testkit;

import io.braid.api.ConnectionClosedException;
import io.braid.api.InboundConnectionHandler;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetworkClosedException;
import io.braid.api.PeerId;
import io.braid.api.Transport;
import io.braid.api.TransportContext;
import io.braid.api.TransportException;
import io.braid.api.TransportListener;
import io.braid.testkit.internal.DaemonExecutors;
import io.braid.testkit.internal.FaultQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A {@link Transport} whose connections live in this JVM, on a {@link MemoryNetwork}, with the real
 * semantics of the api contracts and knobs to inject faults. Core tests use it instead of sockets; its
 * own tests extend {@link TransportContract}, exactly as a socket transport's do.
 *
 * <h2>Addresses</h2>
 * {@code /memory/<n>} ({@code n} an unsigned 64-bit id), optionally followed by {@code /p2p/<peer>}.
 * Listening on {@code /memory/0} binds a fresh id, reported by {@link TransportListener#addresses()};
 * listening on a taken id fails with {@link TransportException}. A dialer's end of a connection gets a
 * fresh, unbound {@code /memory/<n>} as its local address.
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>Dial: the listener's {@link InboundConnectionHandler#accept} is asked first; if it refuses, the
 *       dial fails with a retryable {@link TransportException} and nothing else is called. Then the
 *       "handshake" authenticates: the listener's peer is the peer id of its transport's identity, and
 *       a dial expecting another peer fails with {@link io.braid.api.PeerIdMismatchException} while the
 *       listener's handler gets {@code failed}. An inbound handshake still pending after
 *       {@link TransportContext#handshakeTimeout()} (measured on the listening transport's scheduler)
 *       fails: {@code failed} gets a {@link io.braid.api.ConnectionTimeoutException}, the dial a
 *       {@link TransportException}. Cancelling the dial future aborts the attempt and releases all of it.
 *       Dialing an id nobody listens on fails with a retryable {@link TransportException}.</li>
 *   <li>Streams: the protocol is negotiated against the <em>remote</em> transport's
 *       {@link TransportContext#streamRouter()}, offered protocols in order; none accepted fails the open
 *       with {@link io.braid.api.ProtocolNegotiationException}, and the connection goes on. The chosen
 *       handler runs on the remote's event executor; if it throws, its stream is reset. Each stream end
 *       buffers at most {@link Builder#window(int) window} unread bytes (the receiver's window governs);
 *       a write's future completes once all its bytes fit in the remote's buffer, so a reader that stops
 *       reading stops a writer that waits for its writes. Reads return chunks of at most 64 KiB.</li>
 *   <li>Stream ends: {@code closeWrite} delivers end of stream after the queued writes; {@code close}
 *       half-closes and drops what the remote sends (its writes still succeed); {@code reset} fails both
 *       sides with {@link io.braid.api.StreamResetException}. A stream stops counting in
 *       {@link NetConn#streamCount()} when both sides' ends of stream were delivered (bytes not yet read
 *       stay readable), or when it fails; on both sides at the same moment, before its close futures
 *       complete.</li>
 *   <li>{@link NetConn#close()}: {@code isOpen()} is false at once, every stream fails with
 *       {@link ConnectionClosedException}, and both sides' close futures complete: LOCAL here, REMOTE
 *       there. {@link #close()} closes listeners, aborts pending handshakes (dials fail with
 *       {@link NetworkClosedException}) and closes connections (SHUTDOWN here, REMOTE there); later dials
 *       and listens fail with {@link NetworkClosedException}.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * Thread-safe. Futures complete and callbacks run on the {@link Builder#executor(Executor) executor}
 * (default: a shared pool of daemon threads), never while a lock of the transport is held; the events of
 * one connection end (stream futures, stream handlers) and of one listener run one at a time, in order.
 * Timers (handshake timeouts and injected delays) run on the {@link Builder#scheduler scheduler}: give
 * both a {@link FakeClock}'s scheduler and nothing happens until the test moves the clock.
 *
 * <h2>Fault injection and observation</h2>
 * {@link #faults()} refuses dials, delays or hangs handshakes, kills connections, fails stream opens and
 * limits streams per connection; {@link #openConnectionCount()}, {@link #openStreamCount()},
 * {@link #pendingHandshakeCount()} and {@link #activeListenerCount()} let a test prove nothing leaked.
 * All counts are exact once the call that changed them returned.
 *
 * <h2>Metrics</h2>
 * Stream payload bytes (there is no wire format) are reported to each side's
 * {@link TransportContext#metrics()} as {@link io.braid.api.NetworkMetrics#bytesWritten} and
 * {@link io.braid.api.NetworkMetrics#bytesRead} with the transport name {@value #METRICS_NAME}, on the
 * connection end's executor, as they move into the reader's buffer.
 */
public final class MemoryTransport implements Transport {
  /** Default receive window per stream end: 256 KiB. */
  public static final int DEFAULT_WINDOW = 256 * 1024;

  /** The transport name in {@link io.braid.api.NetworkMetrics} events. */
  public static final String METRICS_NAME = "memory";

  private final MemoryNetwork network;
  private final TransportContext context;
  private final Executor executor;
  private final ScheduledExecutorService scheduler;
  private final int window;
  private volatile int maxStreamsPerConnection;
  private final LongSupplier nanoTime;
  private final Faults faults = new Faults();

  private final Set<MemoryListener> listeners = ConcurrentHashMap.newKeySet();
  private final Set<MemoryConnection> connections = ConcurrentHashMap.newKeySet();
  private final Set<Handshake> handshakes = ConcurrentHashMap.newKeySet();
  private final Object stateLock = new Object();
  private volatile boolean closed;

  private MemoryTransport(Builder b) {
    this.network = b.network;
    this.context = b.context;
    Executor delegate = b.executor != null ? b.executor : DaemonExecutors.executor();
    this.executor = task -> {
      try {
        delegate.execute(task);
      } catch (RejectedExecutionException e) {
        task.run(); // a shut-down executor must not swallow a completion; no lock is held here
      }
    };
    this.scheduler = b.scheduler != null ? b.scheduler : DaemonExecutors.scheduler();
    this.window = b.window;
    this.maxStreamsPerConnection = b.maxStreamsPerConnection;
    this.nanoTime = b.nanoTime;
  }

  /** A builder for a transport on {@code network}. */
  public static Builder builder(MemoryNetwork network) {
    return new Builder(Objects.requireNonNull(network, "network"));
  }

  /** A transport on {@code network} with the defaults. */
  public static MemoryTransport create(MemoryNetwork network, TransportContext context) {
    return builder(network).context(context).build();
  }

  /** Builds {@link MemoryTransport}s; setters check their input at once. Not thread-safe. */
  public static final class Builder {
    private final MemoryNetwork network;
    private TransportContext context;
    private Executor executor;
    private ScheduledExecutorService scheduler;
    private int window = DEFAULT_WINDOW;
    private int maxStreamsPerConnection = Integer.MAX_VALUE;
    private LongSupplier nanoTime = System::nanoTime;

    private Builder(MemoryNetwork network) {
      this.network = network;
    }

    /** The node's identity, stream router and handshake timeout. Required. */
    public Builder context(TransportContext context) {
      this.context = Objects.requireNonNull(context, "context");
      return this;
    }

    /** Where futures complete and callbacks run. Default: a shared pool of daemon threads. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Where handshake timeouts and injected handshake delays are timed. Default: a shared daemon timer.
     * The transport never shuts it down.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * The clock of ping round trips and {@link NetConn#lastActivityNanos()}; default {@code System::nanoTime}.
     * Give a {@link FakeClock}'s {@code nanoTime} together with its scheduler.
     */
    public Builder nanoTime(LongSupplier nanoTime) {
      this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
      return this;
    }

    /** Unread bytes each stream end buffers before its remote writer stalls; default 256 KiB. */
    public Builder window(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("window must be >= 1 byte, was " + bytes);
      }
      this.window = bytes;
      return this;
    }

    /** Streams a connection may carry at once (see {@link Faults#maxStreamsPerConnection(int)}). */
    public Builder maxStreamsPerConnection(int max) {
      this.maxStreamsPerConnection = checkMaxStreams(max);
      return this;
    }

    /**
     * @throws IllegalStateException if no context was set
     */
    public MemoryTransport build() {
      if (context == null) {
        throw new IllegalStateException("MemoryTransport.Builder needs a context: call context(...) before build()");
      }
      return new MemoryTransport(this);
    }
  }

  private static int checkMaxStreams(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("maxStreamsPerConnection must be >= 0, was " + max);
    }
    return max;
  }

  // ---- Transport ----

  /** True for {@code /memory/<n>} and {@code /memory/<n>/p2p/<peer>}. */
  @Override
  public boolean supports(Multiaddr address) {
    if (address == null) {
      return false;
    }
    List<Multiaddr.Component> parts = address.components();
    if (parts.isEmpty() || !parts.get(0).name().equals("memory")) {
      return false;
    }
    return parts.size() == 1 || (parts.size() == 2 && parts.get(1).name().equals("p2p"));
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException also if {@code address} names a peer other than {@code expectedPeer}
   */
  @Override
  public CompletableFuture<NetConn> dial(Multiaddr address, PeerId expectedPeer) {
    requireSupported(address, "dial");
    Objects.requireNonNull(expectedPeer, "expectedPeer");
    Optional<PeerId> named = address.peerId();
    if (named.isPresent() && !named.get().equals(expectedPeer)) {
      throw new IllegalArgumentException("address " + address + " names peer " + named.get()
          + " but the dial expects " + expectedPeer);
    }
    CompletableFuture<NetConn> result = new CompletableFuture<>();
    if (closed) {
      return failLater(result, new NetworkClosedException("memory transport of " + localPeer() + " is closed"));
    }
    Supplier<? extends Throwable> refusal = faults.dialRefusals.take();
    if (refusal != null) {
      return failLater(result, make(refusal, "refuseNextDials"));
    }
    long id = memoryId(address);
    MemoryListener listener = network.lookup(id);
    if (listener == null) {
      return failLater(result, new TransportException("connection refused: nobody listens on "
          + address.withoutPeerId() + " in " + network));
    }
    Handshake hs = new Handshake(this, listener, expectedPeer, MemoryNetwork.address(network.allocateId()), result,
        faults.handshakeFaults.take());
    if (!track(handshakes, hs)) {
      return failLater(result, new NetworkClosedException("memory transport of " + localPeer() + " is closed"));
    }
    result.whenComplete((c, e) -> {
      if (result.isCancelled()) {
        hs.cancelled();
      }
    });
    hs.start();
    return result;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException also if {@code address} names a peer other than this transport's
   */
  @Override
  public CompletableFuture<TransportListener> listen(Multiaddr address, InboundConnectionHandler handler) {
    requireSupported(address, "listen on");
    Objects.requireNonNull(handler, "handler");
    Optional<PeerId> named = address.peerId();
    if (named.isPresent() && !named.get().equals(localPeer())) {
      throw new IllegalArgumentException("listen address " + address + " names peer " + named.get()
          + " but this transport is " + localPeer());
    }
    CompletableFuture<TransportListener> result = new CompletableFuture<>();
    if (closed) {
      return failLater(result, new NetworkClosedException("memory transport of " + localPeer() + " is closed"));
    }
    long id = memoryId(address);
    MemoryListener listener;
    if (id == 0) {
      listener = network.bindFresh(n -> new MemoryListener(this, n, handler));
    } else {
      listener = new MemoryListener(this, id, handler);
      if (!network.bind(id, listener)) {
        return failLater(result, new TransportException("address already in use: " + listener.address + " in "
            + network));
      }
    }
    if (!track(listeners, listener)) {
      network.unbind(listener.id, listener);
      return failLater(result, new NetworkClosedException("memory transport of " + localPeer() + " is closed"));
    }
    executor.execute(() -> result.complete(listener));
    return result;
  }

  @Override
  public void close() {
    synchronized (stateLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (MemoryListener l : new ArrayList<>(listeners)) {
      l.close();
    }
    for (Handshake hs : new ArrayList<>(handshakes)) {
      if (hs.isDialedBy(this)) {
        hs.dialerClosed();
      } else {
        hs.responderClosed();
      }
    }
    for (MemoryConnection c : new ArrayList<>(connections)) {
      c.shutdown();
    }
  }

  // ---- Observation ----

  /** The network this transport listens and dials on. */
  public MemoryNetwork network() {
    return network;
  }

  /** The context it was built with. */
  public TransportContext context() {
    return context;
  }

  /** This node's peer id: the context identity's. */
  public PeerId localPeer() {
    return context.identity().peerId();
  }

  /** The receive window of this transport's stream ends, in bytes. */
  public int window() {
    return window;
  }

  public boolean isClosed() {
    return closed;
  }

  /** Open connections of this transport, both directions. */
  public int openConnectionCount() {
    return connections.size();
  }

  /** Streams open right now over all of this transport's connections. */
  public int openStreamCount() {
    int n = 0;
    for (MemoryConnection c : connections) {
      n += c.streamCount();
    }
    return n;
  }

  /** Handshakes under way, outbound (dialed by this transport) plus inbound (accepted by its listeners). */
  public int pendingHandshakeCount() {
    return handshakes.size();
  }

  /** Listeners bound right now. */
  public int activeListenerCount() {
    return listeners.size();
  }

  /** This transport's open connections; an immutable snapshot in no particular order. */
  public List<NetConn> connections() {
    return List.copyOf(connections);
  }

  /** The fault-injection knobs of this transport. */
  public Faults faults() {
    return faults;
  }

  @Override
  public String toString() {
    return "MemoryTransport[" + localPeer() + " on " + network + (closed ? ", closed" : "") + "]";
  }

  /**
   * Fault injection for one {@link MemoryTransport}. Every knob is thread-safe and takes effect for
   * operations started after the call; queued faults are consumed one operation at a time, in the order
   * they were queued. Dial and handshake faults apply to dials <em>made by</em> this transport; stream
   * faults to streams <em>opened by</em> it.
   */
  public final class Faults {
    private final FaultQueue<Supplier<? extends Throwable>> dialRefusals = new FaultQueue<>();
    private final FaultQueue<Handshake.Fault> handshakeFaults = new FaultQueue<>();
    private final FaultQueue<Supplier<? extends Throwable>> streamOpenFailures = new FaultQueue<>();

    private Faults() {}

    /**
     * The next {@code count} dials fail at once with a retryable {@link TransportException}, without
     * reaching any listener.
     *
     * @throws IllegalArgumentException if {@code count < 0}
     */
    public Faults refuseNextDials(int count) {
      return refuseNextDials(count, () -> new TransportException("dial refused by fault injection"));
    }

    /**
     * The next {@code count} dials fail at once with what {@code failure} makes (called once per dial),
     * without reaching any listener.
     *
     * @throws IllegalArgumentException if {@code count < 0}
     */
    public Faults refuseNextDials(int count, Supplier<? extends Throwable> failure) {
      dialRefusals.add(count, Objects.requireNonNull(failure, "failure"));
      return this;
    }

    /** Dials still to be refused. */
    public int pendingDialRefusals() {
      return dialRefusals.remaining();
    }

    /**
     * The handshakes of the next {@code count} dials finish only after {@code delay} on this transport's
     * scheduler (the listener's {@code accept} is asked at once; its handshake timeout still applies).
     *
     * @throws IllegalArgumentException if {@code count < 0} or {@code delay} is negative
     */
    public Faults delayNextHandshakes(int count, Duration delay) {
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay must be >= 0, was " + delay);
      }
      handshakeFaults.add(count, new Handshake.Fault(delay));
      return this;
    }

    /**
     * The handshakes of the next {@code count} dials never finish by themselves: they end when the dial
     * future is cancelled, when the listening side's handshake timeout fires, or when either transport
     * closes, and each of those releases everything the attempt held.
     *
     * @throws IllegalArgumentException if {@code count < 0}
     */
    public Faults hangNextHandshakes(int count) {
      handshakeFaults.add(count, Handshake.Fault.HANG);
      return this;
    }

    /** Dials whose handshake is still to be delayed or hung. */
    public int pendingHandshakeFaults() {
      return handshakeFaults.remaining();
    }

    /**
     * The next {@code count} {@link NetConn#newStream} calls on this transport's connections fail with
     * a {@link ConnectionClosedException} (the connection stays open).
     *
     * @throws IllegalArgumentException if {@code count < 0}
     */
    public Faults failNextStreamOpens(int count) {
      return failNextStreamOpens(count,
          () -> new ConnectionClosedException("stream open failed by fault injection"));
    }

    /**
     * The next {@code count} {@link NetConn#newStream} calls on this transport's connections fail with
     * what {@code failure} makes (e.g. a {@link io.braid.api.LimitExceededException}); the connection
     * stays open.
     *
     * @throws IllegalArgumentException if {@code count < 0}
     */
    public Faults failNextStreamOpens(int count, Supplier<? extends Throwable> failure) {
      streamOpenFailures.add(count, Objects.requireNonNull(failure, "failure"));
      return this;
    }

    /** Stream opens still to be failed. */
    public int pendingStreamOpenFailures() {
      return streamOpenFailures.remaining();
    }

    /**
     * At most {@code max} streams at once on each connection of this transport (the smaller of both
     * sides' limits applies); opening one more fails with {@link io.braid.api.LimitExceededException}
     * named {@code maxStreamsPerConnection}. {@link Integer#MAX_VALUE} means no limit (the default).
     *
     * @throws IllegalArgumentException if {@code max < 0}
     */
    public Faults maxStreamsPerConnection(int max) {
      maxStreamsPerConnection = checkMaxStreams(max);
      return this;
    }

    /**
     * Kills {@code connection} abruptly: both sides' close futures complete with a
     * {@link io.braid.api.CloseReason.Kind#ERROR} reason and every stream on it fails with
     * {@link ConnectionClosedException}. Does nothing if it is already closed.
     *
     * @throws IllegalArgumentException if {@code connection} is not an end of one of this transport's
     *     connections
     */
    public void kill(NetConn connection) {
      Objects.requireNonNull(connection, "connection");
      if (!(connection instanceof MemoryConnection c)
          || (c.transport != MemoryTransport.this && c.remote().transport != MemoryTransport.this)) {
        throw new IllegalArgumentException(connection + " is not a connection of " + MemoryTransport.this);
      }
      c.kill(new TransportException("connection " + c.id() + " killed by fault injection"));
    }

    /**
     * Makes the answers to {@code connection}'s pings ({@link NetConn#ping()}, both ends) arrive after
     * {@code delay} on this transport's scheduler, so they measure that RTT; stream data is not delayed.
     * {@link Duration#ZERO} (the default) answers at once.
     *
     * @throws IllegalArgumentException if {@code delay} is negative or {@code connection} is not one of
     *     this transport's
     */
    public Faults delay(NetConn connection, Duration delay) {
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay must be >= 0, was " + delay);
      }
      own(connection).pingDelay(delay);
      return this;
    }

    /**
     * Holds every answer to {@code connection}'s pings (both ends) until {@link #resume(NetConn)}: a
     * stalled peer whose pings time out. Stream data still flows.
     *
     * @throws IllegalArgumentException if {@code connection} is not one of this transport's
     */
    public Faults stall(NetConn connection) {
      own(connection).stall(true);
      return this;
    }

    /** Ends a {@link #stall}: the held answers arrive now (measuring the time they were held). */
    public Faults resume(NetConn connection) {
      own(connection).stall(false);
      return this;
    }

    private MemoryConnection own(NetConn connection) {
      Objects.requireNonNull(connection, "connection");
      if (!(connection instanceof MemoryConnection c)
          || (c.transport != MemoryTransport.this && c.remote().transport != MemoryTransport.this)) {
        throw new IllegalArgumentException(connection + " is not a connection of " + MemoryTransport.this);
      }
      return c;
    }

    /** Kills every open connection of this transport; returns how many. */
    public int killAll() {
      List<MemoryConnection> all = new ArrayList<>(connections);
      for (MemoryConnection c : all) {
        kill(c);
      }
      return all.size();
    }

    /** Forgets every queued fault (the stream limit stays). */
    public void clear() {
      dialRefusals.clear();
      handshakeFaults.clear();
      streamOpenFailures.clear();
    }
  }

  // ---- Package-private plumbing ----

  Executor executor() {
    return executor;
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  long nanoTime() {
    return nanoTime.getAsLong();
  }

  int maxStreamsPerConnection() {
    return maxStreamsPerConnection;
  }

  Throwable takeStreamOpenFault() {
    Supplier<? extends Throwable> s = faults.streamOpenFailures.take();
    return s == null ? null : make(s, "failNextStreamOpens");
  }

  /** Registers an accepted inbound handshake; false if this transport closed. */
  boolean trackInbound(Handshake hs) {
    return track(handshakes, hs);
  }

  void handshakeEnded(Handshake hs) {
    handshakes.remove(hs);
  }

  boolean adopt(MemoryConnection c) {
    return track(connections, c);
  }

  void connectionEnded(MemoryConnection c) {
    connections.remove(c);
  }

  void listenerClosed(MemoryListener l) {
    listeners.remove(l);
  }

  private <T> boolean track(Set<T> set, T item) {
    synchronized (stateLock) {
      if (closed) {
        return false;
      }
      set.add(item);
      return true;
    }
  }

  private <T> CompletableFuture<T> failLater(CompletableFuture<T> f, Throwable cause) {
    executor.execute(() -> f.completeExceptionally(cause));
    return f;
  }

  private static Throwable make(Supplier<? extends Throwable> supplier, String knob) {
    Throwable t;
    try {
      t = supplier.get();
    } catch (RuntimeException e) {
      return new IllegalStateException("the failure supplier given to " + knob + " threw", e);
    }
    return t != null ? t : new IllegalStateException("the failure supplier given to " + knob + " returned null");
  }

  private void requireSupported(Multiaddr address, String what) {
    Objects.requireNonNull(address, "address");
    if (!supports(address)) {
      throw new IllegalArgumentException("memory transport cannot " + what + " " + address
          + ": expected /memory/<n>, optionally followed by /p2p/<peer>");
    }
  }

  private static long memoryId(Multiaddr address) {
    return Long.parseUnsignedLong(address.components().get(0).valueString());
  }
}
