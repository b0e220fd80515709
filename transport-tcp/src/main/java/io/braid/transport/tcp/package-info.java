/**
 * The libp2p TCP transport: {@link io.braid.transport.tcp.TcpTransport} (TCP, multistream-select, TLS 1.3
 * or Noise, Yamux) and its {@link io.braid.transport.tcp.TcpTransportProvider}, registered for
 * {@link java.util.ServiceLoader} as {@code tcp}. Everything under {@code internal} is not API.
 */
package io.braid.transport.tcp;
