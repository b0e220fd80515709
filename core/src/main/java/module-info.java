/**
 * The swarm. Exports {@code io.braid.core} only; {@code io.braid.core.internal} and anything under it
 * stay unreadable from other modules.
 *
 * <p>The swarm discovers transports with {@link java.util.ServiceLoader}, hence
 * {@code uses io.braid.api.TransportProvider}; balancers are discovered by the balancer SPI's registry
 * (whose module declares that {@code uses}). With {@code java -m app} the module system binds every
 * providing module found on the module path, so an application requires only this module.
 * {@code Swarm.Builder} takes a {@code LoadBalancerRegistry}, so the SPI is required transitively (and
 * the api with it).
 */
module io.braid.core {
  requires transitive io.braid.api;
  requires transitive io.braid.balancer.spi;
  requires org.slf4j;

  exports io.braid.core;

  uses io.braid.api.TransportProvider;
}
