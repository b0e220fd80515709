package io.braid.api;

/**
 * The connection or stream an operation needed is closed (or was closed while the operation was under
 * way). Retryable on another connection: the swarm's stream placement fails over on it.
 */
public class ConnectionClosedException extends TransportException {
  private static final long serialVersionUID = 1L;

  public ConnectionClosedException(String message) {
    super(message);
  }

  public ConnectionClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
