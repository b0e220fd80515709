package io.braid.balancer.spi.planted;

import io.braid.api.LoadBalancer;
import io.braid.balancer.spi.internal.planted.SpiInternalHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Planted, allowed: an SPI class using the api, its own internals, SLF4J and the JDK. */
public abstract class PlantedBalancerProvider {
  private static final Logger LOG = LoggerFactory.getLogger(PlantedBalancerProvider.class);

  public abstract LoadBalancer create();

  public String name() {
    LOG.debug("name asked");
    return SpiInternalHelper.normalise("planted");
  }
}
