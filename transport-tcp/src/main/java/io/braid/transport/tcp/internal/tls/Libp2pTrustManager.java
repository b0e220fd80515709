package io.braid.transport.tcp.internal.tls;

import io.braid.api.BraidException;
import io.braid.api.PeerId;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust manager of one libp2p TLS connection: trusts the peer's certificate exactly when {@link
 * Libp2pCertificateVerifier} accepts it (no certificate authority is involved), and remembers the outcome.
 * A rejection is thrown as a {@link CertificateException} whose cause is the {@link TlsHandshakeException}
 * or {@link io.braid.api.PeerIdMismatchException}; the TLS stack turns it into an alert and a failed
 * handshake, and {@link #failure()} gives the original back (TLS providers do not all keep the cause).
 *
 * <p>One instance per connection (it holds that connection's outcome). Thread-safe: the TLS provider may
 * call it on another thread than the one that reads the outcome.
 */
final class Libp2pTrustManager extends X509ExtendedTrustManager {
  private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

  private final PeerId expectedPeer;
  private final Clock clock;
  private volatile Libp2pCertificateVerifier.Verified verified;
  private volatile BraidException failure;

  /** @param expectedPeer the peer dialed, or null (a listener, or a dial without a peer id) */
  Libp2pTrustManager(PeerId expectedPeer, Clock clock) {
    this.expectedPeer = expectedPeer;
    this.clock = clock;
  }

  /** The peer the certificate proved, or null if none was accepted (yet). */
  Libp2pCertificateVerifier.Verified verified() {
    return verified;
  }

  /** Why the peer's certificate was rejected, or null if it was not. */
  BraidException failure() {
    return failure;
  }

  private void check(X509Certificate[] chain) throws CertificateException {
    try {
      verified = Libp2pCertificateVerifier.verify(chain, expectedPeer, clock.instant());
    } catch (BraidException e) {
      if (failure == null) {
        failure = e;
      }
      throw new CertificateException(e.getMessage(), e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return NO_ISSUERS;
  }
}
