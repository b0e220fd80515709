package io.braid.api;

import java.time.Duration;

/**
 * A connection attempt (connect plus security and muxer handshake) or an inbound handshake did not
 * finish within {@link ConnectionConfig#connectionTimeout()}. Retryable.
 */
public class ConnectionTimeoutException extends TransportException {
  private static final long serialVersionUID = 1L;

  private final Duration timeout;

  public ConnectionTimeoutException(String what, Duration timeout) {
    super(what + " did not complete within " + timeout);
    this.timeout = timeout;
  }

  /** The bound that was exceeded. */
  public Duration timeout() {
    return timeout;
  }
}
