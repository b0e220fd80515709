package io.braid.core.planted;

import io.braid.api.LoadBalancer;
import io.braid.api.TransportProvider;
import io.braid.balancer.spi.planted.PlantedBalancerProvider;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Planted, allowed: core finding adapters through ServiceLoader, using the api, the SPI and SLF4J. */
public final class CoreUsesPortsAndSlf4j {
  private static final Logger LOG = LoggerFactory.getLogger(CoreUsesPortsAndSlf4j.class);

  public long transports() {
    long n = ServiceLoader.load(TransportProvider.class).stream().count();
    LOG.debug("{} transports", n);
    return n;
  }

  public LoadBalancer balancer(PlantedBalancerProvider provider) {
    return provider.create();
  }
}
