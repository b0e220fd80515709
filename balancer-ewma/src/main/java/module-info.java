/**
 * The {@code ewma} balancer: latency-aware stream placement. Found through {@code provides} on the module
 * path and {@code META-INF/services} on the class path; the package stays exported so that a registry can
 * also be built by hand ({@code registry.register(new EwmaProvider())}).
 */
module io.braid.balancer.ewma {
  requires transitive io.braid.balancer.spi;

  exports io.braid.balancer.ewma;

  provides io.braid.balancer.spi.LoadBalancerProvider with
      io.braid.balancer.ewma.EwmaProvider;
}
