package io.braid.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The package-to-module map that the internal-packages rule relies on. */
@DisplayName("Packages map to Braid modules")
class ModuleMapTest {
  @Test
  void aPackageBelongsToTheModuleWhoseRootContainsIt() {
    assertEquals(Optional.of("io.braid.api"), BraidArchitecture.moduleOf("io.braid.api"));
    assertEquals(Optional.of("io.braid.api"), BraidArchitecture.moduleOf("io.braid.api.internal"));
    assertEquals(Optional.of("io.braid.core"), BraidArchitecture.moduleOf("io.braid.core.dial.internal"));
    assertEquals(
        Optional.of("io.braid.identity"), BraidArchitecture.moduleOf("io.braid.identity.internal.proto"));
    assertEquals(
        Optional.of("io.braid.transport.tcp"), BraidArchitecture.moduleOf("io.braid.transport.tcp.internal.yamux"));
  }

  @Test
  void protocolsAndTheCliAreModulesOfTheirOwn() {
    assertEquals(Optional.of("io.braid.protocols"), BraidArchitecture.moduleOf("io.braid.protocols.internal"));
    assertEquals(Optional.of("io.braid.cli"), BraidArchitecture.moduleOf("io.braid.cli"));
  }

  @Test
  void eachBalancerAndEachTransportIsItsOwnModule() {
    assertEquals(Optional.of("io.braid.balancer.spi"), BraidArchitecture.moduleOf("io.braid.balancer.spi.internal"));
    assertEquals(
        Optional.of("io.braid.balancer.roundrobin"), BraidArchitecture.moduleOf("io.braid.balancer.roundrobin"));
    assertEquals(
        Optional.of("io.braid.transport.quic"), BraidArchitecture.moduleOf("io.braid.transport.quic.internal"));
  }

  @Test
  void anUnknownBraidPackageMapsToAModuleOfTheUsualShape() {
    assertEquals(Optional.of("io.braid.dht"), BraidArchitecture.moduleOf("io.braid.dht.internal.ping"));
    assertEquals(Optional.of("io.braid.apix"), BraidArchitecture.moduleOf("io.braid.apix.internal"));
  }

  @Test
  void packagesOutsideBraidBelongToNoModule() {
    assertEquals(Optional.empty(), BraidArchitecture.moduleOf("io.netty.util.internal"));
    assertEquals(Optional.empty(), BraidArchitecture.moduleOf("io.braidx.api"));
  }

  @Test
  void onlyAPackageSegmentNamedInternalMakesAPackageInternal() {
    assertTrue(BraidArchitecture.isInternal("io.braid.api.internal"));
    assertTrue(BraidArchitecture.isInternal("io.braid.core.internal.dial"));
    assertFalse(BraidArchitecture.isInternal("io.braid.core.internals"));
    assertFalse(BraidArchitecture.isInternal("io.braid.internalish.api"));
  }
}
