package io.braid.api;

/** Which side opened a connection or stream. */
public enum Direction {
  /** Opened by the remote side. */
  INBOUND,
  /** Opened by this side. */
  OUTBOUND
}
