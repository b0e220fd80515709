package io.braid.transport.tcp.internal.conn;

import io.braid.api.CloseReason;
import io.braid.api.ConnectionClosedException;
import io.braid.api.ConnectionTimeoutException;
import io.braid.api.Direction;
import io.braid.api.LimitExceededException;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.PeerId;
import io.braid.api.ResourceManager;
import io.braid.api.StreamHandler;
import io.braid.api.StreamRouter;
import io.braid.transport.tcp.internal.mss.MultistreamNegotiator;
import io.braid.transport.tcp.internal.yamux.MuxedStream;
import io.braid.transport.tcp.internal.yamux.YamuxConfig;
import io.braid.transport.tcp.internal.yamux.YamuxFrame;
import io.braid.transport.tcp.internal.yamux.YamuxSession;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link NetConn} over one upgraded TCP channel: a {@link YamuxSession} behind Noise. Every stream,
 * outbound or inbound, runs multistream-select on its own bytes ({@link StreamNegotiation}) before it is
 * handed out as a {@link TcpStream}.
 *
 * <p>Design note: the session owns all stream state on the channel's event loop; this class adds only
 * the close reason (the first of {@link #close()} / {@link #shutdown()} wins over whatever the session
 * reports) and a lazily started, cached per-connection task (identify). {@link #closeFuture()} completes
 * after the session terminated (every stream stopped counting) and the channel closed.
 */
public final class TcpConn implements NetConn {
  private static final Logger log = LoggerFactory.getLogger(TcpConn.class);
  private static final AtomicLong IDS = new AtomicLong();

  private final String id;
  private final Channel channel;
  private final YamuxSession session;
  private final Direction direction;
  private final PeerId localPeer;
  private final PeerId remotePeer;
  private final Multiaddr localAddress;
  private final Multiaddr remoteAddress;
  private final StreamRouter router;
  private final Duration negotiationTimeout;
  private final ResourceManager resources;
  private final AtomicReference<CloseReason> localReason = new AtomicReference<>();
  private final CompletableFuture<CloseReason> closeFuture = new CompletableFuture<>();
  private final AtomicReference<CompletableFuture<?>> onceTask = new AtomicReference<>();
  // Set by the upgrader before the connection is handed out, read by anyone after.
  private volatile String securityProtocol;
  private volatile boolean earlyMuxer;
  private volatile boolean draining;

  TcpConn(Channel channel, Direction direction, PeerId localPeer, PeerId remotePeer, Multiaddr localAddress,
      Multiaddr remoteAddress, StreamRouter router, YamuxConfig config, Duration negotiationTimeout,
      ResourceManager resources) {
    this.resources = resources;
    this.id = "tcp-" + IDS.incrementAndGet();
    this.channel = channel;
    this.direction = direction;
    this.localPeer = localPeer;
    this.remotePeer = remotePeer;
    this.localAddress = localAddress;
    this.remoteAddress = remoteAddress;
    this.router = router;
    this.negotiationTimeout = negotiationTimeout;
    // The listener runs only once the session is in the pipeline, after this constructor.
    this.session = new YamuxSession(direction == Direction.OUTBOUND, config, this::onInboundStream);
    session.name(id);
    // A session in the pipeline closes the channel itself, once its last frames are out (see
    // YamuxSession#close); closing it from here would drop them.
    session.closeFuture().whenComplete((v, error) -> {
      if (!session.attached()) {
        channel.close();
      }
      channel.closeFuture().addListener(f -> closeFuture.complete(reason(error)));
    });
  }

  /** Records how the connection was secured; the upgrader calls it before handing the connection out. */
  void secured(String securityProtocol, boolean earlyMuxer) {
    this.securityProtocol = securityProtocol;
    this.earlyMuxer = earlyMuxer;
  }

  /** The security protocol id ({@code /noise} or {@code /tls/1.0.0}), or null before the upgrader set it. */
  public String securityProtocol() {
    return securityProtocol;
  }

  /** Whether the muxer was chosen through TLS's ALPN rather than multistream-select. */
  public boolean earlyMuxer() {
    return earlyMuxer;
  }

  /** The session to add to the channel's pipeline (once). */
  YamuxSession session() {
    return session;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public PeerId localPeer() {
    return localPeer;
  }

  @Override
  public PeerId remotePeer() {
    return remotePeer;
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
    return localReason.get() == null && session.isOpen() && channel.isActive();
  }

  @Override
  public int streamCount() {
    return session.streamCount();
  }

  @Override
  public CompletableFuture<NetStream> newStream(String... protocols) {
    Objects.requireNonNull(protocols, "protocols");
    if (protocols.length == 0) {
      throw new IllegalArgumentException("newStream needs at least one protocol");
    }
    // Validates the ids (IllegalArgumentException) before anything is opened.
    MultistreamNegotiator negotiator = MultistreamNegotiator.initiator(List.of(protocols));
    CompletableFuture<NetStream> result = new CompletableFuture<>();
    if (!isOpen()) {
      result.completeExceptionally(new ConnectionClosedException("connection " + id + " is closed"));
      return result;
    }
    if (draining) {
      result.completeExceptionally(new ConnectionClosedException("connection " + id
          + " is draining; no new streams"));
      return result;
    }
    ResourceManager.StreamScope scope;
    try {
      scope = resources.openStream(this, Direction.OUTBOUND);
      scope.reserveMemory(YamuxFrame.INITIAL_WINDOW);
    } catch (LimitExceededException e) {
      result.completeExceptionally(e);
      return result;
    }
    session.openStream().whenComplete((muxed, openError) -> {
      if (openError != null) {
        scope.close();
        result.completeExceptionally(unwrap(openError));
        return;
      }
      muxed.closeFuture().handle((v, e) -> releaseScope(scope));
      muxed.memoryGuard(growth -> reserve(scope, growth));
      // A caller that gives up (cancels) while negotiation runs must not leave the stream counting.
      result.handle((s, e) -> {
        if (e != null) {
          muxed.reset();
        }
        return null;
      });
      // Bounded like inbound negotiation: a peer that accepts the stream and never answers must not
      // hold the caller (or the stream) forever.
      CompletableFuture<StreamNegotiation.Outcome> negotiation = StreamNegotiation.run(muxed, negotiator);
      ScheduledFuture<?> timer = channel.eventLoop().schedule(() -> {
        negotiation.completeExceptionally(new ConnectionTimeoutException("outbound stream negotiation",
            negotiationTimeout));
      }, negotiationTimeout.toNanos(), TimeUnit.NANOSECONDS);
      negotiation.handle((outcome, error) -> {
        timer.cancel(false);
        LimitExceededException refused = error == null
            ? chargeProtocol(scope, outcome.protocol(), muxed) : null;
        if (refused != null) {
          result.completeExceptionally(refused);
        } else if (error != null) {
          // Reset first: the stream must stop counting before the caller hears of the failure.
          muxed.reset();
          result.completeExceptionally(unwrap(error));
        } else if (!result.complete(new TcpStream(muxed, this, outcome.protocol(), outcome.leftover()))) {
          muxed.reset();
        }
        return null;
      });
    });
    return result;
  }

  /*
   * Callbacks on a stream's futures use handle(), not whenComplete(): on a failed future whenComplete()
   * completes the stage it returns (unused here) with a new CompletionException, whose stack trace is tens of
   * microseconds of the event loop; a stream flood fails thousands of streams a second.
   */

  /** Closes a stream's scope when the stream has ended; a {@code handle} callback's result. */
  private static Void releaseScope(ResourceManager.StreamScope scope) {
    scope.close();
    return null;
  }

  /**
   * Charges a receive window's growth to the stream's scope (stream, connection, peer and node memory);
   * false, so that the window stays as it is, when a memory limit is reached.
   */
  private boolean reserve(ResourceManager.StreamScope scope, long growth) {
    try {
      scope.reserveMemory(growth);
      return true;
    } catch (LimitExceededException e) {
      log.debug("{}: a receive window stays as it is: {}", id, e.getMessage());
      return false;
    }
  }

  /**
   * Negotiates an inbound stream against the router, bounded by the negotiation timeout (a peer that opens
   * streams and never proposes a protocol would otherwise hold them until the session's stream limit).
   */
  private void onInboundStream(MuxedStream muxed) {
    ResourceManager.StreamScope scope;
    try {
      scope = resources.openStream(this, Direction.INBOUND);
    } catch (LimitExceededException e) {
      log.debug("{}: inbound stream {} refused: {}", id, muxed.id(), e.getMessage());
      muxed.refuse();
      return;
    }
    muxed.closeFuture().handle((v, e) -> releaseScope(scope));
    try {
      scope.reserveMemory(YamuxFrame.INITIAL_WINDOW);
    } catch (LimitExceededException e) {
      log.debug("{}: inbound stream {} refused: {}", id, muxed.id(), e.getMessage());
      muxed.refuse();
      return;
    }
    muxed.memoryGuard(growth -> reserve(scope, growth));
    // A supported proposal is charged to its protocol's scope before it is accepted: when that scope is full the
    // stream is refused (reset) there, before we echo the protocol and start a handler for it to reset at once.
    MultistreamNegotiator negotiator = MultistreamNegotiator.responder(p -> {
      if (router.handlerFor(p).isEmpty()) {
        return false;
      }
      scope.setProtocol(p); // throws LimitExceededException, which fails the negotiation
      return true;
    });
    CompletableFuture<StreamNegotiation.Outcome> negotiation = StreamNegotiation.run(muxed, negotiator);
    ScheduledFuture<?> timer = channel.eventLoop().schedule(() -> {
      negotiation.completeExceptionally(new ConnectionTimeoutException("inbound stream negotiation",
          negotiationTimeout));
    }, negotiationTimeout.toNanos(), TimeUnit.NANOSECONDS);
    negotiation.handle((outcome, error) -> {
      timer.cancel(false);
      if (error != null) {
        if (unwrap(error) instanceof LimitExceededException refused) {
          log.debug("{}: inbound stream {} refused: {}", id, muxed.id(), refused.getMessage());
          muxed.refuse(); // its protocol's scope is full: a refusal, as before negotiation
        } else {
          log.debug("{}: inbound stream {} not negotiated: {}", id, muxed.id(), error.toString());
          muxed.reset();
        }
        return null;
      }
      Optional<StreamHandler> handler = router.handlerFor(outcome.protocol());
      if (handler.isEmpty()) {
        muxed.reset();
        return null;
      }
      TcpStream stream = new TcpStream(muxed, this, outcome.protocol(), outcome.leftover());
      try {
        handler.get().handle(stream);
      } catch (RuntimeException e) {
        log.warn("{}: the handler of {} threw; resetting its stream", id, outcome.protocol(), e);
        stream.reset();
      }
      return null;
    });
  }

  /**
   * Charges outbound {@code muxed} to its negotiated {@code protocol}'s scope; on a refusal resets it (its scope
   * is closed by its close future) and returns the refusal, else null. (An inbound stream is charged while
   * negotiating, in {@link #onInboundStream}.)
   */
  private LimitExceededException chargeProtocol(ResourceManager.StreamScope scope, String protocol,
      MuxedStream muxed) {
    try {
      scope.setProtocol(protocol);
      return null;
    } catch (LimitExceededException e) {
      log.debug("{}: stream {} refused: {}", id, muxed.id(), e.getMessage());
      muxed.reset();
      return e;
    }
  }

  // ---- health and drain (issue 14)

  /** {@inheritDoc} A Yamux ping; see {@link YamuxSession#ping()} for its bound. */
  @Override
  public CompletableFuture<Duration> ping() {
    return session.ping();
  }

  /**
   * {@inheritDoc} Sends Yamux GO_AWAY (normal): the remote's session refuses to open streams from then on
   * and its {@link #isDraining()} turns true; inbound SYNs that cross it are refused with RST.
   */
  @Override
  public CompletableFuture<CloseReason> drain(Duration grace) {
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must be >= 0, was " + grace);
    }
    synchronized (this) {
      if (draining || !isOpen()) {
        return closeFuture;
      }
      draining = true;
    }
    if (grace.isZero()) {
      close();
      return closeFuture;
    }
    session.drain().whenComplete((v, e) -> close());
    ScheduledFuture<?> timer = channel.eventLoop().schedule(this::close, grace.toNanos(), TimeUnit.NANOSECONDS);
    closeFuture.whenComplete((r, e) -> timer.cancel(false));
    return closeFuture;
  }

  @Override
  public boolean isDraining() {
    return draining || session.isRemoteGoingAway();
  }

  /** {@inheritDoc} Yamux bytes: frame headers included, before encryption. */
  @Override
  public long bytesSent() {
    return session.bytesOut();
  }

  /** {@inheritDoc} Yamux bytes: frame headers included, after decryption. */
  @Override
  public long bytesReceived() {
    return session.bytesIn();
  }

  @Override
  public long lastActivityNanos() {
    return session.lastActivity();
  }

  @Override
  public void close() {
    closeWith(CloseReason.LOCAL);
  }

  /** Closes because the transport shuts down: the close reason is {@link CloseReason#SHUTDOWN}. */
  public void shutdown() {
    closeWith(CloseReason.SHUTDOWN);
  }

  private void closeWith(CloseReason reason) {
    if (localReason.compareAndSet(null, reason)) {
      session.close();
      if (!session.attached()) {
        channel.close();
      }
    }
  }

  @Override
  public CompletableFuture<CloseReason> closeFuture() {
    return closeFuture;
  }

  /** The bound on negotiating an inbound stream (the transport's handshake timeout). */
  public Duration negotiationTimeout() {
    return negotiationTimeout;
  }

  /** The event loop of this connection's channel, for timers whose callbacks must not block. */
  public ScheduledExecutorService eventLoop() {
    return channel.eventLoop();
  }

  /**
   * The task {@code start} makes for this connection, started on the first call and shared by every later
   * one (used for identify, which runs at most once per connection).
   */
  @SuppressWarnings("unchecked")
  public <T> CompletableFuture<T> once(Function<NetConn, CompletableFuture<T>> start) {
    CompletableFuture<T> fresh = new CompletableFuture<>();
    if (!onceTask.compareAndSet(null, fresh)) {
      return (CompletableFuture<T>) onceTask.get();
    }
    try {
      start.apply(this).whenComplete((v, e) -> {
        if (e != null) {
          fresh.completeExceptionally(unwrap(e));
        } else {
          fresh.complete(v);
        }
      });
    } catch (RuntimeException e) {
      fresh.completeExceptionally(e);
    }
    return fresh;
  }

  private CloseReason reason(Throwable sessionError) {
    CloseReason local = localReason.get();
    if (local != null) {
      return local;
    }
    if (sessionError == null) {
      return CloseReason.REMOTE;
    }
    Throwable cause = unwrap(sessionError);
    if (cause instanceof LimitExceededException) {
      return CloseReason.refused(cause); // the remote flooded past a limit (refusedStreamsPerConnection)
    }
    return cause instanceof ConnectionTimeoutException ? CloseReason.timeout(cause) : CloseReason.error(cause);
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  @Override
  public String toString() {
    return "TcpConn[" + id + " " + direction + " " + localAddress + " -> " + remoteAddress + " " + remotePeer + "]";
  }
}
