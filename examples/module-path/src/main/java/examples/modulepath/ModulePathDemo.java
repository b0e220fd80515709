package examples.modulepath;

import io.braid.api.ConnectionConfig;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.PeerId;
import io.braid.api.Transport;
import io.braid.balancer.spi.LoadBalancerRegistry;
import io.braid.core.Swarm;
import io.braid.identity.Identity;
import io.braid.protocols.Echo;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.invoke.MethodHandles;
import java.lang.module.ModuleReader;
import java.lang.module.ResolvedModule;
import java.lang.reflect.Constructor;
import java.lang.reflect.InaccessibleObjectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A swarm on the module path, checking what only the module path can show.
 *
 * <ol>
 *   <li>Every Braid module in the boot layer is an explicit module (it has a module-info) and exports no
 *       {@code internal} package to this module, nor opens one; {@code io.braid.core.internal} in particular
 *       exists, its classes load, but this module can neither access them nor reflect into them.</li>
 *   <li>The transport and the balancers were bound by the module system (this module requires neither)
 *       and are found through {@code ServiceLoader}: the third-party {@code com.example.balancer} module
 *       provides {@code power_of_two_choices}, and a swarm built with that strategy uses its balancer.</li>
 *   <li>Two swarms over TCP on 127.0.0.1 (port 0): one dials the other and opens an echo stream.</li>
 * </ol>
 *
 * <p>Each check prints an {@code OK ...} line; the last line is {@value #SUCCESS}. Exit 0 on success, 1
 * with {@code FAILED: ...} and the stack trace otherwise. Every wait is bounded ({@value #WAIT_SECONDS} s).
 */
public final class ModulePathDemo {
  /** The last line printed on success. */
  public static final String SUCCESS = "MODULE PATH OK";
  /** The name of the third-party balancer of {@code examples/custom-balancer}. */
  static final String THIRD_PARTY_BALANCER = "power_of_two_choices";
  static final String THIRD_PARTY_MODULE = "com.example.balancer";
  static final String TCP_MODULE = "io.braid.transport.tcp";

  private static final long WAIT_SECONDS = 20;
  private static final int ECHO_BYTES = 16 * 1024;

  private ModulePathDemo() {}

  public static void main(String[] args) {
    PrintStream out = System.out;
    try {
      run(out);
      out.println(SUCCESS);
      out.flush();
      System.exit(0);
    } catch (Throwable t) {
      out.println("FAILED: " + t);
      t.printStackTrace(out);
      out.flush();
      System.exit(1);
    }
  }

  static void run(PrintStream out) throws Exception {
    Module self = ModulePathDemo.class.getModule();
    check(self.isNamed(), "this class runs in a named module, not on the class path: " + self);
    out.println("OK running in module " + self.getName());

    checkBraidModulesHideTheirInternals(self, out);
    checkCoreInternalsAreUnreachable(self, out);

    LoadBalancerRegistry registry = LoadBalancerRegistry.getDefault();
    check(registry.names().contains(THIRD_PARTY_BALANCER),
        "ServiceLoader finds " + THIRD_PARTY_BALANCER + " on the module path; known names: " + registry.names());
    String providerModule = registry.get(THIRD_PARTY_BALANCER).getClass().getModule().getName();
    check(THIRD_PARTY_MODULE.equals(providerModule),
        THIRD_PARTY_BALANCER + " comes from module " + THIRD_PARTY_MODULE + ", was " + providerModule);
    out.println("OK balancers found through ServiceLoader: " + registry.names());

    ConnectionConfig config = ConnectionConfig.builder()
        .maxConnectionsPerPeer(2)
        .loadBalancingStrategy(THIRD_PARTY_BALANCER)
        .build();
    Swarm listener = Swarm.builder(Identity.generate()).connectionConfig(config).build();
    Swarm dialer = Swarm.builder(Identity.generate()).connectionConfig(config).build();
    try {
      Module balancerModule = dialer.loadBalancer().getClass().getModule();
      check(THIRD_PARTY_MODULE.equals(balancerModule.getName()),
          "the swarm's balancer comes from " + THIRD_PARTY_MODULE + ", was " + dialer.loadBalancer().getClass()
              + " in " + balancerModule);
      out.println("OK swarm balancer " + dialer.loadBalancer().getClass().getName() + " from module "
          + balancerModule.getName());

      List<String> transportModules = new ArrayList<>();
      for (Transport t : dialer.transports()) {
        transportModules.add(t.getClass().getModule().getName());
      }
      check(transportModules.contains(TCP_MODULE),
          "the swarm found the TCP transport through ServiceLoader; transports came from " + transportModules);
      out.println("OK swarm transports from modules " + transportModules);

      listener.setStreamHandler(Echo.PROTOCOL, Echo.server());
      List<Multiaddr> addresses = await(listener.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0")));
      PeerId peer = listener.localPeer();
      dialer.addAddresses(peer, addresses.toArray(Multiaddr[]::new));
      List<NetConn> connections = await(dialer.dialPeer(peer));
      check(!connections.isEmpty(), "dialPeer opened at least one connection");
      out.println("OK dialed " + peer + " at " + addresses + ": " + connections.size() + " connections");

      NetStream stream = await(dialer.newStream(peer, Echo.PROTOCOL));
      Echo.EchoResult echoed = await(Echo.client(stream, ECHO_BYTES));
      check(echoed.bytes() == ECHO_BYTES, "echoed " + ECHO_BYTES + " bytes, was " + echoed.bytes());
      out.println("OK stream " + Echo.PROTOCOL + " on connection " + stream.connection().id() + " echoed "
          + echoed.bytes() + " bytes");
    } finally {
      dialer.close();
      listener.close();
      awaitQuietly(dialer.closeFuture());
      awaitQuietly(listener.closeFuture());
    }
  }

  /**
   * Every {@code io.braid.*} module of the boot layer is explicit and keeps each package with an
   * {@code internal} segment from {@code self}: not exported (to all or to {@code self}) and not open.
   */
  private static void checkBraidModulesHideTheirInternals(Module self, PrintStream out) {
    List<String> braidModules = new ArrayList<>();
    List<String> internalPackages = new ArrayList<>();
    for (Module m : ModuleLayer.boot().modules()) {
      if (m.getName() == null || !m.getName().startsWith("io.braid.") || m == self) {
        continue;
      }
      braidModules.add(m.getName());
      check(!m.getDescriptor().isAutomatic(), m.getName() + " is an explicit module with a module-info");
      for (String pkg : m.getPackages()) {
        if (!isInternal(pkg)) {
          continue;
        }
        internalPackages.add(pkg);
        check(!m.isExported(pkg), m.getName() + " does not export " + pkg);
        check(!m.isExported(pkg, self), m.getName() + " does not export " + pkg + " to " + self.getName());
        check(!m.isOpen(pkg, self), m.getName() + " does not open " + pkg + " to " + self.getName());
      }
    }
    for (String expected : List.of("io.braid.api", "io.braid.core", "io.braid.identity", TCP_MODULE)) {
      check(braidModules.contains(expected), expected + " is in the boot layer; found " + braidModules);
    }
    for (String expected : List.of("io.braid.api.internal", "io.braid.core.internal", "io.braid.identity.internal")) {
      check(internalPackages.contains(expected), expected + " exists, so hiding it is checked, not vacuous");
    }
    out.println("OK " + internalPackages.size() + " internal packages hidden in " + braidModules.size()
        + " Braid modules; io.braid.core exports io.braid.core.internal: "
        + Swarm.class.getModule().isExported("io.braid.core.internal"));
  }

  /**
   * A class of {@code io.braid.core.internal} loads (it is in the module graph), but this module may not
   * access it, nor make its constructor accessible by reflection.
   */
  private static void checkCoreInternalsAreUnreachable(Module self, PrintStream out) throws IOException {
    Module core = Swarm.class.getModule();
    String className = anyClassIn("io.braid.core", "io.braid.core.internal");
    Class<?> internal;
    try {
      internal = Class.forName(className, false, core.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new AssertionError(className + " is listed in io.braid.core but does not load", e);
    }
    check(internal.getModule() == core, className + " belongs to io.braid.core");
    try {
      MethodHandles.lookup().accessClass(internal);
      throw new AssertionError("the lookup of " + self.getName() + " may access " + className);
    } catch (IllegalAccessException expected) {
      out.println("OK " + className + " loads but is not accessible: " + expected.getMessage());
    }
    Constructor<?>[] constructors = internal.getDeclaredConstructors();
    if (constructors.length > 0) {
      try {
        constructors[0].setAccessible(true);
        throw new AssertionError("setAccessible succeeded on a constructor of " + className);
      } catch (InaccessibleObjectException expected) {
        out.println("OK deep reflection into io.braid.core.internal is refused: " + expected.getMessage());
      }
    }
  }

  /** The name of some class in {@code pkg} of {@code moduleName}, read from the module's contents. */
  private static String anyClassIn(String moduleName, String pkg) throws IOException {
    Optional<ResolvedModule> resolved = ModuleLayer.boot().configuration().findModule(moduleName);
    check(resolved.isPresent(), moduleName + " is resolved");
    String prefix = pkg.replace('.', '/') + '/';
    try (ModuleReader reader = resolved.get().reference().open(); Stream<String> entries = reader.list()) {
      return entries
          .filter(e -> e.startsWith(prefix) && e.endsWith(".class") && e.indexOf('/', prefix.length()) < 0)
          .filter(e -> !e.endsWith("package-info.class"))
          .map(e -> e.substring(0, e.length() - ".class".length()).replace('/', '.'))
          .sorted()
          .findFirst()
          .orElseThrow(() -> new AssertionError(moduleName + " has no class in " + pkg));
    }
  }

  private static boolean isInternal(String pkg) {
    return List.of(pkg.split("\\.")).contains("internal");
  }

  private static void check(boolean condition, String what) {
    if (!condition) {
      throw new AssertionError("expected: " + what);
    }
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    try {
      return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static void awaitQuietly(CompletableFuture<?> f) {
    try {
      f.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing is best effort here; the checks above already passed or failed
    }
  }
}
