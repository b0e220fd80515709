package io.braid.transport.tcp.internal.tls;

import io.braid.api.BraidException;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust manager of a transport's libp2p TLS contexts: trusts a peer's certificate exactly when {@link
 * Libp2pCertificateVerifier} accepts it (no certificate authority is involved) for the connection whose
 * {@link SSLEngine} presents it, and records the outcome in that connection's {@link TlsSession}. The engine
 * names its session by its peer host (see {@link TlsContexts}): the JDK provider hands the trust manager its
 * own engine, not the wrapper Netty's {@code SslHandler} holds, and the peer host is what both share.
 *
 * <p>A rejection is thrown as a {@link CertificateException} whose cause is the {@link TlsHandshakeException}
 * or {@link io.braid.api.PeerIdMismatchException}; the TLS stack turns it into an alert and a failed
 * handshake, and {@link TlsSession#failure()} gives the original back (TLS providers do not all keep the
 * cause). An engine without a session, or a check without an engine (sockets are never used), is refused.
 *
 * <p>Stateless apart from the lookup; thread-safe.
 */
final class Libp2pTrustManager extends X509ExtendedTrustManager {
  private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

  private final Function<String, TlsSession> sessions;
  private final Clock clock;

  /** @param sessions the session of a token, or null if none runs */
  Libp2pTrustManager(Function<String, TlsSession> sessions, Clock clock) {
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  private void check(X509Certificate[] chain, SSLEngine engine) throws CertificateException {
    TlsSession session = engine == null || engine.getPeerHost() == null ? null : sessions.apply(engine.getPeerHost());
    if (session == null) {
      throw new CertificateException("no libp2p TLS handshake is under way on this engine");
    }
    try {
      session.accepted(Libp2pCertificateVerifier.verify(chain, session.expectedPeer(), clock.instant()));
    } catch (BraidException e) {
      session.rejected(e);
      throw new CertificateException(e.getMessage(), e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain, null);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain, null);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, null);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, null);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, engine);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return NO_ISSUERS;
  }
}
