package io.braid.transport.tcp.internal.noise;

import io.braid.api.TransportException;

/**
 * A Noise transport frame was rejected after the handshake: its ciphertext did not authenticate (tampered,
 * corrupted, replayed or reordered) or its length cannot hold an authentication tag. The connection is
 * closed; a new connection may work, so this is retryable like other {@link TransportException}s.
 */
public final class NoiseFrameException extends TransportException {
  private static final long serialVersionUID = 1L;

  public NoiseFrameException(String message) {
    super(message);
  }

  public NoiseFrameException(String message, Throwable cause) {
    super(message, cause);
  }
}
