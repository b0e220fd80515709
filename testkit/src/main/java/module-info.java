/**
 * Contracts and fakes for implementers: {@code TransportContract}, {@code NetworkContract},
 * {@code LoadBalancerContract}, the in-memory transport and the test identities.
 *
 * <p>The contracts are abstract JUnit 5 / jqwik test classes, so JUnit's and jqwik's API modules are
 * required transitively (a subclass names their annotations). {@code io.braid.testkit} is exported and
 * also opened, because the JUnit platform and the jqwik engine invoke the contracts' inherited
 * {@code @Test} and {@code @Property} methods reflectively (opened to all rather than to named engine
 * modules, so that any JUnit platform engine can run them).
 * {@code io.braid.testkit.internal} is neither exported nor opened.
 */
module io.braid.testkit {
  requires transitive io.braid.api;
  requires transitive io.braid.balancer.spi;
  requires transitive org.junit.jupiter.api;
  requires transitive net.jqwik.api;
  requires org.slf4j;

  exports io.braid.testkit;

  opens io.braid.testkit;

  provides io.braid.api.TransportProvider with
      io.braid.testkit.MemoryTransportProvider;
}
