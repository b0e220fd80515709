package io.braid.balancer.roundrobin.planted;

import io.braid.balancer.spi.internal.planted.SpiInternalHelper;

/** Planted violation: one balancer module using another balancer module's internal package. */
public final class RoundRobinUsesSpiInternal {
  public String name() {
    return SpiInternalHelper.normalise("Round_Robin");
  }
}
