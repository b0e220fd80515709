package io.braid.transport.tcp.internal.tls;

import io.braid.api.BraidException;
import io.braid.api.ConnectionClosedException;
import io.braid.api.ConnectionTimeoutException;
import io.braid.api.PeerId;
import io.braid.identity.PublicKey;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the libp2p TLS handshake (libp2p/specs tls/tls.md) on a channel: installs a Netty {@link SslHandler}
 * from the transport's shared {@link TlsContexts} (TLS 1.3 only, a fresh {@link Libp2pCertificate} for this
 * connection, {@link Libp2pTrustManager} as the only judge of the peer's certificate, a client certificate
 * required by the server) that stays in the pipeline as the connection's record layer.
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
 * reads and writes; with {@code OpenSSL} its engine holds a reference to the shared native context and
 * frees its own native state when the handler is removed or the channel closes.
 */
public final class TlsHandshake {
  /** The protocol id negotiated with multistream-select before the handshake. */
  public static final String PROTOCOL_ID = "/tls/1.0.0";
  /** The ALPN protocol every libp2p TLS peer offers. */
  public static final String ALPN_LIBP2P = "libp2p";
  /** The pipeline name of the {@code SslHandler}. */
  public static final String HANDLER_NAME = "tls";
  private static final String GUARD_NAME = "tls-guard";

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
   * ClientHello once the channel is active), on {@code contexts}' shared context of its role, with a fresh
   * certificate for this connection.
   *
   * @param initiator true on the dialing side (the TLS client)
   * @param expectedPeer the peer dialed, checked against the server's certificate; null accepts any peer
   *     (and is what a server passes)
   * @throws TlsHandshakeException if no TLS context could be built (the provider lacks TLS 1.3) or the
   *     contexts are closed
   */
  public static TlsHandshake install(Channel channel, TlsContexts contexts, boolean initiator,
      PeerId expectedPeer, Duration timeout) {
    return install(channel, contexts, null, initiator, expectedPeer, timeout);
  }

  /**
   * {@link #install(Channel, TlsContexts, boolean, PeerId, Duration)} presenting {@code certificate}, or a
   * fresh one if null.
   */
  static TlsHandshake install(Channel channel, TlsContexts contexts, Libp2pCertificate.CertifiedKey certificate,
      boolean initiator, PeerId expectedPeer, Duration timeout) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(contexts, "contexts");
    Objects.requireNonNull(timeout, "timeout");
    TlsHandshake handshake = new TlsHandshake();
    TlsSession session = contexts.open(initiator ? expectedPeer : null, certificate);
    SslHandler ssl;
    try {
      ssl = contexts.newHandler(channel.alloc(), initiator, session);
    } catch (RuntimeException e) {
      contexts.forget(session);
      throw e;
    }
    channel.closeFuture().addListener(f -> contexts.forget(session));
    ssl.setHandshakeTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    Attempt attempt = new Attempt(contexts, session, ssl, timeout);
    channel.pipeline().addLast(HANDLER_NAME, ssl);
    channel.pipeline().addLast(GUARD_NAME, handshake.new Guard(attempt));
    // The completion event travels the pipeline synchronously, before any record that follows the
    // handshake is decoded; the promise's listener is a backstop (Netty may defer it on a deep stack).
    ssl.handshakeFuture().addListener(f -> handshake.finish(channel, attempt, f.cause()));
    return handshake;
  }

  /** What {@link #finish} needs of one handshake. */
  private record Attempt(TlsContexts contexts, TlsSession session, SslHandler ssl, Duration timeout) {}

  /**
   * Completes on the event loop with the authenticated peer, or exceptionally with one of the causes the
   * class documentation lists. Completing it from outside has no effect on the handshake.
   */
  public CompletableFuture<Result> result() {
    return result;
  }

  private void finish(Channel channel, Attempt attempt, Throwable cause) {
    if (result.isDone()) {
      return;
    }
    attempt.contexts().forget(attempt.session());
    if (cause != null) {
      fail(channel, failure(attempt.session(), cause, attempt.timeout()));
      return;
    }
    Libp2pCertificateVerifier.Verified peer = attempt.session().verified();
    if (peer == null) {
      fail(channel, new TlsHandshakeException("the TLS handshake completed without a verified peer certificate"));
      return;
    }
    String alpn = attempt.ssl().applicationProtocol();
    String early = null;
    if (alpn != null && !ALPN_LIBP2P.equals(alpn)) {
      if (!attempt.contexts().muxers().contains(alpn)) {
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

  private static BraidException failure(TlsSession session, Throwable cause, Duration timeout) {
    if (session.failure() != null) {
      return session.failure();
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

  /**
   * Behind the {@code SslHandler} until the handshake ends: finishes it on the handshake completion event,
   * and swallows the exceptions the handshake reports anyway (garbage instead of a ClientHello, an alert).
   */
  private final class Guard extends ChannelInboundHandlerAdapter {
    private final Attempt attempt;

    Guard(Attempt attempt) {
      this.attempt = attempt;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof SslHandshakeCompletionEvent done) {
        finish(ctx.channel(), attempt, done.cause());
        return;
      }
      ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!result.isDone()) {
        attempt.contexts().forget(attempt.session());
        fail(ctx.channel(), failure(attempt.session(), cause, attempt.timeout()));
      }
    }
  }
}
