package io.braid.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The dependency rules of {@code shared/ARCHITECTURE.md}, as ArchUnit rules.
 *
 * <p>Design note: every rule is a constant here so that one and the same rule object is checked twice:
 * against Braid's production classes ({@link ProductionArchitectureTest}, which imports every module
 * jar with {@link ImportOption.DoNotIncludeTests}) and against planted violations in this module's test
 * sources ({@link PlantedViolationsTest}, which imports only the planted classes). The planted tests
 * prove that each rule can fail; the production tests prove that Braid obeys it. The planted classes
 * live under {@code ..planted..} packages in {@code src/test/java}, which the production import never
 * sees.
 *
 * <p>Modules map to packages as STYLE.md says: {@code io.braid.api}, {@code io.braid.identity}, {@code io.braid.core},
 * {@code io.braid.balancer.spi}, {@code io.braid.balancer.roundrobin}, {@code io.braid.balancer.leastloaded}, {@code io.braid.balancer.ewma},
 * {@code io.braid.transport.tcp}, {@code io.braid.testkit}, {@code io.braid.benchmarks}, {@code io.braid.protocols},
 * {@code io.braid.cli}.
 * {@link #EVERY_CLASS_BELONGS_TO_A_KNOWN_MODULE} keeps that map honest: a Braid class outside these
 * packages would escape every per-module rule, so it fails the build until someone states the rules of
 * its module here.
 *
 * <p>Netty decision: Netty is allowed in {@code io.braid.transport..} and in {@code io.braid.benchmarks..}.
 * The rule exists so that ports, core and balancers stay usable with a transport that is not Netty; the
 * benchmarks module is a leaf that no module depends on and no deployment loads, so Netty there cannot
 * leak into any of them, while a micro-benchmark of a Netty-level codec (Yamux frames over a
 * {@code ByteBuf}) legitimately needs Netty types. Everywhere else Netty is forbidden. (The benchmarks
 * jar is not on this module's classpath today; the exception is decided now so that adding it does not
 * require re-arguing the rule.)
 */
public final class BraidArchitecture {
  private BraidArchitecture() {}

  /** The root of every Braid package. */
  public static final String BRAID = "io.braid";

  static final String JDK = "java..";
  static final String SLF4J = "org.slf4j..";
  static final String API = "io.braid.api..";
  static final String IDENTITY = "io.braid.identity..";
  static final String BOUNCYCASTLE = "org.bouncycastle..";
  static final String PROTOBUF = "com.google.protobuf..";
  static final String BALANCER_SPI = "io.braid.balancer.spi..";
  static final String ROUND_ROBIN = "io.braid.balancer.roundrobin..";
  static final String LEAST_LOADED = "io.braid.balancer.leastloaded..";
  static final String EWMA = "io.braid.balancer.ewma..";
  static final String CORE = "io.braid.core..";
  /** The package of the swarm facade ({@code io.braid.core.Swarm}) alone, not its sub-packages. */
  static final String CORE_FACADE = "io.braid.core";
  static final String CORE_INTERNAL = "io.braid.core.internal..";
  static final String TRANSPORT = "io.braid.transport..";
  static final String TRANSPORT_TCP = "io.braid.transport.tcp..";
  static final String TESTKIT = "io.braid.testkit..";
  static final String BENCHMARKS = "io.braid.benchmarks..";
  static final String PROTOCOLS = "io.braid.protocols..";
  static final String CLI = "io.braid.cli..";
  static final String METRICS_MICROMETER = "io.braid.metrics.micrometer..";
  static final String MICROMETER = "io.micrometer..";
  static final String NETTY = "io.netty..";

  /**
   * JUnit's and jqwik's own API packages. opentest4j ({@code AssertionFailedError}) and apiguardian
   * ({@code @API}) are part of the JUnit platform's public API, so a contract test may name them.
   */
  static final String[] TEST_LIBRARIES = {"org.junit..", "net.jqwik..", "org.opentest4j..", "org.apiguardian.."};

  /**
   * Root packages of Braid's modules. Transports and balancers are families: each member is its own
   * module ({@code io.braid.balancer.spi} and {@code io.braid.balancer.roundrobin} are two modules).
   */
  static final List<String> MODULE_ROOTS =
      List.of(
          "io.braid.api",
          "io.braid.identity",
          "io.braid.balancer.spi",
          "io.braid.balancer.roundrobin",
          "io.braid.balancer.leastloaded",
          "io.braid.balancer.ewma",
          "io.braid.core",
          "io.braid.transport.tcp",
          "io.braid.testkit",
          "io.braid.benchmarks",
          "io.braid.protocols",
          "io.braid.cli",
          "io.braid.metrics.micrometer");

  /** Families whose members are separate modules, one level below the family name. */
  private static final Set<String> MODULE_FAMILIES = Set.of("balancer", "transport");

  /**
   * Imports Braid's production classes: every module jar on the classpath, never test classes (so never
   * the planted violations of this module).
   */
  public static JavaClasses importProductionClasses() {
    return new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests()).importPackages(BRAID);
  }

  // A note on allowEmptyShould(true) below: ArchUnit fails a rule whose subject matched no class, which
  // guards against a rule that silently checks nothing. Here that guard is provided once, by
  // EVERY_CLASS_BELONGS_TO_A_KNOWN_MODULE: any Braid class lives in one of MODULE_ROOTS, so a per-module
  // rule with an empty subject means that module has no classes yet (core and transport-tcp are filled
  // by later work; the balancer modules and the testkit are filled in parallel with these rules), not
  // that the rule missed them. The api rules stay strict: the api is never empty, and if its import ever
  // came back empty the production import itself would be broken.

  /** {@code api} depends on the JDK alone. */
  public static final ArchRule API_DEPENDS_ON_THE_JDK_ALONE =
      classes()
          .that()
          .resideInAPackage(API)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(API, JDK)
          .because("the api holds the ports and value types every module shares; it depends on the JDK alone");

  /**
   * {@code identity} depends on the api, the JDK, bouncycastle and protobuf-java (its own generated code,
   * {@code io.braid.identity.internal.proto}, included). Not even SLF4J: key handling logs nothing.
   */
  public static final ArchRule IDENTITY_DEPENDS_ON_API_JDK_BOUNCYCASTLE_AND_PROTOBUF_ONLY =
      classes()
          .that()
          .resideInAPackage(IDENTITY)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(IDENTITY, API, JDK, BOUNCYCASTLE, PROTOBUF)
          .because(
              "identity holds keys and signatures for every transport's handshake; it must not pull in a"
                  + " transport, core, Netty or a logger");

  /** {@code balancer-spi} depends on the api, the JDK and SLF4J. */
  public static final ArchRule BALANCER_SPI_DEPENDS_ON_API_JDK_AND_SLF4J_ONLY =
      classes()
          .that()
          .resideInAPackage(BALANCER_SPI)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(BALANCER_SPI, API, JDK, SLF4J)
          .because("the balancer SPI is what third-party balancers compile against; it knows only the api")
          // May be empty: see the note on allowEmptyShould above.
          .allowEmptyShould(true);

  /** A concrete balancer depends on the api, the balancer SPI, the JDK and SLF4J. */
  public static final ArchRule ROUND_ROBIN_BALANCER_DEPENDS_ON_API_AND_SPI_ONLY = balancerRule(ROUND_ROBIN);

  /** A concrete balancer depends on the api, the balancer SPI, the JDK and SLF4J. */
  public static final ArchRule LEAST_LOADED_BALANCER_DEPENDS_ON_API_AND_SPI_ONLY = balancerRule(LEAST_LOADED);

  /** A concrete balancer depends on the api, the balancer SPI, the JDK and SLF4J. */
  public static final ArchRule EWMA_BALANCER_DEPENDS_ON_API_AND_SPI_ONLY = balancerRule(EWMA);

  private static ArchRule balancerRule(String balancer) {
    return classes()
        .that()
        .resideInAPackage(balancer)
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(balancer, API, BALANCER_SPI, JDK, SLF4J)
        .because("a balancer plugs in through the balancer SPI exactly as a third-party balancer would")
        // May be empty: see the note on allowEmptyShould above.
        .allowEmptyShould(true);
  }

  /** {@code core} depends on the api, the balancer SPI, the JDK and SLF4J. */
  public static final ArchRule CORE_DEPENDS_ON_API_SPI_JDK_AND_SLF4J_ONLY =
      classes()
          .that()
          .resideInAPackage(CORE)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(CORE, API, BALANCER_SPI, JDK, SLF4J)
          .because("core implements the api and uses balancers through the SPI")
          // May be empty: see the note on allowEmptyShould above.
          .allowEmptyShould(true);

  /**
   * {@code core} never names an adapter. Implied by {@link #CORE_DEPENDS_ON_API_SPI_JDK_AND_SLF4J_ONLY},
   * stated on its own because it is the heart of the hexagon and its failure message names the cure.
   */
  public static final ArchRule CORE_NEVER_NAMES_AN_ADAPTER =
      noClasses()
          .that()
          .resideInAPackage(CORE)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(TRANSPORT, ROUND_ROBIN, LEAST_LOADED, EWMA, NETTY, TESTKIT)
          .because(
              "core reaches transports and balancers only through ServiceLoader or instances handed to its"
                  + " builder, and never sees Netty or the testkit")
          // May be empty: see the note on allowEmptyShould above.
          .allowEmptyShould(true);

  /**
   * The swarm's collaborators ({@code io.braid.core.internal}) never reach back into the facade that
   * wires them ({@code io.braid.core.Swarm}); the facade may use every collaborator. A collaborator that
   * needs something of another gets it handed in, never through the facade. (A collaborator naming
   * {@code Swarm} would also close a package cycle, caught by {@link #NO_PACKAGE_CYCLES}; this rule says
   * so directly, and also catches a dependency on a facade-package class that does not use the
   * collaborators.) That nothing outside core touches {@code io.braid.core.internal} is
   * {@link #INTERNAL_PACKAGES_STAY_IN_THEIR_MODULE}.
   */
  public static final ArchRule CORE_COLLABORATORS_NEVER_REACH_BACK_INTO_THE_FACADE =
      noClasses()
          .that()
          .resideInAPackage(CORE_INTERNAL)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(CORE_FACADE)
          .because(
              "the facade wires the collaborators and calls them; one that called the facade back would undo"
                  + " the split into one concern per class")
          // May be empty: see the note on allowEmptyShould above.
          .allowEmptyShould(true);

  /** The testkit depends on the api, the balancer SPI, the JDK, SLF4J and test libraries. */
  public static final ArchRule TESTKIT_DEPENDS_ON_API_SPI_AND_TEST_LIBRARIES_ONLY =
      classes()
          .that()
          .resideInAPackage(TESTKIT)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(concat(new String[] {TESTKIT, API, BALANCER_SPI, JDK, SLF4J}, TEST_LIBRARIES))
          .because(
              "the testkit's contracts are what third parties extend; they test ports, never core, a"
                  + " transport or a concrete balancer")
          // May be empty: see the note on allowEmptyShould above.
          .allowEmptyShould(true);

  /**
   * {@code protocols} (perf, echo) depends on the api and the JDK alone: the protocols run over any
   * {@link io.braid.api.NetStream}, whoever made it, and log nothing.
   */
  /**
   * {@code metrics-micrometer} adapts the api's {@code NetworkMetrics} port to Micrometer: it sees the api,
   * the JDK and Micrometer, never core or a transport, so any {@code Network} implementation can use it.
   */
  public static final ArchRule METRICS_MICROMETER_DEPENDS_ON_API_JDK_AND_MICROMETER_ONLY =
      classes()
          .that()
          .resideInAPackage(METRICS_MICROMETER)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(METRICS_MICROMETER, API, JDK, MICROMETER)
          .because("the metrics adapter implements the api's NetworkMetrics port; it must not reach into core")
          // May be empty: see the note on allowEmptyShould above.
          .allowEmptyShould(true);

  public static final ArchRule PROTOCOLS_DEPEND_ON_API_AND_JDK_ONLY =
      classes()
          .that()
          .resideInAPackage(PROTOCOLS)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(PROTOCOLS, API, JDK)
          .because("application protocols are written against the NetStream port, never a transport or core")
          // May be empty: see the note on allowEmptyShould above.
          .allowEmptyShould(true);

  /**
   * {@code cli} is the outermost leaf: it may use every module (and its own libraries), but not the
   * testkit, which is for tests only. Other modules' internals are kept out by
   * {@link #INTERNAL_PACKAGES_STAY_IN_THEIR_MODULE}.
   */
  public static final ArchRule CLI_NEVER_NAMES_THE_TESTKIT =
      noClasses()
          .that()
          .resideInAPackage(CLI)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(TESTKIT)
          .because("the testkit's fakes and contracts are for tests; the braid command ships to users")
          // May be empty: see the note on allowEmptyShould above.
          .allowEmptyShould(true);

  /** No Braid module depends on the cli: it is a leaf. */
  public static final ArchRule NOTHING_DEPENDS_ON_THE_CLI =
      noClasses()
          .that()
          .resideInAPackage(BRAID + "..")
          .and()
          .resideOutsideOfPackage(CLI)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(CLI)
          .because("the cli is the outermost layer; a library module that named it would pull picocli into users' builds");

  /** Netty appears only in transports (and in the benchmarks leaf, see the class comment). */
  public static final ArchRule NETTY_ONLY_IN_TRANSPORTS =
      noClasses()
          .that()
          .resideInAPackage(BRAID + "..")
          .and()
          .resideOutsideOfPackages(TRANSPORT, BENCHMARKS)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(NETTY)
          .because("Netty is an adapter detail; ByteBufs never cross into the api, core or balancers");

  /** No package depends on itself through other packages. */
  public static final ArchRule NO_PACKAGE_CYCLES =
      slices()
          .matching(BRAID + ".(**)")
          .should()
          .beFreeOfCycles()
          .because("package cycles make modules impossible to split, test or reason about one at a time");

  /** A module's {@code ..internal..} packages are used by that module alone. */
  public static final ArchRule INTERNAL_PACKAGES_STAY_IN_THEIR_MODULE =
      classes()
          .that()
          .resideInAPackage(BRAID + "..")
          .should(notUseInternalsOfAnotherModule())
          .because("code in an ..internal package is not part of any module's contract");

  /**
   * The jars third parties compile against (api, balancer SPI, testkit) do not name internal types in
   * anything public: public and protected members of exported classes, and those classes' supertypes.
   * Otherwise "internal" would be internal in name only. (Beyond the api this is a judgement call: the
   * SPI and the testkit are the other two published extension points, see ARCHITECTURE.md.)
   */
  public static final ArchRule PUBLISHED_CONTRACTS_EXPOSE_NO_INTERNAL_TYPES =
      classes()
          .that()
          .resideInAnyPackage(API, BALANCER_SPI, TESTKIT)
          .and()
          .resideOutsideOfPackage("..internal..")
          .should(notExposeInternalTypesInPublicSignatures())
          .because("a type users must name is part of the contract and cannot live in an internal package");

  /** Every Braid class lives in a module that has rules here. */
  public static final ArchRule EVERY_CLASS_BELONGS_TO_A_KNOWN_MODULE =
      classes()
          .that()
          .resideInAPackage(BRAID + "..")
          .should()
          .resideInAnyPackage(MODULE_ROOTS.stream().map(root -> root + "..").toArray(String[]::new))
          .because(
              "the per-module rules cover these packages only; a new module must first get its dependency"
                  + " rules in BraidArchitecture (and its root in MODULE_ROOTS)");

  /**
   * The module a Braid package belongs to: the longest {@link #MODULE_ROOTS} entry that contains it, or
   * for an unknown package the same shape ({@code io.braid.x}, or {@code io.braid.balancer.x} /
   * {@code io.braid.transport.x} for the families). Empty for packages outside Braid.
   */
  static Optional<String> moduleOf(String packageName) {
    if (!isInPackage(packageName, BRAID)) {
      return Optional.empty();
    }
    Optional<String> known =
        MODULE_ROOTS.stream()
            .filter(root -> isInPackage(packageName, root))
            .max((a, b) -> Integer.compare(a.length(), b.length()));
    if (known.isPresent()) {
      return known;
    }
    String[] segments = packageName.split("\\.");
    int depth = segments.length >= 4 && MODULE_FAMILIES.contains(segments[2]) ? 4 : 3;
    return Optional.of(String.join(".", Arrays.asList(segments).subList(0, Math.min(depth, segments.length))));
  }

  static boolean isInternal(String packageName) {
    return Arrays.asList(packageName.split("\\.")).contains("internal");
  }

  private static boolean isInPackage(String packageName, String root) {
    return packageName.equals(root) || packageName.startsWith(root + ".");
  }

  private static ArchCondition<JavaClass> notUseInternalsOfAnotherModule() {
    return new ArchCondition<>("not depend on ..internal.. classes of another module") {
      @Override
      public void check(JavaClass origin, ConditionEvents events) {
        Optional<String> originModule = moduleOf(origin.getPackageName());
        origin.getDirectDependenciesFromSelf().forEach(dependency -> {
          JavaClass target = dependency.getTargetClass().getBaseComponentType();
          String targetPackage = target.getPackageName();
          if (!isInternal(targetPackage)) {
            return;
          }
          Optional<String> targetModule = moduleOf(targetPackage);
          if (targetModule.isPresent() && !targetModule.equals(originModule)) {
            events.add(
                SimpleConditionEvent.violated(
                    dependency,
                    dependency.getDescription()
                        + ": "
                        + target.getName()
                        + " is internal to module "
                        + targetModule.get()
                        + ", but "
                        + origin.getName()
                        + " is in module "
                        + originModule.orElse("?")));
          }
        });
      }
    };
  }

  private static ArchCondition<JavaClass> notExposeInternalTypesInPublicSignatures() {
    return new ArchCondition<>("not expose ..internal.. types in public or protected signatures") {
      @Override
      public void check(JavaClass type, ConditionEvents events) {
        if (!isExported(type)) {
          return;
        }
        List<String> leaks = new ArrayList<>();
        type.getSuperclass().ifPresent(s -> collect(leaks, "supertype", List.of(s)));
        collect(leaks, "supertype", type.getInterfaces());
        collect(leaks, "type parameter bound", type.getTypeParameters());
        for (JavaField field : type.getFields()) {
          if (isVisibleToUsers(type, field)) {
            collect(leaks, "type of field " + field.getName(), List.of(field.getType()));
          }
        }
        for (JavaCodeUnit unit : type.getCodeUnits()) {
          if (!isVisibleToUsers(type, unit) || unit.getModifiers().contains(JavaModifier.SYNTHETIC)) {
            continue;
          }
          String where = unit.getFullName();
          collect(leaks, "return type of " + where, List.of(unit.getReturnType()));
          collect(leaks, "parameter of " + where, unit.getParameterTypes());
          collect(leaks, "throws clause of " + where, unit.getThrowsClause().getTypes());
          collect(leaks, "type parameter of " + where, unit.getTypeParameters());
        }
        for (String leak : leaks) {
          events.add(SimpleConditionEvent.violated(type, type.getName() + " exposes " + leak));
        }
      }
    };
  }

  private static void collect(List<String> leaks, String where, Collection<? extends JavaType> types) {
    for (JavaType t : types) {
      for (JavaClass raw : t.getAllInvolvedRawTypes()) {
        JavaClass base = raw.getBaseComponentType();
        if (isInPackage(base.getPackageName(), BRAID) && isInternal(base.getPackageName())) {
          leaks.add("internal type " + base.getName() + " in " + where);
        }
      }
    }
  }

  /**
   * A class users can name: a public top-level class, or a public or protected member class of an
   * exported class.
   */
  private static boolean isExported(JavaClass type) {
    Set<JavaModifier> modifiers = type.getModifiers();
    Optional<JavaClass> enclosing = type.getEnclosingClass();
    if (enclosing.isEmpty()) {
      return modifiers.contains(JavaModifier.PUBLIC);
    }
    return (modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED))
        && isExported(enclosing.get());
  }

  /** Public members, and protected ones where a user can subclass to reach them. */
  private static boolean isVisibleToUsers(JavaClass owner, JavaMember member) {
    Set<JavaModifier> modifiers = member.getModifiers();
    return modifiers.contains(JavaModifier.PUBLIC)
        || (modifiers.contains(JavaModifier.PROTECTED) && !owner.getModifiers().contains(JavaModifier.FINAL));
  }

  private static String[] concat(String[] a, String[] b) {
    return Stream.concat(Arrays.stream(a), Arrays.stream(b)).toArray(String[]::new);
  }
}
