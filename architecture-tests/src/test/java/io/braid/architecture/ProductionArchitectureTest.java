package io.braid.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Braid's production classes, from every module jar on this module's classpath, obey every rule of
 * {@link BraidArchitecture}. The same rule objects fail on the planted violations of {@link
 * PlantedViolationsTest}.
 */
@DisplayName("Braid's production classes obey the architecture")
class ProductionArchitectureTest {
  private static JavaClasses production;

  @BeforeAll
  static void importProductionClasses() {
    production = BraidArchitecture.importProductionClasses();
  }

  @Nested
  @DisplayName("the production import")
  class TheImport {
    @Test
    void holdsTheApiPortsValuesAndInternals() {
      for (String name :
          List.of("io.braid.api.Network", "io.braid.api.Multiaddr", "io.braid.api.LoadBalancer", "io.braid.api.internal.Varint")) {
        assertTrue(production.contain(name), () -> "production import lacks " + name);
      }
    }

    @Test
    void holdsTheIdentityModuleAndItsGeneratedProtobufCode() {
      for (String name :
          List.of("io.braid.identity.Identity", "io.braid.identity.internal.KeyEnvelope",
              "io.braid.identity.internal.proto.KeyProtos")) {
        assertTrue(production.contain(name), () -> "production import lacks " + name);
      }
    }

    @Test
    void holdsTheSwarmFacadeAndItsCollaborators() {
      for (String name : List.of("io.braid.core.Swarm", "io.braid.core.internal.DialCoordinator",
          "io.braid.core.internal.Admission", "io.braid.core.internal.ConnectionRegistry")) {
        assertTrue(production.contain(name), () -> "production import lacks " + name);
      }
    }

    @Test
    void holdsTheProtocolsAndCliModules() {
      for (String name : List.of("io.braid.protocols.Perf", "io.braid.protocols.Echo", "io.braid.cli.Braid")) {
        assertTrue(production.contain(name), () -> "production import lacks " + name);
      }
    }

    @Test
    void holdsNoTestClassSoNoPlantedViolation() {
      List<String> testClasses =
          production.stream()
              .map(JavaClass::getName)
              .filter(
                  name ->
                      name.contains(".planted.")
                          || name.contains(".Planted")
                          || name.startsWith("io.braid.architecture."))
              .collect(Collectors.toList());
      assertEquals(List.of(), testClasses);
    }
  }

  @Test
  void apiDependsOnTheJdkAlone() {
    BraidArchitecture.API_DEPENDS_ON_THE_JDK_ALONE.check(production);
  }

  @Test
  void identityDependsOnTheApiTheJdkBouncycastleAndProtobufOnly() {
    BraidArchitecture.IDENTITY_DEPENDS_ON_API_JDK_BOUNCYCASTLE_AND_PROTOBUF_ONLY.check(production);
  }

  @Test
  void balancerSpiDependsOnTheApiTheJdkAndSlf4jOnly() {
    BraidArchitecture.BALANCER_SPI_DEPENDS_ON_API_JDK_AND_SLF4J_ONLY.check(production);
  }

  @Test
  void theRoundRobinBalancerDependsOnTheApiAndTheSpiOnly() {
    BraidArchitecture.ROUND_ROBIN_BALANCER_DEPENDS_ON_API_AND_SPI_ONLY.check(production);
  }

  @Test
  void theLeastLoadedBalancerDependsOnTheApiAndTheSpiOnly() {
    BraidArchitecture.LEAST_LOADED_BALANCER_DEPENDS_ON_API_AND_SPI_ONLY.check(production);
  }

  @Test
  void theEwmaBalancerDependsOnTheApiAndTheSpiOnly() {
    BraidArchitecture.EWMA_BALANCER_DEPENDS_ON_API_AND_SPI_ONLY.check(production);
  }

  @Test
  void coreDependsOnTheApiTheSpiTheJdkAndSlf4jOnly() {
    BraidArchitecture.CORE_DEPENDS_ON_API_SPI_JDK_AND_SLF4J_ONLY.check(production);
  }

  @Test
  void coreNeverNamesATransportAConcreteBalancerNettyOrTheTestkit() {
    BraidArchitecture.CORE_NEVER_NAMES_AN_ADAPTER.check(production);
  }

  @Test
  void theSwarmsCollaboratorsNeverReachBackIntoTheFacade() {
    BraidArchitecture.CORE_COLLABORATORS_NEVER_REACH_BACK_INTO_THE_FACADE.check(production);
  }

  @Test
  void theTestkitDependsOnThePortsAndTestLibrariesOnly() {
    BraidArchitecture.TESTKIT_DEPENDS_ON_API_SPI_AND_TEST_LIBRARIES_ONLY.check(production);
  }

  @Test
  void theMicrometerAdapterDependsOnTheApiAndMicrometerOnly() {
    BraidArchitecture.METRICS_MICROMETER_DEPENDS_ON_API_JDK_AND_MICROMETER_ONLY.check(production);
  }

  @Test
  void protocolsDependOnTheApiAndTheJdkOnly() {
    BraidArchitecture.PROTOCOLS_DEPEND_ON_API_AND_JDK_ONLY.check(production);
  }

  @Test
  void theCliNeverNamesTheTestkit() {
    BraidArchitecture.CLI_NEVER_NAMES_THE_TESTKIT.check(production);
  }

  @Test
  void nothingDependsOnTheCli() {
    BraidArchitecture.NOTHING_DEPENDS_ON_THE_CLI.check(production);
  }

  @Test
  void nettyAppearsOnlyInTransports() {
    BraidArchitecture.NETTY_ONLY_IN_TRANSPORTS.check(production);
  }

  @Test
  void noPackagesFormACycle() {
    BraidArchitecture.NO_PACKAGE_CYCLES.check(production);
  }

  @Test
  void internalPackagesAreUsedByTheirOwnModuleOnly() {
    BraidArchitecture.INTERNAL_PACKAGES_STAY_IN_THEIR_MODULE.check(production);
  }

  @Test
  void publishedContractsExposeNoInternalTypes() {
    BraidArchitecture.PUBLISHED_CONTRACTS_EXPOSE_NO_INTERNAL_TYPES.check(production);
  }

  @Test
  void everyBraidClassBelongsToAKnownModule() {
    BraidArchitecture.EVERY_CLASS_BELONGS_TO_A_KNOWN_MODULE.check(production);
  }
}
