package io.braid.balancer.ewma;

import io.braid.api.LoadBalancer;
import io.braid.balancer.spi.LoadBalancerProvider;

/**
 * Provides {@link EwmaLoadBalancer} under the name {@value #NAME}, at the default priority, with the
 * default decay ({@link EwmaLoadBalancer#DEFAULT_DECAY}). Stateless; every {@link #create()} makes an
 * independent balancer.
 */
public final class EwmaProvider implements LoadBalancerProvider {
  /** The registry name. */
  public static final String NAME = "ewma";

  /** Public no-argument constructor, as {@link java.util.ServiceLoader} needs. */
  public EwmaProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public LoadBalancer create() {
    return new EwmaLoadBalancer();
  }

  @Override
  public String toString() {
    return "EwmaProvider[" + NAME + "]";
  }
}
