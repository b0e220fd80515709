package io.braid.api;

/**
 * An I/O failure of a connection or a connection attempt: refused, reset, unreachable, closed by the
 * remote side. Retryable: the same address may answer later.
 */
public class TransportException extends BraidException {
  private static final long serialVersionUID = 1L;

  public TransportException(String message) {
    super(message, true);
  }

  public TransportException(String message, Throwable cause) {
    super(message, cause, true);
  }
}
