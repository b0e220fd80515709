package io.braid.api;

import java.util.Objects;

/**
 * Why a connection closed.
 *
 * @param kind the category
 * @param cause the failure behind it, or {@code null} for an orderly close
 */
public record CloseReason(Kind kind, Throwable cause) {

  /** Categories of close. */
  public enum Kind {
    /** This side closed it (user call, {@code closePeer}). */
    LOCAL,
    /** The remote side closed it in an orderly way. */
    REMOTE,
    /** An I/O or protocol error (reset, malformed frame, decryption failure). */
    ERROR,
    /** A timeout (handshake, keepalive). */
    TIMEOUT,
    /** Refused or closed because a limit or the gater said so. */
    REFUSED,
    /** The whole network (or transport) shut down. */
    SHUTDOWN
  }

  public static final CloseReason LOCAL = new CloseReason(Kind.LOCAL, null);
  public static final CloseReason REMOTE = new CloseReason(Kind.REMOTE, null);
  public static final CloseReason SHUTDOWN = new CloseReason(Kind.SHUTDOWN, null);

  public CloseReason {
    Objects.requireNonNull(kind, "kind");
  }

  public static CloseReason error(Throwable cause) {
    return new CloseReason(Kind.ERROR, Objects.requireNonNull(cause, "cause"));
  }

  public static CloseReason timeout(Throwable cause) {
    return new CloseReason(Kind.TIMEOUT, cause);
  }

  public static CloseReason refused(Throwable cause) {
    return new CloseReason(Kind.REFUSED, cause);
  }
}
