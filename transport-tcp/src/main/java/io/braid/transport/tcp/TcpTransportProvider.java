package io.braid.transport.tcp;

import io.braid.api.Transport;
import io.braid.api.TransportContext;
import io.braid.api.TransportProvider;

/**
 * Makes {@link TcpTransport}s with their defaults; found by {@link java.util.ServiceLoader} under the name
 * {@value #NAME}. Stateless; always available (it falls back to NIO where native epoll is missing).
 */
public final class TcpTransportProvider implements TransportProvider {
  /** The provider's name. */
  public static final String NAME = "tcp";

  /** Public no-argument constructor, as {@link java.util.ServiceLoader} needs. */
  public TcpTransportProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Transport create(TransportContext context) {
    return new TcpTransport(context);
  }
}
