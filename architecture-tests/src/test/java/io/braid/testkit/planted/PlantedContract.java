package io.braid.testkit.planted;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.braid.api.LoadBalancer;
import io.braid.balancer.spi.planted.PlantedBalancerProvider;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.slf4j.LoggerFactory;

/** Planted, allowed: a testkit contract using the api, the SPI, JUnit, jqwik, opentest4j and SLF4J. */
public abstract class PlantedContract {
  protected abstract PlantedBalancerProvider provider();

  @Test
  void createsABalancer() {
    LoadBalancer balancer = provider().create();
    assertNotNull(balancer);
    LoggerFactory.getLogger(PlantedContract.class).debug("created {}", balancer);
  }

  @Property
  void namesAreStable(@ForAll int ignored) {
    if (!provider().name().equals(provider().name())) {
      throw new AssertionFailedError("name changed");
    }
  }
}
