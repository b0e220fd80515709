import io.braid.balancer.spi.LoadBalancerProvider;

/**
 * The load-balancer plug-in interface and its registry. {@code LoadBalancerRegistry} discovers
 * {@link LoadBalancerProvider}s with {@link java.util.ServiceLoader}, hence the {@code uses}: on the
 * module path a balancer module is found when it says {@code provides LoadBalancerProvider with ...}
 * (on the class path, through {@code META-INF/services}).
 */
module io.braid.balancer.spi {
  requires transitive io.braid.api;
  requires org.slf4j;

  exports io.braid.balancer.spi;

  uses LoadBalancerProvider;
}
