package io.braid.core.planted;

import io.braid.api.LoadBalancer;
import io.braid.balancer.roundrobin.planted.PlantedRoundRobinBalancer;

/** Planted violation: core naming a concrete balancer instead of asking the SPI. */
public final class CoreUsesRoundRobin {
  public LoadBalancer defaultBalancer() {
    return new PlantedRoundRobinBalancer();
  }
}
