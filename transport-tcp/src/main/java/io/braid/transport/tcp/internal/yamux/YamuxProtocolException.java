package io.braid.transport.tcp.internal.yamux;

import io.braid.api.TransportException;

/**
 * The remote side broke the Yamux protocol (bad version, unknown frame type, data beyond the receive
 * window, window credit overflow, stream id reuse, ...). The session answers with a GoAway carrying
 * {@link #goAwayCode()} and closes the connection.
 */
public final class YamuxProtocolException extends TransportException {
  private static final long serialVersionUID = 1L;

  private final int goAwayCode;

  public YamuxProtocolException(String message) {
    this(message, YamuxFrame.GO_AWAY_PROTOCOL_ERROR);
  }

  public YamuxProtocolException(String message, int goAwayCode) {
    super(message);
    this.goAwayCode = goAwayCode;
  }

  /** The GoAway error code the session sends before closing: 1 protocol error, 2 internal error. */
  public int goAwayCode() {
    return goAwayCode;
  }
}
