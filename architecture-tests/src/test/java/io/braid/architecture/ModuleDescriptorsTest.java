package io.braid.architecture;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.module.ModuleDescriptor;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The module descriptors ({@code module-info.class}) of the Braid jars on this module's class path. The
 * module path itself is exercised in a real JVM by {@code examples/module-path}; these checks keep the
 * descriptors honest for every published module, including ones added later.
 */
@DisplayName("Braid's module descriptors")
class ModuleDescriptorsTest {
  /**
   * Published artifacts that are not modules: the cli is a shaded application jar (its dependencies'
   * classes merged in, started with {@code java -jar}), so a descriptor would name modules it contains.
   */
  private static final Set<String> NOT_MODULES = Set.of("braid-cli");

  /** The service interfaces Braid discovers with {@code ServiceLoader}. */
  private static final List<String> SERVICES =
      List.of("io.braid.api.TransportProvider", "io.braid.balancer.spi.LoadBalancerProvider");

  /** Braid's explicit modules on the class path, by name, with where their descriptor was read. */
  private static final Map<String, ModuleDescriptor> descriptors = new TreeMap<>();
  private static final Map<String, String> roots = new TreeMap<>();

  @BeforeAll
  static void readTheDescriptorsOnTheClassPath() throws IOException {
    List<URL> found = Collections.list(ModuleDescriptorsTest.class.getClassLoader().getResources("module-info.class"));
    for (URL url : found) {
      ModuleDescriptor d;
      try (InputStream in = url.openStream()) {
        d = ModuleDescriptor.read(in);
      }
      if (d.name().startsWith(BraidArchitecture.BRAID + ".")) {
        String root = url.toString().substring(0, url.toString().length() - "module-info.class".length());
        descriptors.put(d.name(), d);
        roots.put(d.name(), root);
      }
    }
  }

  @Test
  void everyPublishedModuleButTheCliHasAModuleInfoNamedAfterItsArtifact() throws IOException {
    Path bom = Path.of(System.getProperty("braid.repo.dir", "..")).resolve("bom/pom.xml");
    Matcher m = Pattern.compile("<artifactId>(braid-[a-z-]+)</artifactId>").matcher(Files.readString(bom, UTF_8));
    Set<String> expected = new TreeSet<>();
    while (m.find()) {
      String artifact = m.group(1);
      if (!artifact.equals("braid-bom") && !NOT_MODULES.contains(artifact)) {
        expected.add("io.braid." + artifact.substring("braid-".length()).replace('-', '.'));
      }
    }
    assertTrue(expected.size() >= 9, () -> "the bom lists Braid's published modules; read " + expected);
    assertEquals(expected, descriptors.keySet(),
        "each artifact braid-x-y in the bom is module io.braid.x.y with a module-info (and is a dependency of "
            + "architecture-tests); the cli is the one exception");
    for (String name : expected) {
      Path source = Path.of(System.getProperty("braid.repo.dir", ".."))
          .resolve(name.substring("io.braid.".length()).replace('.', '-'))
          .resolve("src/main/java/module-info.java");
      assertTrue(Files.exists(source), () -> name + " is declared in " + source);
    }
  }

  @Test
  void eachModuleIsARootOfTheArchitectureAndHoldsOnlyItsOwnPackages() {
    for (ModuleDescriptor d : descriptors.values()) {
      assertTrue(BraidArchitecture.MODULE_ROOTS.contains(d.name()),
          () -> d.name() + " is one of BraidArchitecture.MODULE_ROOTS, so the per-module rules cover it");
      for (String pkg : d.packages()) {
        assertTrue(pkg.equals(d.name()) || pkg.startsWith(d.name() + "."),
            () -> d.name() + " holds " + pkg + ", outside its own root package");
      }
    }
  }

  @Test
  void noModuleExportsOrOpensAnInternalPackageToEveryone() {
    List<String> leaks = new ArrayList<>();
    for (ModuleDescriptor d : descriptors.values()) {
      assertFalse(d.isOpen(), () -> d.name() + " is not an open module");
      d.exports().stream()
          .filter(e -> BraidArchitecture.isInternal(e.source()) && !e.isQualified())
          .forEach(e -> leaks.add(d.name() + " exports " + e.source()));
      d.opens().stream()
          .filter(o -> BraidArchitecture.isInternal(o.source()) && !o.isQualified())
          .forEach(o -> leaks.add(d.name() + " opens " + o.source()));
    }
    assertEquals(List.of(), leaks, "internal packages are exported or opened only to named friend modules");
  }

  @Test
  void theApiExportsItsPublicPackageOnly() {
    ModuleDescriptor api = descriptors.get("io.braid.api");
    assertEquals(Set.of("io.braid.api"),
        api.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
    assertEquals(Set.of(), api.requires().stream()
        .map(ModuleDescriptor.Requires::name).filter(n -> !n.equals("java.base")).collect(Collectors.toSet()),
        "the api depends on the JDK alone");
  }

  @Test
  void theModulesThatCallServiceLoaderDeclareUses() {
    assertEquals(Set.of("io.braid.api.TransportProvider"), descriptors.get("io.braid.core").uses());
    assertEquals(Set.of("io.braid.balancer.spi.LoadBalancerProvider"), descriptors.get("io.braid.balancer.spi").uses());
  }

  @Test
  void everyProvidesMatchesTheModulesMetaInfServicesAndTheOtherWayRound() throws IOException {
    int adapters = 0;
    for (ModuleDescriptor d : descriptors.values()) {
      for (String service : SERVICES) {
        Set<String> provided = d.provides().stream()
            .filter(p -> p.service().equals(service))
            .flatMap(p -> p.providers().stream())
            .collect(Collectors.toCollection(TreeSet::new));
        Set<String> listed = servicesFile(roots.get(d.name()), service);
        assertEquals(listed, provided, () -> d.name() + ": the class path (META-INF/services/" + service
            + ") and the module path (provides " + service + " with ...) find the same providers");
        if (!provided.isEmpty()) {
          adapters++;
        }
      }
    }
    // tcp, memory (testkit), round_robin, least_loaded
    assertTrue(adapters >= 4, "the adapters declare their providers; found " + adapters);
  }

  /** The provider classes named in {@code META-INF/services/<service>} under {@code root}, if any. */
  private static Set<String> servicesFile(String root, String service) throws IOException {
    Set<String> names = new TreeSet<>();
    URL url = new URL(root + "META-INF/services/" + service);
    try (BufferedReader r = new BufferedReader(new InputStreamReader(url.openStream(), UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        String name = line.replaceFirst("#.*", "").strip();
        if (!name.isEmpty()) {
          names.add(name);
        }
      }
    } catch (FileNotFoundException | NoSuchFileException e) {
      // no such file in this jar or directory: the module provides nothing for this service
    }
    return names;
  }
}
