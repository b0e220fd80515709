package io.braid.architecture;

import static io.braid.architecture.BraidArchitecture.API_DEPENDS_ON_THE_JDK_ALONE;
import static io.braid.architecture.BraidArchitecture.CLI_NEVER_NAMES_THE_TESTKIT;
import static io.braid.architecture.BraidArchitecture.NOTHING_DEPENDS_ON_THE_CLI;
import static io.braid.architecture.BraidArchitecture.PROTOCOLS_DEPEND_ON_API_AND_JDK_ONLY;
import static io.braid.architecture.BraidArchitecture.METRICS_MICROMETER_DEPENDS_ON_API_JDK_AND_MICROMETER_ONLY;
import static io.braid.architecture.BraidArchitecture.BALANCER_SPI_DEPENDS_ON_API_JDK_AND_SLF4J_ONLY;
import static io.braid.architecture.BraidArchitecture.CORE_COLLABORATORS_NEVER_REACH_BACK_INTO_THE_FACADE;
import static io.braid.architecture.BraidArchitecture.CORE_DEPENDS_ON_API_SPI_JDK_AND_SLF4J_ONLY;
import static io.braid.architecture.BraidArchitecture.CORE_NEVER_NAMES_AN_ADAPTER;
import static io.braid.architecture.BraidArchitecture.EVERY_CLASS_BELONGS_TO_A_KNOWN_MODULE;
import static io.braid.architecture.BraidArchitecture.IDENTITY_DEPENDS_ON_API_JDK_BOUNCYCASTLE_AND_PROTOBUF_ONLY;
import static io.braid.architecture.BraidArchitecture.INTERNAL_PACKAGES_STAY_IN_THEIR_MODULE;
import static io.braid.architecture.BraidArchitecture.LEAST_LOADED_BALANCER_DEPENDS_ON_API_AND_SPI_ONLY;
import static io.braid.architecture.BraidArchitecture.NETTY_ONLY_IN_TRANSPORTS;
import static io.braid.architecture.BraidArchitecture.NO_PACKAGE_CYCLES;
import static io.braid.architecture.BraidArchitecture.PUBLISHED_CONTRACTS_EXPOSE_NO_INTERNAL_TYPES;
import static io.braid.architecture.BraidArchitecture.ROUND_ROBIN_BALANCER_DEPENDS_ON_API_AND_SPI_ONLY;
import static io.braid.architecture.BraidArchitecture.TESTKIT_DEPENDS_ON_API_SPI_AND_TEST_LIBRARIES_ONLY;
import static io.braid.architecture.RuleAssertions.assertDoesNotMention;
import static io.braid.architecture.RuleAssertions.assertMentions;
import static io.braid.architecture.RuleAssertions.assertPasses;
import static io.braid.architecture.RuleAssertions.failureMessage;
import static io.braid.architecture.RuleAssertions.violationMessage;

import io.braid.api.PlantedApiValue;
import io.braid.api.internal.PlantedApiCodec;
import io.braid.api.planted.ApiUsesNetty;
import io.braid.api.planted.ApiUsesOwnInternalAndTheJdk;
import io.braid.api.planted.ApiUsesSlf4j;
import io.braid.api.planted.leak.ExtendsInternalBase;
import io.braid.api.planted.leak.HidesInternalBehindItsSignature;
import io.braid.api.planted.leak.ImplementsInternalInterface;
import io.braid.api.planted.leak.NestedClassLeaks;
import io.braid.api.planted.leak.ProtectedHookOfInternalType;
import io.braid.api.planted.leak.PublicFieldOfInternalType;
import io.braid.api.planted.leak.ReturnsInternalInTypeArgument;
import io.braid.api.planted.leak.TakesInternalParameter;
import io.braid.api.planted.leak.ThrowsInternalException;
import io.braid.balancer.leastloaded.planted.LeastLoadedUsesNetty;
import io.braid.balancer.leastloaded.planted.PlantedLeastLoadedBalancer;
import io.braid.balancer.roundrobin.planted.PlantedRoundRobinBalancer;
import io.braid.balancer.roundrobin.planted.RoundRobinDelegatesToLeastLoaded;
import io.braid.balancer.roundrobin.planted.RoundRobinUsesCore;
import io.braid.balancer.roundrobin.planted.RoundRobinUsesSpiInternal;
import io.braid.balancer.spi.planted.PlantedBalancerProvider;
import io.braid.balancer.spi.planted.SpiUsesConcreteBalancer;
import io.braid.benchmarks.planted.BenchmarkUsesNetty;
import io.braid.core.Swarm;
import io.braid.core.internal.planted.CollaboratorCallsTheFacade;
import io.braid.core.internal.planted.PlantedCollaborator;
import io.braid.core.planted.CoreUsesApiInternal;
import io.braid.core.planted.CoreUsesLeastLoaded;
import io.braid.core.planted.CoreUsesNetty;
import io.braid.core.planted.CoreUsesPortsAndSlf4j;
import io.braid.core.planted.CoreUsesRoundRobin;
import io.braid.core.planted.CoreUsesTcpTransport;
import io.braid.core.planted.CoreUsesTestkit;
import io.braid.core.planted.cycle.left.Left;
import io.braid.core.planted.cycle.right.Right;
import io.braid.identity.planted.IdentityUsesApiJdkBouncycastleAndProtobuf;
import io.braid.identity.planted.IdentityUsesCore;
import io.braid.identity.planted.IdentityUsesSlf4j;
import io.braid.stray.planted.StrayClass;
import io.braid.testkit.planted.ContractExposesInternalHarness;
import io.braid.testkit.planted.ContractUsesCore;
import io.braid.cli.planted.CliUsesCoreInternal;
import io.braid.cli.planted.CliUsesCoreTransportAndProtocols;
import io.braid.cli.planted.CliUsesTestkit;
import io.braid.protocols.planted.ProtocolsUseApiAndJdk;
import io.braid.identity.planted.IdentityUsesCli;
import io.braid.protocols.planted.ProtocolsUseCore;
import io.braid.protocols.planted.ProtocolsUseSlf4j;
import io.braid.testkit.planted.ContractUsesTransport;
import io.braid.testkit.planted.PlantedContract;
import io.braid.transport.tcp.planted.PlantedTcpTransport;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import io.braid.metrics.micrometer.planted.MetricsUseApiAndMicrometer;
import io.braid.metrics.micrometer.planted.MetricsUseCore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule of {@link BraidArchitecture} fails on a planted violation (and passes on a planted class
 * that does what its module may do). Each test imports only the planted classes it names.
 */
@DisplayName("Each architecture rule catches a planted violation")
class PlantedViolationsTest {

  @Nested
  @DisplayName("api depends on the JDK alone")
  class Api {
    @Test
    void anApiClassNamingANettyTypeFails() {
      assertMentions(violationMessage(API_DEPENDS_ON_THE_JDK_ALONE, ApiUsesNetty.class), "io.netty.buffer.ByteBuf");
    }

    @Test
    void anApiClassLoggingThroughSlf4jFails() {
      assertMentions(violationMessage(API_DEPENDS_ON_THE_JDK_ALONE, ApiUsesSlf4j.class), "org.slf4j.Logger");
    }

    @Test
    void anApiClassUsingTheJdkAndTheApiOwnInternalsPasses() {
      assertPasses(API_DEPENDS_ON_THE_JDK_ALONE, ApiUsesOwnInternalAndTheJdk.class);
    }
  }

  @Nested
  @DisplayName("identity depends on api, JDK, bouncycastle and protobuf only")
  class Identity {
    @Test
    void identityReachingIntoCoreFails() {
      assertMentions(
          violationMessage(IDENTITY_DEPENDS_ON_API_JDK_BOUNCYCASTLE_AND_PROTOBUF_ONLY, IdentityUsesCore.class),
          CoreUsesPortsAndSlf4j.class.getName());
    }

    @Test
    void identityLoggingThroughSlf4jFails() {
      assertMentions(
          violationMessage(IDENTITY_DEPENDS_ON_API_JDK_BOUNCYCASTLE_AND_PROTOBUF_ONLY, IdentityUsesSlf4j.class),
          "org.slf4j.Logger");
    }

    @Test
    void identityUsingTheApiTheJdkBouncycastleAndProtobufPasses() {
      assertPasses(IDENTITY_DEPENDS_ON_API_JDK_BOUNCYCASTLE_AND_PROTOBUF_ONLY, IdentityUsesApiJdkBouncycastleAndProtobuf.class);
    }
  }

  @Nested
  @DisplayName("protocols depend on api and JDK only")
  class Protocols {
    @Test
    void protocolsReachingIntoCoreFail() {
      assertMentions(
          violationMessage(PROTOCOLS_DEPEND_ON_API_AND_JDK_ONLY, ProtocolsUseCore.class),
          CoreUsesPortsAndSlf4j.class.getName());
    }

    @Test
    void protocolsLoggingThroughSlf4jFail() {
      assertMentions(violationMessage(PROTOCOLS_DEPEND_ON_API_AND_JDK_ONLY, ProtocolsUseSlf4j.class), "org.slf4j.Logger");
    }

    @Test
    void protocolsUsingTheApiAndTheJdkPass() {
      assertPasses(PROTOCOLS_DEPEND_ON_API_AND_JDK_ONLY, ProtocolsUseApiAndJdk.class);
    }
  }

  @Nested
  @DisplayName("the Micrometer adapter sees the api and Micrometer only")
  class MetricsMicrometer {
    @Test
    void theAdapterReachingIntoCoreFails() {
      assertMentions(
          violationMessage(METRICS_MICROMETER_DEPENDS_ON_API_JDK_AND_MICROMETER_ONLY, MetricsUseCore.class),
          CoreUsesPortsAndSlf4j.class.getName());
    }

    @Test
    void theAdapterUsingTheApiAndMicrometerPasses() {
      assertPasses(METRICS_MICROMETER_DEPENDS_ON_API_JDK_AND_MICROMETER_ONLY, MetricsUseApiAndMicrometer.class);
    }
  }

  @Nested
  @DisplayName("the cli uses any module but the testkit, and nothing uses the cli")
  class Cli {
    @Test
    void theCliNamingTheTestkitFails() {
      assertMentions(
          violationMessage(CLI_NEVER_NAMES_THE_TESTKIT, CliUsesTestkit.class), PlantedContract.class.getName());
    }

    @Test
    void theCliUsingCoreATransportAndProtocolsPasses() {
      assertPasses(CLI_NEVER_NAMES_THE_TESTKIT, CliUsesCoreTransportAndProtocols.class);
    }

    @Test
    void aModuleNamingTheCliFails() {
      assertMentions(
          violationMessage(NOTHING_DEPENDS_ON_THE_CLI, IdentityUsesCli.class),
          CliUsesTestkit.class.getName());
    }

    @Test
    void theCliNamingItselfAndModulesThatIgnoreItPass() {
      assertPasses(
          NOTHING_DEPENDS_ON_THE_CLI,
          CliUsesTestkit.class,
          CliUsesCoreTransportAndProtocols.class,
          ProtocolsUseApiAndJdk.class);
    }
  }

  @Nested
  @DisplayName("core depends on api, balancer-spi, JDK and SLF4J only")
  class Core {
    @Test
    void coreNamingTheRoundRobinBalancerFailsBothCoreRules() {
      assertMentions(
          violationMessage(CORE_DEPENDS_ON_API_SPI_JDK_AND_SLF4J_ONLY, CoreUsesRoundRobin.class),
          PlantedRoundRobinBalancer.class.getName());
      assertMentions(
          violationMessage(CORE_NEVER_NAMES_AN_ADAPTER, CoreUsesRoundRobin.class),
          PlantedRoundRobinBalancer.class.getName());
    }

    @Test
    void coreHoldingALeastLoadedBalancerFieldFailsBothCoreRules() {
      violationMessage(CORE_DEPENDS_ON_API_SPI_JDK_AND_SLF4J_ONLY, CoreUsesLeastLoaded.class);
      assertMentions(
          violationMessage(CORE_NEVER_NAMES_AN_ADAPTER, CoreUsesLeastLoaded.class),
          PlantedLeastLoadedBalancer.class.getName());
    }

    @Test
    void coreTouchingNettyBuffersFailsBothCoreRules() {
      violationMessage(CORE_DEPENDS_ON_API_SPI_JDK_AND_SLF4J_ONLY, CoreUsesNetty.class);
      assertMentions(violationMessage(CORE_NEVER_NAMES_AN_ADAPTER, CoreUsesNetty.class), "io.netty.buffer.Unpooled");
    }

    @Test
    void coreNamingTheTcpTransportFailsBothCoreRules() {
      violationMessage(CORE_DEPENDS_ON_API_SPI_JDK_AND_SLF4J_ONLY, CoreUsesTcpTransport.class);
      assertMentions(
          violationMessage(CORE_NEVER_NAMES_AN_ADAPTER, CoreUsesTcpTransport.class),
          PlantedTcpTransport.class.getName());
    }

    @Test
    void coreDependingOnTheTestkitFailsBothCoreRules() {
      violationMessage(CORE_DEPENDS_ON_API_SPI_JDK_AND_SLF4J_ONLY, CoreUsesTestkit.class);
      assertMentions(
          violationMessage(CORE_NEVER_NAMES_AN_ADAPTER, CoreUsesTestkit.class), PlantedContract.class.getName());
    }

    @Test
    void coreUsingPortsServiceLoaderAndSlf4jPassesBothCoreRules() {
      assertPasses(CORE_DEPENDS_ON_API_SPI_JDK_AND_SLF4J_ONLY, CoreUsesPortsAndSlf4j.class);
      assertPasses(CORE_NEVER_NAMES_AN_ADAPTER, CoreUsesPortsAndSlf4j.class);
    }
  }

  @Nested
  @DisplayName("the swarm facade uses its collaborators, which never reach back into it")
  class CoreFacade {
    @Test
    void aCollaboratorNamingTheSwarmFacadeFails() {
      assertMentions(
          violationMessage(CORE_COLLABORATORS_NEVER_REACH_BACK_INTO_THE_FACADE, CollaboratorCallsTheFacade.class),
          Swarm.class.getName());
    }

    @Test
    void theFacadeUsingCollaboratorsAndCollaboratorsUsingEachOtherPass() {
      assertPasses(CORE_COLLABORATORS_NEVER_REACH_BACK_INTO_THE_FACADE, Swarm.class, PlantedCollaborator.class);
    }
  }

  @Nested
  @DisplayName("balancer-spi depends on api, JDK and SLF4J only")
  class BalancerSpi {
    @Test
    void theSpiNamingAConcreteBalancerFails() {
      assertMentions(
          violationMessage(BALANCER_SPI_DEPENDS_ON_API_JDK_AND_SLF4J_ONLY, SpiUsesConcreteBalancer.class),
          PlantedRoundRobinBalancer.class.getName());
    }

    @Test
    void anSpiClassUsingTheApiItsInternalsAndSlf4jPasses() {
      assertPasses(BALANCER_SPI_DEPENDS_ON_API_JDK_AND_SLF4J_ONLY, PlantedBalancerProvider.class);
    }
  }

  @Nested
  @DisplayName("balancers depend on api, balancer-spi, JDK and SLF4J only")
  class Balancers {
    @Test
    void aRoundRobinBalancerReachingIntoCoreFails() {
      assertMentions(
          violationMessage(ROUND_ROBIN_BALANCER_DEPENDS_ON_API_AND_SPI_ONLY, RoundRobinUsesCore.class),
          CoreUsesPortsAndSlf4j.class.getName());
    }

    @Test
    void aLeastLoadedBalancerLookingAtNettyChannelsFails() {
      assertMentions(
          violationMessage(LEAST_LOADED_BALANCER_DEPENDS_ON_API_AND_SPI_ONLY, LeastLoadedUsesNetty.class),
          "io.netty.channel.Channel");
    }

    @Test
    void balancersUsingOnlyTheApiTheSpiAndSlf4jPass() {
      assertPasses(
          ROUND_ROBIN_BALANCER_DEPENDS_ON_API_AND_SPI_ONLY,
          PlantedRoundRobinBalancer.class,
          PlantedRoundRobinBalancer.Provider.class);
      assertPasses(LEAST_LOADED_BALANCER_DEPENDS_ON_API_AND_SPI_ONLY, PlantedLeastLoadedBalancer.class);
    }

    @Test
    void oneConcreteBalancerDependingOnAnotherFails() {
      // The round-robin rule allows its own packages, not the whole balancer family.
      assertMentions(
          violationMessage(ROUND_ROBIN_BALANCER_DEPENDS_ON_API_AND_SPI_ONLY, RoundRobinDelegatesToLeastLoaded.class),
          PlantedLeastLoadedBalancer.class.getName());
    }
  }

  @Nested
  @DisplayName("testkit depends on api, balancer-spi, JDK, SLF4J and test libraries only")
  class Testkit {
    @Test
    void aContractTestingThroughCoreFails() {
      assertMentions(
          violationMessage(TESTKIT_DEPENDS_ON_API_SPI_AND_TEST_LIBRARIES_ONLY, ContractUsesCore.class),
          CoreUsesPortsAndSlf4j.class.getName());
    }

    @Test
    void aContractNamingATransportAdapterFails() {
      assertMentions(
          violationMessage(TESTKIT_DEPENDS_ON_API_SPI_AND_TEST_LIBRARIES_ONLY, ContractUsesTransport.class),
          PlantedTcpTransport.class.getName());
    }

    @Test
    void aContractUsingJunitJqwikOpentest4jSlf4jAndThePortsPasses() {
      assertPasses(TESTKIT_DEPENDS_ON_API_SPI_AND_TEST_LIBRARIES_ONLY, PlantedContract.class);
    }
  }

  @Nested
  @DisplayName("Netty appears only in transports (and benchmarks)")
  class Netty {
    @Test
    void nettyInTheApiCoreOrABalancerFailsAndTheMessageNamesEachOffender() {
      violationMessage(NETTY_ONLY_IN_TRANSPORTS, ApiUsesNetty.class, CoreUsesNetty.class, LeastLoadedUsesNetty.class);
    }

    @Test
    void onlyTheOffenderIsReportedWhenTransportAndBenchmarkClassesAreImportedWithIt() {
      String message =
          failureMessage(
              NETTY_ONLY_IN_TRANSPORTS, CoreUsesNetty.class, PlantedTcpTransport.class, BenchmarkUsesNetty.class);
      assertMentions(message, CoreUsesNetty.class.getName());
      assertDoesNotMention(message, PlantedTcpTransport.class, BenchmarkUsesNetty.class);
    }

    @Test
    void transportsAndBenchmarksMayUseNetty() {
      // A Netty-free core class keeps the subject non-empty; transports and benchmarks are outside it.
      assertPasses(
          NETTY_ONLY_IN_TRANSPORTS, PlantedTcpTransport.class, BenchmarkUsesNetty.class, CoreUsesPortsAndSlf4j.class);
    }
  }

  @Nested
  @DisplayName("no package cycles in io.braid")
  class Cycles {
    @Test
    void twoPackagesThatDependOnEachOtherFail() {
      violationMessage(NO_PACKAGE_CYCLES, Left.class, Right.class);
    }

    @Test
    void oneHalfOfTheCycleAloneIsNoCycle() {
      assertPasses(NO_PACKAGE_CYCLES, Left.class);
    }

    @Test
    void theExemptionForTheApiCodecDoesNotHideOtherApiInternalCycles() {
      violationMessage(NO_PACKAGE_CYCLES, PlantedApiValue.class, PlantedApiCodec.class);
    }
  }

  @Nested
  @DisplayName("internal packages are used by their own module only")
  class Internals {
    @Test
    void coreUsingTheApiInternalCodecFails() {
      assertMentions(
          violationMessage(INTERNAL_PACKAGES_STAY_IN_THEIR_MODULE, CoreUsesApiInternal.class),
          "io.braid.api.internal.Varint",
          "internal to module io.braid.api");
    }

    @Test
    void aBalancerUsingTheSpiInternalsFailsBecauseEachBalancerIsItsOwnModule() {
      assertMentions(
          violationMessage(INTERNAL_PACKAGES_STAY_IN_THEIR_MODULE, RoundRobinUsesSpiInternal.class),
          "internal to module io.braid.balancer.spi");
    }

    @Test
    void theCliReachingIntoTheSwarmsInternalsFails() {
      assertMentions(
          violationMessage(INTERNAL_PACKAGES_STAY_IN_THEIR_MODULE, CliUsesCoreInternal.class),
          "io.braid.core.internal.SerialExecutor",
          "internal to module io.braid.core");
    }

    @Test
    void theSwarmFacadeUsingItsOwnCollaboratorsPasses() {
      assertPasses(INTERNAL_PACKAGES_STAY_IN_THEIR_MODULE, Swarm.class, PlantedCollaborator.class);
    }

    @Test
    void aModuleUsingItsOwnInternalsPasses() {
      assertPasses(
          INTERNAL_PACKAGES_STAY_IN_THEIR_MODULE,
          ApiUsesOwnInternalAndTheJdk.class,
          PlantedBalancerProvider.class,
          PlantedTcpTransport.class);
    }
  }

  @Nested
  @DisplayName("published contracts expose no internal types")
  class Exposure {
    static Stream<Arguments> leaks() {
      String thing = "io.braid.api.internal.planted.InternalThing";
      return Stream.of(
          Arguments.of(ReturnsInternalInTypeArgument.class, thing + " in return type"),
          Arguments.of(TakesInternalParameter.class, thing + " in parameter"),
          Arguments.of(ThrowsInternalException.class, "io.braid.api.internal.planted.InternalFailure in throws clause"),
          Arguments.of(ExtendsInternalBase.class, "io.braid.api.internal.planted.InternalBase in supertype"),
          Arguments.of(ImplementsInternalInterface.class, "io.braid.api.internal.planted.InternalMarker in supertype"),
          Arguments.of(PublicFieldOfInternalType.class, thing + " in type of field thing"),
          Arguments.of(ProtectedHookOfInternalType.class, thing + " in return type"),
          Arguments.of(NestedClassLeaks.Holder.class, thing + " in type parameter"),
          Arguments.of(
              ContractExposesInternalHarness.class, "io.braid.testkit.internal.planted.PlantedHarness in return type"));
    }

    @ParameterizedTest(name = "{0} exposes {1}")
    @MethodSource("leaks")
    void anInternalTypeInAPublicSignatureFails(Class<?> leaky, String leak) {
      assertMentions(violationMessage(PUBLISHED_CONTRACTS_EXPOSE_NO_INTERNAL_TYPES, leaky), "exposes internal type " + leak);
    }

    @Test
    void internalTypesUsedWhereUsersCannotNameThemPass() {
      assertPasses(
          PUBLISHED_CONTRACTS_EXPOSE_NO_INTERNAL_TYPES,
          HidesInternalBehindItsSignature.class,
          nestedClass(HidesInternalBehindItsSignature.class, "NotExported"));
    }

    private Class<?> nestedClass(Class<?> outer, String simpleName) {
      for (Class<?> c : outer.getDeclaredClasses()) {
        if (c.getSimpleName().equals(simpleName)) {
          return c;
        }
      }
      throw new AssertionError(outer.getName() + " has no nested class " + simpleName);
    }
  }

  @Nested
  @DisplayName("every Braid class belongs to a known module")
  class KnownModules {
    @Test
    void aClassInAPackageOfNoKnownModuleFails() {
      violationMessage(EVERY_CLASS_BELONGS_TO_A_KNOWN_MODULE, StrayClass.class);
    }

    @Test
    void classesOfEveryKnownModulePass() {
      assertPasses(
          EVERY_CLASS_BELONGS_TO_A_KNOWN_MODULE,
          ApiUsesNetty.class,
          PlantedBalancerProvider.class,
          PlantedRoundRobinBalancer.class,
          PlantedLeastLoadedBalancer.class,
          CoreUsesNetty.class,
          PlantedTcpTransport.class,
          PlantedContract.class,
          BenchmarkUsesNetty.class,
          ProtocolsUseApiAndJdk.class,
          CliUsesTestkit.class);
    }
  }
}
