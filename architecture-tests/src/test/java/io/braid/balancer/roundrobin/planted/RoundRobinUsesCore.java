package io.braid.balancer.roundrobin.planted;

import io.braid.core.planted.CoreUsesPortsAndSlf4j;

/** Planted violation: a balancer that reaches into core. */
public final class RoundRobinUsesCore {
  public Object swarm() {
    return new CoreUsesPortsAndSlf4j();
  }
}
