package io.braid.balancer.leastloaded;

import io.braid.api.LoadBalancer;
import io.braid.balancer.spi.LoadBalancerProvider;

/**
 * Provides {@link LeastLoadedLoadBalancer} under the name {@value #NAME}, at the default priority.
 * Stateless; every {@link #create()} makes an independent balancer.
 */
public final class LeastLoadedProvider implements LoadBalancerProvider {
  /** The registry name. */
  public static final String NAME = "least_loaded";

  /** Public no-argument constructor, as {@link java.util.ServiceLoader} needs. */
  public LeastLoadedProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public LoadBalancer create() {
    return new LeastLoadedLoadBalancer();
  }

  @Override
  public String toString() {
    return "LeastLoadedProvider[" + NAME + "]";
  }
}
