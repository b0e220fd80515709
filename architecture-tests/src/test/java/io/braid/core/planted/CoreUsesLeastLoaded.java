package io.braid.core.planted;

import io.braid.balancer.leastloaded.planted.PlantedLeastLoadedBalancer;

/** Planted violation: core naming a concrete balancer type in a field. */
public final class CoreUsesLeastLoaded {
  private PlantedLeastLoadedBalancer balancer;

  public boolean configured() {
    return balancer != null;
  }
}
