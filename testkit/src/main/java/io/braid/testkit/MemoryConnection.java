package io.braid.testkit;

import io.braid.api.CloseReason;
import io.braid.api.ConnectionClosedException;
import io.braid.api.Direction;
import io.braid.api.LimitExceededException;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.PeerId;
import io.braid.api.ProtocolNegotiationException;
import io.braid.api.StreamHandler;
import io.braid.testkit.internal.Effects;
import io.braid.testkit.internal.Futures;
import io.braid.testkit.internal.SerialExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One end of an in-memory connection. The two ends share a {@link Link}, whose monitor guards the state
 * of both ends and of every stream on them; one lock per connection keeps every transition (a stream
 * opening on both sides, a close failing every stream) atomic and easy to reason about. Nothing outside
 * this package calls back while that lock is held: effects are collected and run on each end's serial
 * event executor afterwards.
 */
final class MemoryConnection implements NetConn {
  private static final Logger LOG = LoggerFactory.getLogger(MemoryConnection.class);
  private static final AtomicLong LINKS = new AtomicLong();

  /** The shared state of the two ends; its monitor is the connection's lock. */
  static final class Link {
    final long number = LINKS.incrementAndGet();
    MemoryConnection dialerEnd;
    MemoryConnection listenerEnd;
    boolean closed;
    long nextStreamId = 1;
    /** Either end drained: no new streams on either end (the in-memory GO_AWAY). */
    boolean goingAway;
    long pingDelayNanos;
    boolean stalled;
    /** Ping answers on their way (delayed), either end's; cancelled when the link closes. */
    final Map<java.util.concurrent.Future<?>, HeldPing> pongTimers = new HashMap<>();
    /** Ping answers held by a stall, either end's. */
    final List<HeldPing> held = new ArrayList<>();
  }

  /** A ping whose answer waits: its end, its future, when it was sent. */
  record HeldPing(MemoryConnection end, CompletableFuture<Duration> future, long sentAt) {}

  /** Pings one end may have unanswered at once; one more fails with LimitExceededException. */
  static final int MAX_OUTSTANDING_PINGS = 16;

  final MemoryTransport transport;
  final Link link;
  final SerialExecutor events;
  /** Streams of this end by id; guarded by {@link #link}. */
  final Map<Long, MemoryStream> streams = new HashMap<>();
  private final String id;
  private final Direction direction;
  private final Multiaddr localAddress;
  private final Multiaddr remoteAddress;
  private final CompletableFuture<CloseReason> closeFuture = new CompletableFuture<>();
  private MemoryConnection remote;
  private volatile boolean open = true;
  private volatile int streamCount;
  // Guarded by link; volatile for lock-free readers.
  private volatile long bytesSent;
  private volatile long bytesReceived;
  private volatile long lastActivity;
  private int outstandingPings;
  private boolean drainStarted;

  private MemoryConnection(MemoryTransport transport, Link link, Direction direction, Multiaddr localAddress,
      Multiaddr remoteAddress) {
    this.transport = transport;
    this.link = link;
    this.direction = direction;
    this.localAddress = localAddress;
    this.remoteAddress = remoteAddress;
    this.events = new SerialExecutor(transport.executor());
    this.id = "mem-" + link.number + (direction == Direction.OUTBOUND ? "-out" : "-in");
    this.lastActivity = transport.nanoTime();
  }

  /** Both ends of a new connection: [dialer's, listener's]. */
  static MemoryConnection[] pair(MemoryTransport dialer, MemoryTransport responder, Multiaddr dialerAddress,
      Multiaddr listenerAddress) {
    Link link = new Link();
    MemoryConnection out = new MemoryConnection(dialer, link, Direction.OUTBOUND, dialerAddress, listenerAddress);
    MemoryConnection in = new MemoryConnection(responder, link, Direction.INBOUND, listenerAddress, dialerAddress);
    out.remote = in;
    in.remote = out;
    link.dialerEnd = out;
    link.listenerEnd = in;
    return new MemoryConnection[] {out, in};
  }

  MemoryConnection remote() {
    return remote;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public PeerId localPeer() {
    return transport.localPeer();
  }

  @Override
  public PeerId remotePeer() {
    return remote.transport.localPeer();
  }

  @Override
  public Multiaddr localAddress() {
    return localAddress;
  }

  @Override
  public Multiaddr remoteAddress() {
    return remoteAddress;
  }

  @Override
  public Direction direction() {
    return direction;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public int streamCount() {
    return streamCount;
  }

  /** Called with the link lock held whenever {@link #streams} changed. */
  void streamsChanged() {
    streamCount = streams.size();
  }

  @Override
  public CompletableFuture<NetStream> newStream(String... protocols) {
    List<String> offered = validate(protocols);
    CompletableFuture<NetStream> result = new CompletableFuture<>();
    Throwable injected = transport.takeStreamOpenFault();
    if (injected != null) {
      events.execute(() -> result.completeExceptionally(injected));
      return result;
    }
    MemoryStream local = null;
    Throwable refusal = null;
    synchronized (link) {
      int limit = Math.min(transport.maxStreamsPerConnection(), remote.transport.maxStreamsPerConnection());
      if (link.closed) {
        refusal = new ConnectionClosedException("connection " + id + " is closed");
      } else if (link.goingAway) {
        refusal = new ConnectionClosedException("connection " + id + (drainStarted ? " is draining"
            : " is going away: the remote drains it") + "; no new streams");
      } else if (streams.size() >= limit) {
        refusal = new LimitExceededException("maxStreamsPerConnection", limit,
            "opening a stream on connection " + id);
      } else {
        long streamId = link.nextStreamId++;
        local = new MemoryStream(this, streamId, Direction.OUTBOUND);
        MemoryStream inbound = new MemoryStream(remote, streamId, Direction.INBOUND);
        local.remote = inbound;
        inbound.remote = local;
        local.openFuture = result;
        streams.put(streamId, local);
        remote.streams.put(streamId, inbound);
        streamsChanged();
        remote.streamsChanged();
      }
    }
    if (refusal != null) {
      Throwable cause = refusal;
      events.execute(() -> result.completeExceptionally(cause));
      return result;
    }
    MemoryStream opened = local;
    remote.events.execute(() -> negotiate(opened, offered));
    result.whenComplete((s, e) -> {
      if (result.isCancelled()) {
        opened.reset();
      }
    });
    return result;
  }

  private static List<String> validate(String[] protocols) {
    if (protocols == null || protocols.length == 0) {
      throw new IllegalArgumentException("newStream needs at least one protocol");
    }
    for (int i = 0; i < protocols.length; i++) {
      if (protocols[i] == null || protocols[i].isEmpty()) {
        throw new IllegalArgumentException("protocol " + i + " is " + (protocols[i] == null ? "null" : "empty"));
      }
    }
    return List.of(protocols);
  }

  /** Runs on the remote end's events: asks the REMOTE side's router, as multistream-select would. */
  private void negotiate(MemoryStream local, List<String> offered) {
    MemoryStream inbound = local.remote;
    String chosen = null;
    StreamHandler handler = null;
    RuntimeException routerError = null;
    for (String protocol : offered) {
      Optional<StreamHandler> h;
      try {
        h = remote.transport.context().streamRouter().handlerFor(protocol);
      } catch (RuntimeException e) {
        routerError = e;
        break;
      }
      if (h != null && h.isPresent()) {
        chosen = protocol;
        handler = h.get();
        break;
      }
    }
    Effects fx = new Effects();
    boolean serve = false;
    synchronized (link) {
      if (local.isFinished()) {
        return; // the connection closed, or the opener reset or cancelled, while we negotiated
      }
      if (chosen == null) {
        ProtocolNegotiationException e = routerError == null
            ? new ProtocolNegotiationException("peer " + remotePeer() + " supports none of " + offered, offered)
            : new ProtocolNegotiationException("peer " + remotePeer() + " failed to negotiate " + offered,
                offered, routerError);
        local.fail(e, fx);
        inbound.fail(e, fx);
      } else {
        CompletableFuture<NetStream> open = local.openFuture;
        local.openFuture = null;
        local.protocol = chosen;
        inbound.protocol = chosen;
        fx.add(events, () -> {
          if (!open.complete(local)) {
            local.reset();
          }
        });
        serve = true;
      }
    }
    fx.run();
    if (serve) {
      StreamHandler h = handler;
      remote.events.execute(() -> {
        try {
          h.handle(inbound);
        } catch (Throwable t) {
          LOG.warn("stream handler for {} threw; resetting stream {} of {}", inbound.protocol(), inbound.id(),
              remote.id, t);
          inbound.reset();
        }
      });
    }
  }

  // ---- health and drain

  /** Called with the link lock held when stream payload moved: {@code out} bytes sent, {@code in} received. */
  void moved(long out, long in) {
    bytesSent += out;
    bytesReceived += in;
    lastActivity = transport.nanoTime();
  }

  @Override
  public long bytesSent() {
    return bytesSent;
  }

  @Override
  public long bytesReceived() {
    return bytesReceived;
  }

  @Override
  public long lastActivityNanos() {
    return lastActivity;
  }

  @Override
  public boolean isDraining() {
    synchronized (link) {
      return link.goingAway;
    }
  }

  /**
   * {@inheritDoc} The answer comes from the remote end after the link's injected delay
   * ({@link MemoryTransport.Faults#delay}), on the transport's scheduler, or is held while the link is
   * stalled; at most {@value #MAX_OUTSTANDING_PINGS} unanswered at once.
   */
  @Override
  public CompletableFuture<Duration> ping() {
    CompletableFuture<Duration> f = new CompletableFuture<>();
    long sent = transport.nanoTime();
    Throwable refusal = null;
    long delay = 0;
    boolean hold = false;
    synchronized (link) {
      if (link.closed) {
        refusal = new ConnectionClosedException("connection " + id + " is closed");
      } else if (outstandingPings >= MAX_OUTSTANDING_PINGS) {
        refusal = new LimitExceededException("outstanding pings", MAX_OUTSTANDING_PINGS,
            "pinging connection " + id);
      } else {
        outstandingPings++;
        delay = link.pingDelayNanos;
        hold = link.stalled;
        if (hold) {
          link.held.add(new HeldPing(this, f, sent));
        }
      }
    }
    if (refusal != null) {
      Throwable cause = refusal;
      events.execute(() -> f.completeExceptionally(cause));
    } else if (!hold) {
      if (delay == 0) {
        pong(f, sent);
      } else {
        schedulePong(f, sent, delay);
      }
    }
    return f;
  }

  private void schedulePong(CompletableFuture<Duration> f, long sent, long delay) {
    CompletableFuture<java.util.concurrent.Future<?>> self = new CompletableFuture<>();
    java.util.concurrent.Future<?> timer;
    try {
      timer = transport.scheduler().schedule(() -> {
        java.util.concurrent.Future<?> me = self.join(); // not under the lock: the scheduling thread sets it
        synchronized (link) {
          link.pongTimers.remove(me);
        }
        pong(f, sent);
      }, delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      pong(f, sent);
      return;
    }
    boolean cancel;
    synchronized (link) {
      cancel = link.closed;
      if (!cancel) {
        link.pongTimers.put(timer, new HeldPing(this, f, sent));
      }
    }
    self.complete(timer);
    if (cancel) {
      timer.cancel(false);
      pong(f, sent); // fails it: the link is closed
    }
  }

  /** Completes a ping with the time since {@code sent}, or fails it if the connection closed meanwhile. */
  private void pong(CompletableFuture<Duration> f, long sent) {
    boolean open;
    synchronized (link) {
      outstandingPings--;
      open = !link.closed;
    }
    Duration rtt = Duration.ofNanos(Math.max(0, transport.nanoTime() - sent));
    events.execute(() -> {
      if (open) {
        f.complete(rtt);
      } else {
        f.completeExceptionally(new ConnectionClosedException("connection " + id + " closed before the pong"));
      }
    });
  }

  void pingDelay(Duration delay) {
    synchronized (link) {
      link.pingDelayNanos = delay.toNanos();
    }
  }

  void stall(boolean stalled) {
    List<HeldPing> release;
    synchronized (link) {
      link.stalled = stalled;
      if (stalled) {
        return;
      }
      release = new ArrayList<>(link.held);
      link.held.clear();
    }
    for (HeldPing p : release) {
      p.end().pong(p.future(), p.sentAt());
    }
  }

  /**
   * {@inheritDoc} Both ends refuse new streams at once (the in-memory GO_AWAY: the remote learns it without
   * delay); the connection closes when this end's streams have all finished, or at the end of
   * {@code grace} on the transport's scheduler.
   */
  @Override
  public CompletableFuture<CloseReason> drain(Duration grace) {
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must be >= 0, was " + grace);
    }
    List<CompletableFuture<Void>> inFlight = new ArrayList<>();
    synchronized (link) {
      if (link.closed || drainStarted) {
        return closeFuture();
      }
      drainStarted = true;
      link.goingAway = true;
      for (MemoryStream s : streams.values()) {
        inFlight.add(s.closeFuture());
      }
    }
    if (inFlight.isEmpty() || grace.isZero()) {
      close();
      return closeFuture();
    }
    CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> close());
    try {
      java.util.concurrent.ScheduledFuture<?> timer =
          transport.scheduler().schedule(this::close, grace.toNanos(), TimeUnit.NANOSECONDS);
      closeFuture.whenComplete((r, e) -> timer.cancel(false));
    } catch (RejectedExecutionException e) {
      close();
    }
    return closeFuture();
  }

  @Override
  public void close() {
    closeLink(CloseReason.LOCAL, CloseReason.REMOTE, null);
  }

  /** The transport shut down. */
  void shutdown() {
    closeLink(CloseReason.SHUTDOWN, CloseReason.REMOTE, null);
  }

  /** Fault injection: an abrupt failure both sides see as an error. */
  void kill(Throwable cause) {
    closeLink(CloseReason.error(cause), CloseReason.error(cause), cause);
  }

  private void closeLink(CloseReason here, CloseReason there, Throwable cause) {
    Effects fx = new Effects();
    synchronized (link) {
      if (link.closed) {
        return;
      }
      link.closed = true;
      open = false;
      remote.open = false;
      for (MemoryStream s : new ArrayList<>(streams.values())) {
        s.fail(new ConnectionClosedException("connection " + id + " closed" + (cause == null ? "" : " abruptly"),
            cause), fx);
        s.remote.fail(new ConnectionClosedException("connection " + remote.id + " closed by the remote peer"
            + (cause == null ? "" : " abruptly"), cause), fx);
      }
      for (HeldPing p : link.held) {
        fx.add(p.end().events, () -> p.future().completeExceptionally(
            new ConnectionClosedException("connection " + p.end().id + " closed before the pong")));
      }
      link.held.clear();
      for (Map.Entry<java.util.concurrent.Future<?>, HeldPing> t : link.pongTimers.entrySet()) {
        t.getKey().cancel(false);
        HeldPing p = t.getValue();
        fx.add(p.end().events, () -> p.future().completeExceptionally(
            new ConnectionClosedException("connection " + p.end().id + " closed before the pong")));
      }
      link.pongTimers.clear();
      fx.add(events, () -> closeFuture.complete(here));
      fx.add(remote.events, () -> remote.closeFuture.complete(there));
    }
    transport.connectionEnded(this);
    remote.transport.connectionEnded(remote);
    fx.run();
  }

  @Override
  public CompletableFuture<CloseReason> closeFuture() {
    return Futures.view(closeFuture);
  }

  @Override
  public String toString() {
    return "MemoryConnection[" + id + " " + localAddress + " -> " + remoteAddress + ", remote " + remotePeer()
        + (open ? "" : ", closed") + ", streams=" + streamCount + "]";
  }
}
