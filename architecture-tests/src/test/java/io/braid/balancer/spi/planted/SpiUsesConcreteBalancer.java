package io.braid.balancer.spi.planted;

import io.braid.balancer.roundrobin.planted.PlantedRoundRobinBalancer;

/** Planted violation: the SPI names a concrete balancer. */
public final class SpiUsesConcreteBalancer {
  public Object defaultBalancer() {
    return new PlantedRoundRobinBalancer();
  }
}
