package io.braid.transport.tcp;

import io.braid.api.Direction;
import io.braid.api.InboundConnectionHandler;
import io.braid.api.Multiaddr;
import io.braid.api.NetworkMetrics;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import io.braid.api.PeerIdMismatchException;
import io.braid.api.ResourceLimits;
import io.braid.api.StreamHandler;
import io.braid.api.StreamRouter;
import io.braid.api.Transport;
import io.braid.api.TransportContext;
import io.braid.api.TransportException;
import io.braid.api.TransportListener;
import io.braid.transport.tcp.internal.conn.Addresses;
import io.braid.transport.tcp.internal.conn.ByteCounter;
import io.braid.transport.tcp.internal.conn.LoopBalancer;
import io.braid.transport.tcp.internal.conn.OrderlyClose;
import io.braid.transport.tcp.internal.conn.TcpConn;
import io.braid.transport.tcp.internal.conn.Upgrader;
import io.braid.transport.tcp.internal.protocols.Identify;
import io.braid.transport.tcp.internal.protocols.Ping;
import io.braid.transport.tcp.internal.tls.TlsHandshake;
import io.braid.transport.tcp.internal.yamux.YamuxConfig;
import io.braid.transport.tcp.internal.yamux.YamuxSession;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The libp2p TCP transport: dials and listens on {@code /ip4|ip6|dns|dns4|dns6/<host>/tcp/<port>} (optionally
 * ending in {@code /p2p/<id>}) and upgrades each connection with multistream-select, a security protocol
 * (libp2p TLS 1.3 or Noise, see {@link Builder#security}; by default TLS first where BoringSSL loads) and
 * Yamux.
 *
 * <h2>Threads</h2>
 * One Netty event loop group per transport (epoll where {@link Epoll#isAvailable()} and not disabled, NIO
 * otherwise), shut down by {@link #close()}. Each new connection is placed on the loop with the fewest live
 * channels, so k connections use k loops (and cores) when the group has them. Every future of this transport and of its connections and
 * streams completes on one of its event loops, and {@link InboundConnectionHandler} and
 * {@link StreamHandler} callbacks run there: they must not block. Resolving a {@code dns*} address runs on
 * the common {@link java.util.concurrent.ForkJoinPool}. All methods are thread-safe.
 *
 * <h2>Timeouts and cancellation</h2>
 * The whole upgrade (multistream-select, TLS or Noise, multistream-select unless TLS's ALPN chose Yamux,
 * Yamux) is bounded by
 * {@link TransportContext#handshakeTimeout()} in both directions, and the TCP connect of a dial by the same
 * duration; a dial that runs out of time fails with {@link io.braid.api.ConnectionTimeoutException}
 * (retryable). Cancelling a dial's future closes its socket at whatever stage it is. Negotiating the protocol
 * of an inbound stream is bounded by the same timeout (the stream is reset); outbound stream negotiation is
 * bounded only by the caller.
 *
 * <h2>Inbound streams</h2>
 * Protocols are looked up in the context's {@link StreamRouter} first, then among the transport's built-in
 * handlers, {@value Ping#PROTOCOL} and {@value Identify#PROTOCOL}: an application (or the swarm) may serve
 * either itself, and the built-ins answer when it does not. Identify announces the built-in protocols and
 * {@link StreamRouter#protocols()} as they are at each identify, and {@link #dialableListenAddresses()}.
 *
 * <h2>Identify</h2>
 * By default ({@link Builder#identifyOnConnect(boolean)}) every new connection, outbound and inbound, runs
 * identify ({@value Identify#PROTOCOL}) as soon as it is upgraded, before the dial's future or
 * {@link InboundConnectionHandler#connected} hands it out; {@link #identify(NetConn)} returns that run's
 * future (already running or complete), and starts one on a connection that has none. It is bounded by
 * {@link TransportContext#handshakeTimeout()}. A failed identify (the peer does not serve it, answers
 * garbage or another peer's key, or times out) fails only that future: it never closes the connection.
 * While it runs, the identify stream counts in both ends' {@link NetConn#streamCount()}; it stops counting
 * before the future completes on the asking side (the answering side's count drops once the FINs crossed),
 * so a caller that expects a fresh connection to carry no stream at all should wait for the future or
 * turn identify-on-connect off.
 *
 * <h2>Limits</h2>
 * An inbound socket is offered to {@link InboundConnectionHandler#accept(Multiaddr, Runnable)} as soon as
 * it is accepted, before any byte is read: refused, it is closed with no crypto work done; admitted, its
 * handshake may still be aborted by the handler (the channel is closed). Every stream, inbound and
 * outbound, is charged to {@link TransportContext#resources()} before it is used: one stream slot, its
 * protocol once negotiated, and the initial Yamux receive window (256 KiB) of buffer memory, all given
 * back when the stream ends. A refused inbound stream is reset (Yamux RST); a refused outbound one fails
 * {@link NetConn#newStream} with {@link io.braid.api.LimitExceededException}. A connection whose peer goes on
 * opening streams past {@link ResourceLimits.Limit#REFUSED_STREAMS_PER_CONNECTION} refusals in 10 s (Yamux's
 * own 256-stream bound included) is closed as a stream flood: GoAway, then its close future completes with
 * {@link io.braid.api.CloseReason#refused} and that {@link io.braid.api.LimitExceededException}.
 *
 * <h2>Metrics</h2>
 * Every socket, dialed or accepted, counts its wire bytes (after encryption and Yamux framing, and
 * the handshakes included) and reports them to {@link TransportContext#metrics()} as
 * {@link NetworkMetrics#bytesRead} and {@link NetworkMetrics#bytesWritten} with the transport name
 * {@value #METRICS_NAME}, once per read batch and once per flush, on the socket's event loop. Nothing is
 * installed when the metrics are {@link NetworkMetrics#NOOP}.
 */
public final class TcpTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(TcpTransport.class);

  /** The transport name in {@link NetworkMetrics} events, as {@link NetworkMetrics#transportName} gives it. */
  public static final String METRICS_NAME = "tcp";

  /**
   * Netty's pooled allocator rather than 4.2's default adaptive one: under a bulk transfer the adaptive
   * allocator kept creating fresh direct chunks for socket reads (zeroing new native memory was a third of
   * the CPU time on JDK 25), while the pooled one serves them, and the codec's 32 KiB outbound buffers,
   * from its caches.
   */
  private static final ByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;

  private final TransportContext context;
  private final boolean identifyOnConnect;
  private final boolean serveIdentify;
  private final InetAddress dialFrom;
  private final EventLoopGroup group;
  private final LoopBalancer loops = new LoopBalancer();
  private final Class<? extends Channel> channelType;
  private final Class<? extends ServerChannel> serverChannelType;
  private final Upgrader upgrader;
  private final List<SecurityProtocol> security;
  private final TlsProvider tlsProvider;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
  private final Set<TcpConn> connections = ConcurrentHashMap.newKeySet();
  private final Set<Listener> listeners = ConcurrentHashMap.newKeySet();

  /** A transport with the defaults: native epoll when available, identify on every new connection. */
  public TcpTransport(TransportContext context) {
    this(builder(context));
  }

  private TcpTransport(Builder b) {
    this.context = b.context;
    this.identifyOnConnect = b.identifyOnConnect;
    this.serveIdentify = b.serveIdentify;
    this.dialFrom = b.dialFrom;
    boolean epoll = b.nativeTransport && epollAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    // Each new connection goes to the loop with the fewest live channels (see LoopBalancer).
    this.group = new MultiThreadIoEventLoopGroup(b.threads, (java.util.concurrent.Executor) null, loops, io);
    this.channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    this.serverChannelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    Map<String, StreamHandler> builtIns = serveIdentify
        ? Map.of(
            Ping.PROTOCOL, Ping.responder(),
            Identify.PROTOCOL, Identify.responder(context.identity(), this::dialableListenAddresses,
                () -> announcedProtocols(context.streamRouter())))
        : Map.of(Ping.PROTOCOL, Ping.responder());
    StreamRouter user = context.streamRouter();
    StreamRouter router = protocol -> user.handlerFor(protocol).or(() -> Optional.ofNullable(builtIns.get(protocol)));
    long refusedStreams = context.resources().limits().get(ResourceLimits.Limit.REFUSED_STREAMS_PER_CONNECTION);
    YamuxConfig yamux = b.yamuxConfig.withMaxRefusedStreams((int) Math.min(Integer.MAX_VALUE, refusedStreams));
    this.upgrader = new Upgrader(context.identity(), router, context.handshakeTimeout(), yamux,
        context.resources(), b.upgraderSecurity());
    this.security = b.effectiveSecurity();
    this.tlsProvider = b.effectiveTlsProvider();
  }

  /**
   * The security protocols this transport offers as a listener and proposes as a dialer, preferred first:
   * those given to {@link Builder#security}, else {@link Builder#defaultSecurity} of {@link #tlsProvider()}.
   */
  public List<SecurityProtocol> securityProtocols() {
    return security;
  }

  /** The TLS implementation this transport runs {@link SecurityProtocol#TLS} on. */
  public TlsProvider tlsProvider() {
    return tlsProvider;
  }

  /** A builder for a transport of the node that {@code context} describes. */
  public static Builder builder(TransportContext context) {
    return new Builder(context);
  }

  /**
   * Whether BoringSSL (netty-tcnative-boringssl-static) loads in this JVM, so that {@link TlsProvider#OPENSSL}
   * can be used.
   */
  public static boolean openSslAvailable() {
    return TlsHandshake.openSslAvailable();
  }

  /** Whether the native epoll transport can run in this JVM. */
  public static boolean epollAvailable() {
    try {
      return Epoll.isAvailable();
    } catch (Throwable t) {
      return false;
    }
  }

  /** Whether this transport uses native epoll (else NIO). */
  public boolean usesEpoll() {
    return channelType == EpollSocketChannel.class;
  }

  @Override
  public boolean supports(Multiaddr address) {
    return address != null && Addresses.parse(address).isPresent();
  }

  @Override
  public CompletableFuture<NetConn> dial(Multiaddr address, PeerId expectedPeer) {
    Objects.requireNonNull(expectedPeer, "expectedPeer");
    Addresses.Target target = Addresses.parse(Objects.requireNonNull(address, "address"))
        .orElseThrow(() -> new IllegalArgumentException("not a TCP multiaddr: " + address));
    CompletableFuture<NetConn> result = new CompletableFuture<>();
    Optional<PeerId> inAddress = address.peerId();
    if (inAddress.isPresent() && !inAddress.get().equals(expectedPeer)) {
      result.completeExceptionally(new PeerIdMismatchException(expectedPeer, inAddress.get()));
      return result;
    }
    if (closed.get()) {
      result.completeExceptionally(new TransportException("the TCP transport is closed"));
      return result;
    }
    Multiaddr remote = address.withoutPeerId();
    socketAddress(target).whenComplete((socket, error) -> {
      if (error != null) {
        result.completeExceptionally(new TransportException("cannot resolve " + address + ": " + error, error));
      } else if (!result.isDone()) {
        connect(socket, remote, expectedPeer, result);
      }
    });
    return result;
  }

  private void connect(InetSocketAddress socket, Multiaddr remote, PeerId expectedPeer,
      CompletableFuture<NetConn> result) {
    if (dialFrom != null && dialFrom.getClass() != socket.getAddress().getClass()) {
      result.completeExceptionally(new TransportException("cannot dial " + remote + " from " + dialFrom.getHostAddress()
          + " (dialFrom): the address families differ", null));
      return;
    }
    ChannelFuture connecting;
    try {
      Bootstrap bootstrap = new Bootstrap();
      if (dialFrom != null) {
        bootstrap.localAddress(new InetSocketAddress(dialFrom, 0));
      }
      connecting = bootstrap
          .group(group)
          .channel(channelType)
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.ALLOCATOR, ALLOCATOR)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
              (int) Math.min(Integer.MAX_VALUE, context.handshakeTimeout().toMillis()))
          .handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
              loops.track(ch);
              track(ch);
            }
          })
          .connect(socket);
    } catch (RuntimeException e) {
      // The group was shut down under us.
      result.completeExceptionally(new TransportException("the TCP transport is closed", e));
      return;
    }
    // Cancelling (or failing) the dial releases the socket.
    result.whenComplete((c, e) -> {
      if (e != null) {
        connecting.cancel(false);
        connecting.channel().close();
      }
    });
    connecting.addListener(f -> {
      if (!f.isSuccess()) {
        result.completeExceptionally(new TransportException("cannot connect to " + remote + ": " + f.cause(),
            f.cause()));
        return;
      }
      Channel ch = connecting.channel();
      if (result.isDone() || closed.get()) {
        ch.close();
        result.completeExceptionally(new TransportException("the TCP transport is closed"));
        return;
      }
      upgrader.upgrade(ch, Direction.OUTBOUND, expectedPeer, Addresses.toMultiaddr(ch.localAddress()), remote)
          .whenComplete((conn, error) -> {
            if (error != null) {
              result.completeExceptionally(error);
            } else if (register(conn) && startIdentify(conn) && result.complete(conn)) {
              log.debug("dialed {}", conn);
            } else {
              conn.close();
              result.completeExceptionally(new TransportException("the TCP transport is closed"));
            }
          });
    });
  }

  @Override
  public CompletableFuture<TransportListener> listen(Multiaddr address, InboundConnectionHandler handler) {
    Objects.requireNonNull(handler, "handler");
    Addresses.Target target = Addresses.parse(Objects.requireNonNull(address, "address"))
        .orElseThrow(() -> new IllegalArgumentException("not a TCP multiaddr: " + address));
    CompletableFuture<TransportListener> result = new CompletableFuture<>();
    if (closed.get()) {
      result.completeExceptionally(new TransportException("the TCP transport is closed"));
      return result;
    }
    socketAddress(target).whenComplete((socket, error) -> {
      if (error != null) {
        result.completeExceptionally(new TransportException("cannot resolve " + address + ": " + error, error));
      } else {
        bind(socket, handler, result);
      }
    });
    return result;
  }

  private void bind(InetSocketAddress socket, InboundConnectionHandler handler,
      CompletableFuture<TransportListener> result) {
    ChannelFuture binding;
    try {
      binding = new ServerBootstrap()
          .group(group)
          .channel(serverChannelType)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childOption(ChannelOption.ALLOCATOR, ALLOCATOR)
          .handler(new Admission(handler))
          .childHandler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
              accepted(ch, handler);
            }
          })
          .bind(socket);
    } catch (RuntimeException e) {
      result.completeExceptionally(new TransportException("the TCP transport is closed", e));
      return;
    }
    loops.track(binding.channel());
    binding.addListener(f -> {
      if (!f.isSuccess()) {
        result.completeExceptionally(new TransportException("cannot listen on " + socket + ": " + f.cause(),
            f.cause()));
        return;
      }
      Listener listener = new Listener(binding.channel(), socket);
      listeners.add(listener);
      if (closed.get()) {
        listener.close();
        result.completeExceptionally(new TransportException("the TCP transport is closed"));
      } else {
        result.complete(listener);
      }
    });
  }

  /**
   * On the listening channel, ahead of Netty's acceptor: asks the handler to admit each accepted socket and
   * refuses it there, before it is registered with an event loop or given a pipeline (a reset, then the
   * descriptor closed), which keeps a refusal to a few system calls when thousands a second are refused. An
   * admitted socket goes on to the acceptor, which registers it and runs {@link #accepted}.
   */
  private final class Admission extends io.netty.channel.ChannelInboundHandlerAdapter {
    private final InboundConnectionHandler handler;

    Admission(InboundConnectionHandler handler) {
      this.handler = handler;
    }

    @Override
    public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof Channel child)) {
        ctx.fireChannelRead(msg);
        return;
      }
      Multiaddr remote = Addresses.toMultiaddr(child.remoteAddress());
      boolean admitted;
      try {
        // The handler may abort this handshake later (to make room for another address's): closing the
        // channel fails the upgrade, which reports failed() as any failed handshake does.
        admitted = !closed.get() && handler.accept(remote, child::close);
      } catch (RuntimeException e) {
        log.warn("accept({}) threw; refusing the connection", remote, e);
        admitted = false;
      }
      if (!admitted) {
        resetOnClose(child);
        child.unsafe().closeForcibly();
        return;
      }
      ctx.fireChannelRead(child);
    }
  }

  /** An admitted socket, now on its event loop: the upgrade, then the handler hears how it went. */
  private void accepted(Channel ch, InboundConnectionHandler handler) {
    loops.track(ch);
    Multiaddr remote = Addresses.toMultiaddr(ch.remoteAddress());
    track(ch);
    upgrader.upgrade(ch, Direction.INBOUND, null, Addresses.toMultiaddr(ch.localAddress()), remote)
        .whenComplete((conn, error) -> {
          try {
            if (error != null) {
              handler.failed(remote, error);
            } else if (register(conn)) {
              startIdentify(conn);
              handler.connected(conn);
            } else {
              conn.shutdown();
              handler.failed(remote, new TransportException("the TCP transport is closed"));
            }
          } catch (RuntimeException e) {
            log.warn("the inbound connection handler threw", e);
          }
        });
  }

  /**
   * Makes {@code ch}'s close a reset (SO_LINGER 0): a socket refused before its handshake costs no FIN
   * exchange and leaves no TIME_WAIT behind on this side, which matters when thousands a second are refused.
   */
  private static void resetOnClose(Channel ch) {
    try {
      ch.config().setOption(ChannelOption.SO_LINGER, 0);
    } catch (RuntimeException e) {
      log.debug("could not set SO_LINGER 0 on {}: {}", ch, e.toString()); // it closes with a FIN instead
    }
  }

  /**
   * First in every pipeline: an error with no handler after this one to take it (a reset that arrives before
   * the upgrade put its handlers in, or after they left) closes the channel and is logged at DEBUG, instead of
   * reaching Netty's tail as a WARN. Any other error goes on down the pipeline.
   */
  static final io.netty.channel.ChannelInboundHandlerAdapter LAST_RESORT = new LastResort();

  /**
   * How long {@link #close()} lets closing channels finish before it stops the event loops regardless:
   * TLS's wait for its close_notify to go out, plus the orderly close's ({@link YamuxSession#CLOSE_FLUSH_BOUND}).
   */
  static final Duration SHUTDOWN_BOUND = YamuxSession.CLOSE_FLUSH_BOUND.plusSeconds(3);

  @io.netty.channel.ChannelHandler.Sharable
  private static final class LastResort extends io.netty.channel.ChannelInboundHandlerAdapter {
    @Override
    public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
      if (ctx.pipeline().last() != this && ctx.channel().isActive()) {
        ctx.fireExceptionCaught(cause);
        return;
      }
      log.debug("{}: {} (no handler left to take it; closing)", ctx.channel(), cause.toString());
      ctx.close();
    }
  }

  /** Starts identify on a new connection if so configured; true, so that it chains in a condition. */
  private boolean startIdentify(TcpConn conn) {
    if (identifyOnConnect) {
      identify(conn).whenComplete((r, e) -> {
        if (e != null) {
          // Visible through identify(conn); the connection stays open either way.
          log.debug("{}: identify failed: {}", conn, e.toString());
        }
      });
    }
    return true;
  }

  private void track(Channel ch) {
    ch.pipeline().addFirst("errors", LAST_RESORT);
    if (context.metrics() != NetworkMetrics.NOOP) {
      ch.pipeline().addFirst("bytes", new ByteCounter(context.metrics(), METRICS_NAME));
    }
    ch.pipeline().addFirst("orderly-close", OrderlyClose.INSTANCE);
    channels.add(ch);
    ch.closeFuture().addListener(f -> channels.remove(ch));
    if (closed.get()) {
      ch.close();
    }
  }

  private boolean register(TcpConn conn) {
    connections.add(conn);
    conn.closeFuture().whenComplete((r, e) -> connections.remove(conn));
    if (closed.get()) {
      conn.shutdown();
      return false;
    }
    return true;
  }

  private static CompletableFuture<InetSocketAddress> socketAddress(Addresses.Target target) {
    if (!target.needsResolution()) {
      return CompletableFuture.completedFuture(Addresses.literal(target));
    }
    return CompletableFuture.supplyAsync(() -> {
      try {
        return Addresses.resolve(target);
      } catch (java.net.UnknownHostException e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
  }

  /** The addresses of every open listener, in no particular order. */
  public List<Multiaddr> listenAddresses() {
    return listeners.stream().flatMap(l -> l.addresses().stream()).toList();
  }

  /**
   * The addresses of every open listener as a peer can dial them: a listener on a wildcard address
   * ({@code 0.0.0.0} or {@code ::}) appears once per address of the local interfaces that are up and of its
   * family ({@code 127.0.0.1} included; IPv6 link-local addresses, which need a zone, left out). This is
   * what identify announces.
   */
  public List<Multiaddr> dialableListenAddresses() {
    return listenAddresses().stream().flatMap(a -> interfaceAddresses(a).stream()).distinct().toList();
  }

  /**
   * {@code address} as a peer can dial it: for a wildcard host ({@code /ip4/0.0.0.0/...} or
   * {@code /ip6/::/...}) one address per local interface address of that family, the components after the
   * host (port, {@code /p2p/...}) kept; any other address alone. Reads {@link java.net.NetworkInterface}
   * at each call.
   */
  public static List<Multiaddr> interfaceAddresses(Multiaddr address) {
    return Addresses.expandWildcard(address, Addresses.interfaceAddresses());
  }

  /** The built-in protocols this transport answers, and every protocol {@code router} serves now. */
  private List<String> announcedProtocols(StreamRouter router) {
    java.util.Set<String> all = new java.util.TreeSet<>(router.protocols());
    all.add(Ping.PROTOCOL);
    if (serveIdentify) {
      all.add(Identify.PROTOCOL);
    }
    return List.copyOf(all);
  }

  /**
   * The connections of this transport that are open or closing. A snapshot; a connection whose
   * {@link NetConn#closeFuture()} has completed is never in it (the set forgets it in a dependent of that
   * future, which may run after the caller's own dependents).
   */
  public List<NetConn> connections() {
    List<NetConn> live = new ArrayList<>(connections.size());
    for (TcpConn c : connections) {
      if (!c.closeFuture().isDone()) {
        live.add(c);
      }
    }
    return List.copyOf(live);
  }

  /**
   * What the peer of {@code conn} said about itself in identify ({@value Identify#PROTOCOL}). Runs identify
   * at most once per connection; later calls return the same future. With identify-on-connect (the
   * default) that is the run started when the connection was established. Thread-safe; the future
   * completes on the connection's event loop. Failing never closes the connection.
   *
   * @return completed with the answer, or exceptionally with {@link TransportException} (malformed answer,
   *     or a key that is not the connection's remote peer's), {@link io.braid.api.ConnectionTimeoutException}
   *     (no answer within the handshake timeout), or as {@link NetConn#newStream} fails (e.g.
   *     {@link io.braid.api.ProtocolNegotiationException} when the peer does not serve identify)
   * @throws IllegalArgumentException if {@code conn} was not made by a {@code TcpTransport}
   */
  public static CompletableFuture<IdentifyResult> identify(NetConn conn) {
    if (!(conn instanceof TcpConn tcp)) {
      throw new IllegalArgumentException("not a TCP connection: " + conn);
    }
    return tcp.once(c -> Identify.request(c, tcp.negotiationTimeout(), tcp.eventLoop())
        .thenApply(IdentifyResult::of));
  }

  /**
   * The security protocol {@code conn} runs on.
   *
   * @throws IllegalArgumentException if {@code conn} was not made by a {@code TcpTransport}
   */
  public static SecurityProtocol security(NetConn conn) {
    return SecurityProtocol.parse(tcp(conn).securityProtocol());
  }

  /**
   * Whether {@code conn}'s muxer was chosen in the TLS handshake (ALPN) rather than with multistream-select.
   *
   * @throws IllegalArgumentException if {@code conn} was not made by a {@code TcpTransport}
   */
  public static boolean earlyMuxerNegotiated(NetConn conn) {
    return tcp(conn).earlyMuxer();
  }

  private static TcpConn tcp(NetConn conn) {
    if (!(conn instanceof TcpConn tcp)) {
      throw new IllegalArgumentException("not a TCP connection: " + conn);
    }
    return tcp;
  }

  /**
   * Pings the peer of {@code conn} once over a new {@value Ping#PROTOCOL} stream.
   *
   * @return the round-trip time; fails with {@link TransportException} if the echo differs, or as
   *     {@link NetConn#newStream} fails
   */
  public static CompletableFuture<Duration> ping(NetConn conn) {
    return Ping.ping(Objects.requireNonNull(conn, "conn"));
  }

  /**
   * {@inheritDoc} Listeners stop at once; each connection closes as {@link NetConn#close()} does, its last
   * frames still going out; the event loops stop once every channel has closed, at most {@link
   * #SHUTDOWN_BOUND} later ({@link #terminationFuture()} tells when).
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (Listener l : listeners) {
      l.close();
    }
    for (TcpConn c : connections) {
      c.shutdown();
    }
    for (Channel ch : channels) {
      ch.close();
    }
    // Connections already secured keep their own references to the shared TLS contexts.
    upgrader.close();
    // The loops stop once every channel has closed: a closing connection first lets the socket take its
    // last frames (GoAway, a stream's FIN, TLS close_notify), and a loop that stops drops what is left.
    // That wait is bounded per channel (Yamux's and TLS's flush bounds); SHUTDOWN_BOUND backs it up.
    List<Channel> open = List.copyOf(channels);
    AtomicInteger left = new AtomicInteger(open.size() + 1);
    AtomicBoolean stopped = new AtomicBoolean();
    Runnable stop = () -> {
      if (stopped.compareAndSet(false, true)) {
        // No quiet period: the tasks queued above still run before the loops stop.
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS);
      }
    };
    for (Channel ch : open) {
      ch.closeFuture().addListener(f -> {
        if (left.decrementAndGet() == 0) {
          stop.run();
        }
      });
    }
    if (left.decrementAndGet() == 0) {
      stop.run();
    } else {
      try {
        group.next().schedule(stop, SHUTDOWN_BOUND.toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        stop.run();
      }
    }
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed.get();
  }

  /** The future that completes once every event loop thread of this transport has stopped. */
  public CompletableFuture<Void> terminationFuture() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    group.terminationFuture().addListener(f -> done.complete(null));
    return done;
  }

  @Override
  public String toString() {
    return "TcpTransport[" + context.identity().peerId() + (usesEpoll() ? ", epoll" : ", nio") + "]";
  }

  private final class Listener implements TransportListener {
    private final Channel channel;
    private final List<Multiaddr> addresses;
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

    Listener(Channel channel, InetSocketAddress requested) {
      this.channel = channel;
      InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
      // A dual-stack socket bound to 0.0.0.0 may report "::": keep the family that was asked for.
      InetSocketAddress shown = bound.getAddress().isAnyLocalAddress() && requested.getAddress().isAnyLocalAddress()
          ? new InetSocketAddress(requested.getAddress(), bound.getPort())
          : bound;
      this.addresses = List.of(Addresses.toMultiaddr(shown));
      channel.closeFuture().addListener(f -> {
        listeners.remove(this);
        closeFuture.complete(null);
      });
    }

    @Override
    public List<Multiaddr> addresses() {
      return addresses;
    }

    @Override
    public void close() {
      channel.close();
    }

    @Override
    public CompletableFuture<Void> closeFuture() {
      return closeFuture;
    }

    @Override
    public String toString() {
      return "TcpListener" + addresses;
    }
  }

  /** Options of a {@link TcpTransport}; each setter checks its input at once. Not thread-safe. */
  public static final class Builder {
    /**
     * The security protocols a transport offers and proposes unless told otherwise, for the TLS provider it
     * runs: TLS then Noise on {@link TlsProvider#OPENSSL}, Noise then TLS on {@link TlsProvider#JDK}.
     *
     * <p>Why (measured with the {@code TcpThroughput} and {@code Compare} benchmarks, figures in README's
     * "Choosing the security protocol"): on JDK 17, TLS on BoringSSL moves bulk data several times faster
     * than Noise, whose ChaCha20-Poly1305 the JDK does not accelerate, for a connection set-up that costs
     * somewhat more; on JDK 25 the two move data at about the same speed. On the JDK's own provider a TLS
     * set-up costs two to three times a Noise one, and that provider cannot read js-libp2p's certificates,
     * so Noise comes first there.
     */
    public static List<SecurityProtocol> defaultSecurity(TlsProvider provider) {
      Objects.requireNonNull(provider, "provider");
      return provider == TlsProvider.OPENSSL
          ? List.of(SecurityProtocol.TLS, SecurityProtocol.NOISE)
          : List.of(SecurityProtocol.NOISE, SecurityProtocol.TLS);
    }

    private final TransportContext context;
    private boolean nativeTransport = true;
    private boolean identifyOnConnect = true;
    private boolean serveIdentify = true;
    private int threads;
    private InetAddress dialFrom;
    private YamuxConfig yamuxConfig = YamuxConfig.defaults();
    private List<SecurityProtocol> security; // null: defaultSecurity(the provider in effect)
    private TlsProvider tlsProvider;
    private boolean earlyMuxerNegotiation = true;

    private Builder(TransportContext context) {
      this.context = Objects.requireNonNull(context, "context");
    }

    /** Whether to use native epoll when it is available (default true); false forces NIO. */
    public Builder nativeTransport(boolean use) {
      this.nativeTransport = use;
      return this;
    }

    /**
     * Whether to run identify on every new connection, outbound and inbound, once it is established
     * (default true); see {@link TcpTransport} ("Identify").
     */
    public Builder identifyOnConnect(boolean run) {
      this.identifyOnConnect = run;
      return this;
    }

    /**
     * Whether the built-in identify responder answers (default true). Off, a peer asking identify of this
     * node hears "na" unless the context's router serves it: only tests need that, to play a peer that
     * does not speak identify.
     */
    Builder serveIdentify(boolean serve) {
      this.serveIdentify = serve;
      return this;
    }

    /**
     * The local address every outbound connection is bound to (the port is the system's choice), as a
     * multi-homed node or a test playing several hosts on loopback needs; {@code null} (the default) lets
     * the system choose. A dial to an address of the other family fails with a {@link TransportException}.
     */
    public Builder dialFrom(InetAddress source) {
      this.dialFrom = source;
      return this;
    }

    /** Event loop threads; 0 (the default) lets Netty choose (twice the processors). */
    public Builder threads(int threads) {
      if (threads < 0) {
        throw new IllegalArgumentException("threads must be >= 0, was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** Sets the keepalive of every Yamux session: a ping each {@code interval}, answered within {@code timeout}. */
    public Builder keepAlive(Duration interval, Duration timeout) {
      this.yamuxConfig = yamuxConfig.withKeepAlive(interval, timeout);
      return this;
    }

    /**
     * The security protocols: what a listener offers and what a dialer proposes, in this order (the first
     * is preferred). Default {@link #defaultSecurity(TlsProvider)} of the TLS provider in effect: TLS then
     * Noise where BoringSSL loads, else Noise then TLS.
     *
     * @throws IllegalArgumentException if {@code protocols} is empty, holds null or repeats a protocol
     */
    public Builder security(List<SecurityProtocol> protocols) {
      Objects.requireNonNull(protocols, "protocols");
      if (protocols.isEmpty()) {
        throw new IllegalArgumentException("security must name at least one protocol, was " + protocols);
      }
      if (protocols.stream().anyMatch(Objects::isNull) || Set.copyOf(protocols).size() != protocols.size()) {
        throw new IllegalArgumentException("security must name each protocol once, without null, was " + protocols);
      }
      this.security = List.copyOf(protocols);
      return this;
    }

    /**
     * The TLS implementation. By default {@link TlsProvider#OPENSSL} where {@link #openSslAvailable()},
     * else {@link TlsProvider#JDK}.
     *
     * @throws IllegalArgumentException if {@code provider} is {@link TlsProvider#OPENSSL} and BoringSSL does
     *     not load in this JVM
     */
    public Builder tlsProvider(TlsProvider provider) {
      Objects.requireNonNull(provider, "provider");
      if (provider == TlsProvider.OPENSSL && !openSslAvailable()) {
        throw new IllegalArgumentException("tlsProvider OPENSSL needs netty-tcnative-boringssl-static for this "
            + "platform, which does not load here; use JDK");
      }
      this.tlsProvider = provider;
      return this;
    }

    /**
     * Whether TLS offers Yamux through ALPN (default true), saving the muxer's multistream-select round
     * trip when the peer does the same; off, only "libp2p" is offered. Tests use it for the fallback path.
     */
    Builder earlyMuxerNegotiation(boolean offer) {
      this.earlyMuxerNegotiation = offer;
      return this;
    }

    private TlsProvider effectiveTlsProvider() {
      return tlsProvider != null ? tlsProvider : openSslAvailable() ? TlsProvider.OPENSSL : TlsProvider.JDK;
    }

    private List<SecurityProtocol> effectiveSecurity() {
      return security != null ? security : defaultSecurity(effectiveTlsProvider());
    }

    private Upgrader.Security upgraderSecurity() {
      return new Upgrader.Security(effectiveSecurity().stream().map(SecurityProtocol::protocolId).toList(),
          effectiveTlsProvider() == TlsProvider.OPENSSL, earlyMuxerNegotiation);
    }

    /**
     * Bounds Yamux receive-window auto-tuning: a stream's window grows from 256 KiB up to {@code perStream}
     * (16 MiB by default), and only while the sum of one connection's stream windows stays within {@code
     * perConnection} (32 MiB by default). {@code perStream} 256 KiB turns auto-tuning off.
     */
    public Builder receiveWindows(long perStream, long perConnection) {
      this.yamuxConfig = yamuxConfig.withReceiveWindows(perStream, perConnection);
      return this;
    }

    public TcpTransport build() {
      return new TcpTransport(this);
    }
  }
}
