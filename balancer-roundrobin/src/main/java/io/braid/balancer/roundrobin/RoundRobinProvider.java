package io.braid.balancer.roundrobin;

import io.braid.api.LoadBalancer;
import io.braid.balancer.spi.LoadBalancerProvider;

/**
 * Provides {@link RoundRobinLoadBalancer} under the name {@value #NAME}, at the default priority.
 * Stateless; every {@link #create()} makes an independent balancer with
 * {@link RoundRobinLoadBalancer#DEFAULT_MAX_TRACKED_PEERS}.
 */
public final class RoundRobinProvider implements LoadBalancerProvider {
  /** The registry name. */
  public static final String NAME = "round_robin";

  /** Public no-argument constructor, as {@link java.util.ServiceLoader} needs. */
  public RoundRobinProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public LoadBalancer create() {
    return new RoundRobinLoadBalancer();
  }

  @Override
  public String toString() {
    return "RoundRobinProvider[" + NAME + "]";
  }
}
