/**
 * A third-party balancer as an outside author would ship it for the module path: it requires the SPI
 * and {@code provides} its provider. ({@code META-INF/services} stays too, for the class path.) The
 * package is not exported: service binding needs none, so the module path finds the provider while no
 * other module can name its classes.
 */
module com.example.balancer {
  requires io.braid.balancer.spi;

  provides io.braid.balancer.spi.LoadBalancerProvider with
      com.example.balancer.PowerOfTwoChoicesProvider;
}
