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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
  }

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

  private MemoryConnection(MemoryTransport transport, Link link, Direction direction, Multiaddr localAddress,
      Multiaddr remoteAddress) {
    this.transport = transport;
    this.link = link;
    this.direction = direction;
    this.localAddress = localAddress;
    this.remoteAddress = remoteAddress;
    this.events = new SerialExecutor(transport.executor());
    this.id = "mem-" + link.number + (direction == Direction.OUTBOUND ? "-out" : "-in");
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
