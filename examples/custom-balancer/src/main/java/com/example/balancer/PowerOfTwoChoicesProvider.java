package com.example.balancer;

import io.braid.api.LoadBalancer;
import io.braid.balancer.spi.LoadBalancerProvider;

/** Makes the balancer known to Braid as {@code power_of_two_choices}. */
public final class PowerOfTwoChoicesProvider implements LoadBalancerProvider {
  @Override
  public String name() {
    return "power_of_two_choices";
  }

  @Override
  public LoadBalancer create() {
    return new PowerOfTwoChoicesBalancer();
  }
}
