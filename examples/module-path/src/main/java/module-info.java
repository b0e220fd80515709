/**
 * An application on the module path. It requires only what it names in code; the TCP transport and the
 * balancers are not required, the module system binds them because {@code io.braid.core} uses
 * {@code TransportProvider} and {@code io.braid.balancer.spi} uses {@code LoadBalancerProvider}.
 */
module io.braid.examples.modulepath {
  requires io.braid.core;
  requires io.braid.identity;
  requires io.braid.protocols;
}
