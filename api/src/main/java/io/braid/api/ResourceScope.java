package io.braid.api;

/**
 * The scopes a {@link ResourceManager} accounts in, from the widest to the narrowest. Every reservation is
 * charged to its own scope and to each wider scope it belongs to (a stream's memory to its connection, its
 * peer and the system), and is refused if any of them would go over its limit.
 */
public enum ResourceScope {
  /** The whole node. */
  SYSTEM,
  /** Inbound connections still handshaking, whose peer is not known yet. */
  TRANSIENT,
  /** One remote IP address (inbound connections). */
  IP,
  /** One remote subnet: the /24 of an IPv4 address, the /56 of an IPv6 address (inbound connections). */
  SUBNET,
  /** One remote peer, over all its connections. */
  PEER,
  /** One connection. */
  CONNECTION,
  /** One protocol id, over all streams that negotiated it. */
  PROTOCOL,
  /** One stream. */
  STREAM;

  /** The lowercase name used in messages, metrics and usage snapshots ({@code ip}, {@code subnet}, ...). */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
