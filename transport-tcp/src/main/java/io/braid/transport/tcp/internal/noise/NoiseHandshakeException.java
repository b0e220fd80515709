package io.braid.transport.tcp.internal.noise;

import io.braid.api.BraidException;

/**
 * A Noise handshake failed because of what the remote side sent: a message too short or too long for its
 * step, a ciphertext that does not authenticate, a low-order X25519 key, a payload that is not a valid
 * {@code NoiseHandshakePayload}, an identity key that does not decode, or a signature that does not bind
 * the identity key to the remote static Noise key.
 *
 * <p>Not retryable: the same peer answering the same way will fail the same way. A peer proving the wrong
 * identity is reported as {@link io.braid.api.PeerIdMismatchException} instead.
 */
public final class NoiseHandshakeException extends BraidException {
  private static final long serialVersionUID = 1L;

  public NoiseHandshakeException(String message) {
    super(message, false);
  }

  public NoiseHandshakeException(String message, Throwable cause) {
    super(message, cause, false);
  }
}
