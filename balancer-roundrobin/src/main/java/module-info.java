/**
 * The {@code round_robin} balancer. Found through {@code provides} on the module path and
 * {@code META-INF/services} on the class path; the package stays exported so that a registry can also
 * be built by hand ({@code registry.register(new RoundRobinProvider())}).
 */
module io.braid.balancer.roundrobin {
  requires transitive io.braid.balancer.spi;

  exports io.braid.balancer.roundrobin;

  provides io.braid.balancer.spi.LoadBalancerProvider with
      io.braid.balancer.roundrobin.RoundRobinProvider;
}
