package io.braid.balancer.roundrobin.planted;

import io.braid.api.LoadBalancer;
import io.braid.balancer.leastloaded.planted.PlantedLeastLoadedBalancer;

/** Planted violation: one concrete balancer module depending on another. */
public final class RoundRobinDelegatesToLeastLoaded {
  public LoadBalancer fallback() {
    return new PlantedLeastLoadedBalancer();
  }
}
