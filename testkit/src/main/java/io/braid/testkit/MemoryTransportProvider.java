package io.braid.testkit;

import io.braid.api.Transport;
import io.braid.api.TransportContext;
import io.braid.api.TransportProvider;

/**
 * The {@code memory} {@link TransportProvider}: makes {@link MemoryTransport}s on
 * {@link MemoryNetwork#global()} with the default executor, scheduler and window. Listed in the
 * testkit's {@code META-INF/services/io.braid.api.TransportProvider}, so a swarm finds it with
 * {@link java.util.ServiceLoader} whenever the testkit is on the class path. Stateless.
 */
public final class MemoryTransportProvider implements TransportProvider {
  /** The provider's name. */
  public static final String NAME = "memory";

  /** Public no-argument constructor, as {@link java.util.ServiceLoader} needs. */
  public MemoryTransportProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Transport create(TransportContext context) {
    return MemoryTransport.create(MemoryNetwork.global(), context);
  }
}
