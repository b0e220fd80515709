package com.example.balancer;

import io.braid.balancer.spi.LoadBalancerProvider;
import io.braid.testkit.LoadBalancerContract;

/** Every check Braid makes of its own balancers, run against this one. */
class PowerOfTwoChoicesTest extends LoadBalancerContract {
  @Override
  protected LoadBalancerProvider provider() {
    return new PowerOfTwoChoicesProvider();
  }
}
