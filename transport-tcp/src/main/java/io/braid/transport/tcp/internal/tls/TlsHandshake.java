package io.braid.transport.tcp.internal.tls;

import io.braid.api.BraidException;
import io.braid.api.ConnectionClosedException;
import io.braid.api.ConnectionTimeoutException;
import io.braid.api.HostIdentity;
import io.braid.api.PeerId;
import io.braid.identity.PublicKey;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Runs the libp2p TLS handshake (libp2p/specs tls/tls.md) on a channel: installs a Netty {@link SslHandler}
 * (TLS 1.3 only, a fresh {@link Libp2pCertificate} for this connection, {@link Libp2pTrustManager} as the
 * only judge of the peer's certificate, a client certificate required by the server) that stays in the
 * pipeline as the connection's record layer.
 *
 * <p>ALPN carries early muxer negotiation (libp2p/specs connections/inlined-muxer-negotiation.md): each side
 * lists its muxers in preference order, then {@value #ALPN_LIBP2P}; the server picks its first muxer the
 * client offered, else {@value #ALPN_LIBP2P}. {@link Result#earlyMuxer()} is the muxer so chosen, or null
 * when the peers must negotiate one with multistream-select (a peer offering only {@value #ALPN_LIBP2P}, or
 * no ALPN at all).
 *
 * <p>Outcome, through {@link #result()}, completed on the event loop: success once TLS completed and the
 * peer's certificate was accepted (the {@code SslHandler} is named {@value #HANDLER_NAME}; bytes the peer
 * sent after its handshake flow on to whatever the caller added behind it from its completion callback);
 * failure with {@link TlsHandshakeException} (the certificate check or TLS itself failed; the message says
 * why), {@link io.braid.api.PeerIdMismatchException}, {@link ConnectionTimeoutException} or {@link
 * ConnectionClosedException}, and the channel is closed. Until then a guard behind the {@code SslHandler}
 * swallows the exceptions the handshake future already reports (garbage instead of a ClientHello, an alert),
 * so none reaches the pipeline's tail.
 *
 * <p>Threading: {@link #install} on the channel's event loop. Buffers: the {@code SslHandler} owns what it
 * reads and writes; with {@code OpenSSL} its engine holds the only reference to the native context and
 * frees both when the handler is removed or the channel closes.
 */
public final class TlsHandshake {
  /** The protocol id negotiated with multistream-select before the handshake. */
  public static final String PROTOCOL_ID = "/tls/1.0.0";
  /** The ALPN protocol every libp2p TLS peer offers. */
  public static final String ALPN_LIBP2P = "libp2p";
  /** The pipeline name of the {@code SslHandler}. */
  public static final String HANDLER_NAME = "tls";
  private static final String GUARD_NAME = "tls-guard";
  private static final String TLS13 = "TLSv1.3";

  /** The authenticated peer and the muxer ALPN chose (null: negotiate one with multistream-select). */
  public record Result(PeerId remotePeer, PublicKey remoteKey, String earlyMuxer) {}

  private final CompletableFuture<Result> result = new CompletableFuture<>();

  private TlsHandshake() {}

  /** Whether BoringSSL (netty-tcnative) loads in this JVM; false, not an error, when it is absent. */
  public static boolean openSslAvailable() {
    try {
      return OpenSsl.isAvailable();
    } catch (LinkageError e) {
      return false;
    }
  }

  /**
   * Adds the handshake at the end of {@code channel}'s pipeline and starts it (the client sends its
   * ClientHello once the channel is active).
   *
   * @param initiator true on the dialing side (the TLS client)
   * @param expectedPeer the peer dialed, checked against the server's certificate; null accepts any peer
   *     (and is what a server passes)
   * @param openSsl BoringSSL rather than the JDK's provider; the caller checked {@link #openSslAvailable()}
   * @param muxers the muxer protocol ids to offer through ALPN, preferred first; empty offers only
   *     {@value #ALPN_LIBP2P}
   * @throws TlsHandshakeException if no TLS context could be built (the provider lacks TLS 1.3)
   */
  public static TlsHandshake install(Channel channel, HostIdentity identity, boolean initiator,
      PeerId expectedPeer, boolean openSsl, List<String> muxers, Duration timeout) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(muxers, "muxers");
    Objects.requireNonNull(timeout, "timeout");
    return install(channel, Libp2pCertificate.generate(identity), initiator, expectedPeer, openSsl, muxers,
        timeout);
  }

  /** {@link #install(Channel, HostIdentity, boolean, PeerId, boolean, List, Duration)} with a given certificate. */
  static TlsHandshake install(Channel channel, Libp2pCertificate.CertifiedKey key, boolean initiator,
      PeerId expectedPeer, boolean openSsl, List<String> muxers, Duration timeout) {
    TlsHandshake handshake = new TlsHandshake();
    Libp2pTrustManager trust = new Libp2pTrustManager(initiator ? expectedPeer : null, Clock.systemUTC());
    SslContext context = context(key, initiator, openSsl, trust, muxers);
    SslHandler ssl;
    try {
      ssl = context.newHandler(channel.alloc());
    } finally {
      // The engine holds its own reference to an OpenSSL context; the JDK's is not reference counted.
      ReferenceCountUtil.release(context);
    }
    ssl.setHandshakeTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    channel.pipeline().addLast(HANDLER_NAME, ssl);
    channel.pipeline().addLast(GUARD_NAME, handshake.new Guard(ssl, trust, muxers, timeout));
    // The completion event travels the pipeline synchronously, before any record that follows the
    // handshake is decoded; the promise's listener is a backstop (Netty may defer it on a deep stack).
    ssl.handshakeFuture().addListener(f -> handshake.finish(channel, ssl, trust, muxers, f.cause(), timeout));
    return handshake;
  }

  /**
   * Completes on the event loop with the authenticated peer, or exceptionally with one of the causes the
   * class documentation lists. Completing it from outside has no effect on the handshake.
   */
  public CompletableFuture<Result> result() {
    return result;
  }

  private void finish(Channel channel, SslHandler ssl, Libp2pTrustManager trust, List<String> muxers,
      Throwable cause, Duration timeout) {
    if (result.isDone()) {
      return;
    }
    if (cause != null) {
      fail(channel, failure(trust, cause, timeout));
      return;
    }
    Libp2pCertificateVerifier.Verified peer = trust.verified();
    if (peer == null) {
      fail(channel, new TlsHandshakeException("the TLS handshake completed without a verified peer certificate"));
      return;
    }
    String alpn = ssl.applicationProtocol();
    String early = null;
    if (alpn != null && !ALPN_LIBP2P.equals(alpn)) {
      if (!muxers.contains(alpn)) {
        fail(channel, new TlsHandshakeException("the peer chose the ALPN protocol \"" + alpn
            + "\", which was not offered"));
        return;
      }
      early = alpn;
    }
    if (channel.pipeline().get(GUARD_NAME) != null) {
      channel.pipeline().remove(GUARD_NAME);
    }
    result.complete(new Result(peer.peerId(), peer.publicKey(), early));
  }

  private void fail(Channel channel, BraidException cause) {
    result.completeExceptionally(cause);
    channel.close();
  }

  private static BraidException failure(Libp2pTrustManager trust, Throwable cause, Duration timeout) {
    if (trust.failure() != null) {
      return trust.failure();
    }
    if (cause instanceof SslHandshakeTimeoutException) {
      return new ConnectionTimeoutException("TLS handshake", timeout);
    }
    if (cause instanceof ClosedChannelException) {
      return new ConnectionClosedException("the connection closed during the TLS handshake");
    }
    String detail = cause == null ? "unknown cause" : cause.getMessage() == null ? cause.toString() : cause.getMessage();
    Throwable root = cause;
    while (root != null && root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != null && root != cause && root.getMessage() != null) {
      detail += " (" + root.getMessage() + ")";
    }
    return new TlsHandshakeException("the TLS handshake failed: " + detail, cause);
  }

  private static SslContext context(Libp2pCertificate.CertifiedKey key, boolean initiator, boolean openSsl,
      Libp2pTrustManager trust, List<String> muxers) {
    List<String> alpn = new ArrayList<>(muxers);
    alpn.add(ALPN_LIBP2P);
    SslContextBuilder builder = initiator
        ? SslContextBuilder.forClient().keyManager(key.privateKey(), key.certificate())
            .endpointIdentificationAlgorithm(null)
        : SslContextBuilder.forServer(key.privateKey(), key.certificate()).clientAuth(ClientAuth.REQUIRE);
    builder.sslProvider(openSsl ? SslProvider.OPENSSL_REFCNT : SslProvider.JDK)
        .protocols(TLS13)
        .trustManager(trust)
        .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
            // The only failure behaviours both providers support: no overlap means no ALPN, which
            // falls back to multistream-select for the muxer.
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
    try {
      return builder.build();
    } catch (SSLException | RuntimeException e) {
      throw new TlsHandshakeException("could not set up TLS 1.3 with the " + (openSsl ? "OpenSSL" : "JDK")
          + " provider: " + e.getMessage(), e);
    }
  }

  /**
   * Behind the {@code SslHandler} until the handshake ends: finishes it on the handshake completion event,
   * and swallows the exceptions the handshake reports anyway (garbage instead of a ClientHello, an alert).
   */
  private final class Guard extends ChannelInboundHandlerAdapter {
    private final SslHandler ssl;
    private final Libp2pTrustManager trust;
    private final List<String> muxers;
    private final Duration timeout;

    Guard(SslHandler ssl, Libp2pTrustManager trust, List<String> muxers, Duration timeout) {
      this.ssl = ssl;
      this.trust = trust;
      this.muxers = muxers;
      this.timeout = timeout;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof SslHandshakeCompletionEvent done) {
        finish(ctx.channel(), ssl, trust, muxers, done.cause(), timeout);
        return;
      }
      ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!result.isDone()) {
        fail(ctx.channel(), failure(trust, cause, timeout));
      }
    }
  }
}
