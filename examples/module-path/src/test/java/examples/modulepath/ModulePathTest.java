package examples.modulepath;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Braid on the module path, in a real JVM: the unit tests of every module run on the class path, so this
 * is where {@code module-info} (exports, {@code uses}, {@code provides}, {@code requires}) is proven.
 *
 * <p>The child is launched with the JVM running this test, {@code --module-path} set to this module's
 * classes plus its runtime dependencies (in a reactor {@code verify}, the jars in each module's
 * {@code target/}; listed by maven-dependency-plugin in {@code target/module-path.txt}) and {@code -m}. Its
 * output is captured to a file and shown whenever a check fails.
 */
@DisplayName("Braid on the module path")
class ModulePathTest {
  private static final String MAIN = "io.braid.examples.modulepath/examples.modulepath.ModulePathDemo";
  private static final long CHILD_TIMEOUT_SECONDS = 120;

  private static List<String> dependencies;
  private static String appModule;

  @BeforeAll
  static void readTheModulePath() throws IOException {
    String file = System.getProperty("braid.modulepath.file");
    appModule = System.getProperty("braid.modulepath.app");
    assertNotNull(file, "braid.modulepath.file is set by this module's pom (run the test through Maven)");
    assertNotNull(appModule, "braid.modulepath.app is set by this module's pom (run the test through Maven)");
    String listed = Files.readString(Path.of(file), UTF_8).trim();
    dependencies = Arrays.stream(listed.split(File.pathSeparator)).filter(s -> !s.isBlank()).toList();
    assertFalse(dependencies.isEmpty(), "maven-dependency-plugin listed no runtime dependency in " + file);
  }

  @Test
  void aSwarmOnTheModulePathUsesTheThirdPartyBalancerDialsOpensAStreamAndCannotReachInternals(
      @TempDir Path dir) throws Exception {
    List<String> modulePath = new ArrayList<>();
    modulePath.add(appModule);
    modulePath.addAll(dependencies);
    List<String> command = List.of(javaOfThisJvm(), "--module-path", String.join(File.pathSeparator, modulePath),
        "-m", MAIN);
    Path log = dir.resolve("child.log");
    Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean exited;
    try {
      exited = child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } finally {
      if (child.isAlive()) {
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    String output = Files.readString(log, UTF_8);
    String report = "\ncommand: " + String.join(" ", command) + "\n--- child output ---\n" + output;
    if (!exited) {
      fail("the module-path JVM did not exit within " + CHILD_TIMEOUT_SECONDS + " s" + report);
    }
    assertEquals(0, child.exitValue(), () -> "the module-path JVM failed" + report);

    assertTrue(output.contains("OK running in module io.braid.examples.modulepath"), report);
    assertTrue(output.contains("io.braid.core exports io.braid.core.internal: false"), report);
    assertTrue(output.contains("OK deep reflection into io.braid.core.internal is refused"), report);
    assertTrue(output.contains("OK swarm balancer com.example.balancer.PowerOfTwoChoicesBalancer from module "
        + ModulePathDemo.THIRD_PARTY_MODULE), report);
    assertTrue(output.contains("OK swarm transports from modules [" + ModulePathDemo.TCP_MODULE), report);
    assertTrue(output.contains("OK dialed "), report);
    assertTrue(output.contains("OK stream /echo/1.0.0 on connection "), report);
    assertTrue(output.strip().endsWith(ModulePathDemo.SUCCESS), report);
  }

  @Test
  void aModuleThatRequiresCoreCompilesAgainstItsApiButNotAgainstItsInternalPackage(@TempDir Path dir)
      throws IOException {
    String allowed = compileProbe(dir.resolve("allowed"),
        "package probe;\nimport io.braid.core.Swarm;\nclass Probe { Swarm swarm; }\n");
    assertEquals("", allowed, "a module requiring io.braid.core compiles against io.braid.core.Swarm");

    String refused = compileProbe(dir.resolve("refused"),
        "package probe;\nimport io.braid.core.internal.*;\nclass Probe {}\n");
    assertTrue(refused.contains("package io.braid.core.internal is not visible"),
        () -> "javac refuses io.braid.core.internal to a module requiring io.braid.core; javac said:\n" + refused);
  }

  /** Compiles module {@code probe} (which requires {@code io.braid.core}); returns javac's errors, empty if none. */
  private static String compileProbe(Path dir, String probeSource) throws IOException {
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.writeString(src.resolve("module-info.java"), "module probe { requires io.braid.core; }\n", UTF_8);
    Path pkg = Files.createDirectories(src.resolve("probe"));
    Files.writeString(pkg.resolve("Probe.java"), probeSource, UTF_8);
    // java.util.spi.ToolProvider (java.base) rather than javax.tools: the test is compiled into the
    // application module, which does not read java.compiler.
    ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow(() -> new AssertionError("this JVM has javac"));
    StringWriter said = new StringWriter();
    PrintWriter out = new PrintWriter(said);
    int exit = javac.run(out, out, "--release", "17", "-d", dir.resolve("out").toString(),
        "--module-path", String.join(File.pathSeparator, dependencies),
        src.resolve("module-info.java").toString(), pkg.resolve("Probe.java").toString());
    out.flush();
    return exit == 0 ? "" : said.toString().isEmpty() ? "javac exited " + exit + " without a message" : said.toString();
  }

  private static String javaOfThisJvm() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
