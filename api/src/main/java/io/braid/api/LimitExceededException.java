package io.braid.api;

import java.util.Objects;

/**
 * A configured limit refused the operation: connections per peer, connections in total, pending
 * handshakes, streams, memory, or any other limit of {@link ConnectionConfig} and {@link ResourceLimits}.
 * Not retried by the dialer: the caller decides whether to wait.
 *
 * <p>The message names the scope, the limit, its value and the current use, e.g. {@code inbound connection
 * refused: pendingPerIp (16) reached in scope ip 127.0.0.2, current 16}. It carries no stack trace: refusals
 * come by the thousand under a flood, and the message says all there is.
 */
public class LimitExceededException extends BraidException {
  private static final long serialVersionUID = 1L;

  private final String limit;
  private final long value;
  private final ResourceScope scope;
  private final String scopeName;
  private final long current;

  /**
   * A refusal of the system scope whose current use equals the limit.
   *
   * @param limit the name of the limit, as the configuration calls it (e.g. {@code maxConnectionsPerPeer})
   * @param value the limit's value
   * @param detail what was refused
   */
  public LimitExceededException(String limit, long value, String detail) {
    this(ResourceScope.SYSTEM, "", limit, value, value, detail);
  }

  /**
   * @param scope the scope whose limit refused
   * @param scopeName which one of that scope (an IP address, a subnet, a peer id, a protocol id, a
   *     connection id); empty for {@link ResourceScope#SYSTEM} and {@link ResourceScope#TRANSIENT}
   * @param limit the name of the limit, as the configuration calls it (e.g. {@code pendingPerIp})
   * @param value the limit's value
   * @param current the scope's use when it refused (what the refused operation would have added not
   *     counted)
   * @param detail what was refused
   */
  public LimitExceededException(ResourceScope scope, String scopeName, String limit, long value, long current,
      String detail) {
    super(detail + ": " + limit + " (" + value + ") reached in scope " + scope.label()
        + (scopeName.isEmpty() ? "" : " " + scopeName) + ", current " + current, null, false, false);
    this.scope = scope;
    this.scopeName = Objects.requireNonNull(scopeName, "scopeName");
    this.limit = Objects.requireNonNull(limit, "limit");
    this.value = value;
    this.current = current;
  }

  /** The name of the limit that was reached. */
  public String limit() {
    return limit;
  }

  /** The value of that limit. */
  public long value() {
    return value;
  }

  /** The scope whose limit refused. */
  public ResourceScope scope() {
    return scope;
  }

  /** Which one of {@link #scope()} refused (e.g. the IP address); empty for the system and transient scopes. */
  public String scopeName() {
    return scopeName;
  }

  /** The scope's use when it refused. */
  public long current() {
    return current;
  }
}
