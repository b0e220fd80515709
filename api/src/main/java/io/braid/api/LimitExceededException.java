package io.braid.api;

/**
 * A configured limit refused the operation: connections per peer, connections in total, pending
 * handshakes, streams per connection. Not retried by the dialer: the caller decides whether to wait.
 */
public class LimitExceededException extends BraidException {
  private static final long serialVersionUID = 1L;

  private final String limit;
  private final long value;

  /**
   * @param limit the name of the limit, as the configuration calls it (e.g. {@code maxConnectionsPerPeer})
   * @param value the limit's value
   * @param detail what was refused
   */
  public LimitExceededException(String limit, long value, String detail) {
    super(detail + ": " + limit + " (" + value + ") reached", false);
    this.limit = limit;
    this.value = value;
  }

  /** The name of the limit that was reached. */
  public String limit() {
    return limit;
  }

  /** The value of that limit. */
  public long value() {
    return value;
  }
}
