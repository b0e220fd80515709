package io.braid.transport.tcp;

import java.util.Locale;

/**
 * A connection security protocol of the TCP transport, negotiated with multistream-select right after the
 * TCP connect. A listener offers every protocol its transport is configured with; a dialer proposes them in
 * the configured order ({@link TcpTransport.Builder#security(java.util.List)}).
 */
public enum SecurityProtocol {
  /** Noise XX with the libp2p handshake payload (libp2p/specs noise). */
  NOISE("/noise"),
  /** TLS 1.3 with the libp2p certificate extension (libp2p/specs tls/tls.md). */
  TLS("/tls/1.0.0");

  private final String protocolId;

  SecurityProtocol(String protocolId) {
    this.protocolId = protocolId;
  }

  /** The multistream-select protocol id, e.g. {@code /tls/1.0.0}. */
  public String protocolId() {
    return protocolId;
  }

  /**
   * The protocol named {@code name}, case-insensitively: {@code noise} or {@code tls} (as the CLI spells
   * them), or a protocol id.
   *
   * @throws IllegalArgumentException naming the value and the accepted names if it is none of them
   */
  public static SecurityProtocol parse(String name) {
    for (SecurityProtocol p : values()) {
      if (p.name().equalsIgnoreCase(name.strip()) || p.protocolId.equals(name.strip())) {
        return p;
      }
    }
    throw new IllegalArgumentException("security protocol must be one of tls, noise (or "
        + NOISE.protocolId + ", " + TLS.protocolId + "), was \"" + name + "\"");
  }

  /** {@code noise} or {@code tls}. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
