package io.braid.transport.tcp.internal.tls;

import io.braid.api.BraidException;

/**
 * A libp2p TLS handshake failed because of what the remote side sent or did: a certificate chain that is
 * not exactly one self-signed certificate, a certificate outside its validity period, without the libp2p
 * public-key extension, with an unknown critical extension, a libp2p key that does not decode or whose
 * signature does not bind it to the certificate's key, or a TLS-level failure (no TLS 1.3, a bad record,
 * an alert). The message says which.
 *
 * <p>Not retryable: the same peer answering the same way will fail the same way. A peer proving the wrong
 * identity is reported as {@link io.braid.api.PeerIdMismatchException} instead.
 */
public final class TlsHandshakeException extends BraidException {
  private static final long serialVersionUID = 1L;

  public TlsHandshakeException(String message) {
    super(message, false);
  }

  public TlsHandshakeException(String message, Throwable cause) {
    super(message, cause, false);
  }
}
