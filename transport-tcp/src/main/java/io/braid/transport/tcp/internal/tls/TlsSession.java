package io.braid.transport.tcp.internal.tls;

import io.braid.api.BraidException;
import io.braid.api.PeerId;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One connection's share of the libp2p TLS handshake while it runs: the token that names its
 * {@code SSLEngine} (its "peer host", see {@link TlsContexts}), the peer it must prove (a dialer), its own
 * certificate (made on first use, so a handshake that fails before the certificate is needed makes none),
 * and the outcome of the check of the peer's certificate.
 *
 * <p>Thread-safe: the TLS provider may call the key and trust managers on another thread than the event
 * loop that reads the outcome.
 */
final class TlsSession {
  private final String token;
  private final PeerId expectedPeer;
  private final Supplier<Libp2pCertificate.CertifiedKey> keys;
  private Libp2pCertificate.CertifiedKey key; // guarded by this
  private boolean ended; // guarded by this
  private volatile Libp2pCertificateVerifier.Verified verified;
  private volatile BraidException failure;

  TlsSession(String token, PeerId expectedPeer, Supplier<Libp2pCertificate.CertifiedKey> keys) {
    this.token = Objects.requireNonNull(token, "token");
    this.expectedPeer = expectedPeer;
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  /** The alias and peer host that name this connection's engine. */
  String token() {
    return token;
  }

  /** The peer the certificate must prove, or null (a listener, or a dial without a peer id). */
  PeerId expectedPeer() {
    return expectedPeer;
  }

  /**
   * This connection's certificate and key, made on the first call.
   *
   * @throws IllegalStateException after {@link #end()}
   */
  synchronized Libp2pCertificate.CertifiedKey key() {
    if (ended) {
      throw new IllegalStateException("the TLS handshake of " + token + " has ended");
    }
    if (key == null) {
      key = Objects.requireNonNull(keys.get(), "the certificate source gave null");
    }
    return key;
  }

  /**
   * Drops the certificate and key once the handshake is over (the connection may live on for hours; its
   * TLS engine keeps what it needs). Idempotent.
   */
  synchronized void end() {
    ended = true;
    key = null;
  }

  /** The peer the certificate proved, or null if none was accepted (yet). */
  Libp2pCertificateVerifier.Verified verified() {
    return verified;
  }

  /** Why the peer's certificate was rejected, or null if it was not. */
  BraidException failure() {
    return failure;
  }

  void accepted(Libp2pCertificateVerifier.Verified peer) {
    this.verified = peer;
  }

  void rejected(BraidException cause) {
    if (failure == null) {
      failure = cause;
    }
  }

  @Override
  public String toString() {
    return "TlsSession[" + token + "]";
  }
}
