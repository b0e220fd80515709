package io.braid.transport.tcp.internal.conn;

import io.braid.api.ConnectionClosedException;
import io.braid.api.ConnectionTimeoutException;
import io.braid.api.Direction;
import io.braid.api.HostIdentity;
import io.braid.api.Multiaddr;
import io.braid.api.PeerId;
import io.braid.api.ResourceManager;
import io.braid.api.StreamRouter;
import io.braid.transport.tcp.internal.mss.MultistreamHandler;
import io.braid.transport.tcp.internal.noise.NoiseHandshakeHandler;
import io.braid.transport.tcp.internal.tls.TlsContexts;
import io.braid.transport.tcp.internal.tls.TlsHandshake;
import io.braid.transport.tcp.internal.yamux.YamuxConfig;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Upgrades a raw TCP channel into a {@link TcpConn}: multistream-select of the security protocol ({@code
 * /noise} or {@code /tls/1.0.0}, see {@link Security}), its handshake (Noise XX, or TLS 1.3 through {@link
 * TlsHandshake}), multistream-select {@code /yamux/1.0.0} inside it (skipped when TLS's ALPN already chose
 * Yamux), then a Yamux session.
 *
 * <p>Each stage installs the next from its completion callback, which the stage's handler runs on the
 * event loop before it passes on bytes read past its last message, so early data reaches the next stage.
 * One exception: the initiator's inner multistream-select writes as soon as it is added, and a write
 * while the Noise handshake handler is still in the pipeline is refused; so the initiator adds it in a
 * later event-loop task, after the handshake handler removed itself. An {@link InboundHold} installed at
 * once keeps whatever is read in between (a responder should send nothing then) and hands it on.
 *
 * <p>With TLS among its protocols the upgrader holds the transport's {@link TlsContexts}: one TLS context per
 * role, shared by every connection, each connection with its own fresh certificate; {@link #close()}
 * releases them.
 *
 * <p>The whole upgrade is bounded by one timeout (each stage also has it). On any failure the channel is
 * closed and the future fails with the stage's exception. Thread-safe; all work runs on the channel's
 * event loop.
 */
public final class Upgrader {
  /** The muxer protocol negotiated inside Noise. */
  public static final String YAMUX = "/yamux/1.0.0";

  private final HostIdentity identity;
  private final StreamRouter router;
  private final Duration timeout;
  private final YamuxConfig yamuxConfig;
  private final ResourceManager resources;
  private final Security security;
  private final TlsContexts tls;

  /**
   * The security protocols of an upgrader: {@code protocols} (ids, at least one, each {@value
   * NoiseHandshakeHandler#PROTOCOL_ID} or {@value TlsHandshake#PROTOCOL_ID}) is what a responder offers
   * and an initiator proposes, in that order; {@code openSsl} runs TLS on BoringSSL rather than the JDK;
   * {@code earlyMuxer} offers {@value #YAMUX} through TLS's ALPN (false offers only "libp2p", so the muxer
   * is negotiated with multistream-select, as with Noise).
   */
  public record Security(List<String> protocols, boolean openSsl, boolean earlyMuxer) {
    public Security {
      protocols = List.copyOf(protocols);
      if (protocols.isEmpty()) {
        throw new IllegalArgumentException("security protocols must not be empty");
      }
      for (String p : protocols) {
        if (!p.equals(NoiseHandshakeHandler.PROTOCOL_ID) && !p.equals(TlsHandshake.PROTOCOL_ID)) {
          throw new IllegalArgumentException("unknown security protocol " + p);
        }
      }
    }

    /** Noise alone: the upgrader's behaviour before TLS existed. */
    public static Security noiseOnly() {
      return new Security(List.of(NoiseHandshakeHandler.PROTOCOL_ID), false, true);
    }
  }

  /** An upgrader with {@link Security#noiseOnly()}. */
  public Upgrader(HostIdentity identity, StreamRouter router, Duration timeout, YamuxConfig yamuxConfig) {
    this(identity, router, timeout, yamuxConfig, ResourceManager.UNLIMITED, Security.noiseOnly());
  }

  /**
   * @param resources what each connection asks before it opens or accepts a stream
   * @param security the security protocols offered (a listener) or proposed in order (a dialer)
   */
  public Upgrader(HostIdentity identity, StreamRouter router, Duration timeout, YamuxConfig yamuxConfig,
      ResourceManager resources, Security security) {
    this.resources = Objects.requireNonNull(resources, "resources");
    this.identity = Objects.requireNonNull(identity, "identity");
    this.router = Objects.requireNonNull(router, "router");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.yamuxConfig = Objects.requireNonNull(yamuxConfig, "yamuxConfig");
    this.security = Objects.requireNonNull(security, "security");
    this.tls = security.protocols().contains(TlsHandshake.PROTOCOL_ID)
        ? new TlsContexts(identity, security.openSsl(), security.earlyMuxer() ? List.of(YAMUX) : List.of())
        : null;
  }

  /**
   * Releases what the upgrader shares between connections (the TLS contexts); idempotent. Upgrades that
   * start afterwards may fail; connections already up are unaffected.
   */
  public void close() {
    if (tls != null) {
      tls.close();
    }
  }

  /**
   * Starts the upgrade of {@code channel} (registered, active or about to be). Call on its event loop.
   *
   * @param expectedPeer the peer an initiator dialed (must not be null for an initiator); ignored for a
   *     responder
   * @return completed on the event loop with the connection, or exceptionally (the channel is then closed)
   *     with the failing stage's exception: {@link io.braid.api.PeerIdMismatchException},
   *     {@link io.braid.api.ProtocolNegotiationException}, {@link ConnectionTimeoutException},
   *     {@link ConnectionClosedException} or another {@link io.braid.api.TransportException}. Cancelling it
   *     closes the channel.
   */
  public CompletableFuture<TcpConn> upgrade(Channel channel, Direction direction, PeerId expectedPeer,
      Multiaddr localAddress, Multiaddr remoteAddress) {
    boolean initiator = direction == Direction.OUTBOUND;
    CompletableFuture<TcpConn> result = new CompletableFuture<>();
    io.netty.util.concurrent.ScheduledFuture<?> timer = channel.eventLoop().schedule(
        () -> result.completeExceptionally(new ConnectionTimeoutException("connection upgrade", timeout)),
        timeout.toNanos(), TimeUnit.NANOSECONDS);
    result.whenComplete((conn, error) -> {
      timer.cancel(false);
      if (error != null) {
        channel.close();
      }
    });
    // The stage running now, named in the exception if the peer closes the connection.
    AtomicReference<String> stage = new AtomicReference<>("security protocol negotiation");
    channel.closeFuture().addListener(f -> result.completeExceptionally(
        new ConnectionClosedException("the connection closed during the upgrade (" + stage.get() + ")")));

    MultistreamHandler securityNegotiation = initiator
        ? MultistreamHandler.initiator(security.protocols(), timeout)
        : MultistreamHandler.responder(Set.copyOf(security.protocols()), timeout);
    securityNegotiation.result().whenComplete((protocol, error) -> {
      if (error != null) {
        result.completeExceptionally(TcpConn.unwrap(error));
        return;
      }
      if (TlsHandshake.PROTOCOL_ID.equals(protocol)) {
        stage.set("TLS handshake");
        upgradeTls(channel, direction, expectedPeer, localAddress, remoteAddress, stage, result);
        return;
      }
      stage.set("Noise handshake");
      NoiseHandshakeHandler noise = initiator
          ? NoiseHandshakeHandler.initiator(identity, expectedPeer, timeout)
          : NoiseHandshakeHandler.responder(identity, timeout);
      noise.handshakeFuture().whenComplete((secured, noiseError) -> {
        if (noiseError != null) {
          result.completeExceptionally(TcpConn.unwrap(noiseError));
          return;
        }
        stage.set("muxer negotiation");
        negotiateMuxer(channel, direction, secured.remotePeerId(), NoiseHandshakeHandler.PROTOCOL_ID, localAddress,
            remoteAddress, result);
      });
      channel.pipeline().addLast("noise", noise);
    });
    channel.pipeline().addLast("mss-security", securityNegotiation);
    return result;
  }

  /** TLS, then the muxer ALPN chose or multistream-select {@value #YAMUX}. */
  private void upgradeTls(Channel channel, Direction direction, PeerId expectedPeer, Multiaddr localAddress,
      Multiaddr remoteAddress, AtomicReference<String> stage, CompletableFuture<TcpConn> result) {
    TlsHandshake handshake;
    try {
      handshake = TlsHandshake.install(channel, tls, direction == Direction.OUTBOUND, expectedPeer, timeout);
    } catch (RuntimeException e) {
      result.completeExceptionally(TcpConn.unwrap(e));
      return;
    }
    handshake.result().whenComplete((secured, tlsError) -> {
      if (tlsError != null) {
        result.completeExceptionally(TcpConn.unwrap(tlsError));
      } else if (YAMUX.equals(secured.earlyMuxer())) {
        startYamux(channel, direction, secured.remotePeer(), TlsHandshake.PROTOCOL_ID, true, localAddress,
            remoteAddress, result);
      } else {
        stage.set("muxer negotiation");
        negotiateMuxer(channel, direction, secured.remotePeer(), TlsHandshake.PROTOCOL_ID, localAddress,
            remoteAddress, result);
      }
    });
  }

  /**
   * Multistream-select {@value #YAMUX} on the secured channel, then Yamux. Call from the security stage's
   * completion callback, on the event loop, while nothing has been read past the handshake yet.
   */
  private void negotiateMuxer(Channel channel, Direction direction, PeerId remotePeer, String securityProtocol,
      Multiaddr localAddress, Multiaddr remoteAddress, CompletableFuture<TcpConn> result) {
    boolean initiator = direction == Direction.OUTBOUND;
    MultistreamHandler muxer = initiator
        ? MultistreamHandler.initiator(List.of(YAMUX), timeout)
        : MultistreamHandler.responder(Set.of(YAMUX), timeout);
    muxer.result().whenComplete((p, muxError) -> {
      if (muxError != null) {
        result.completeExceptionally(TcpConn.unwrap(muxError));
        return;
      }
      startYamux(channel, direction, remotePeer, securityProtocol, false, localAddress, remoteAddress, result);
    });
    if (initiator) {
      // Added now, behind the codec, so that nothing read before the next task is lost.
      InboundHold hold = new InboundHold();
      channel.pipeline().addLast("hold", hold);
      channel.eventLoop().execute(() -> {
        if (!result.isDone() && channel.isActive()) {
          channel.pipeline().addAfter("hold", "mss-muxer", muxer);
          hold.release();
        }
      });
    } else {
      channel.pipeline().addLast("mss-muxer", muxer);
    }
  }

  /** The Yamux session at the end of the pipeline, and the connection handed out. */
  private void startYamux(Channel channel, Direction direction, PeerId remotePeer, String securityProtocol,
      boolean earlyMuxer, Multiaddr localAddress, Multiaddr remoteAddress, CompletableFuture<TcpConn> result) {
    if (result.isDone()) {
      channel.close();
      return;
    }
    TcpConn conn = new TcpConn(channel, direction, identity.peerId(), remotePeer,
        localAddress, remoteAddress, router, yamuxConfig, timeout, resources);
    conn.secured(securityProtocol, earlyMuxer);
    channel.pipeline().addLast("yamux", conn.session());
    if (!result.complete(conn)) {
      conn.close();
    }
  }
}
