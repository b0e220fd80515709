/**
 * The {@code least_loaded} balancer. Found through {@code provides} on the module path and
 * {@code META-INF/services} on the class path; the package stays exported so that a registry can also
 * be built by hand ({@code registry.register(new LeastLoadedProvider())}).
 */
module io.braid.balancer.leastloaded {
  requires transitive io.braid.balancer.spi;

  exports io.braid.balancer.leastloaded;

  provides io.braid.balancer.spi.LoadBalancerProvider with
      io.braid.balancer.leastloaded.LeastLoadedProvider;
}
