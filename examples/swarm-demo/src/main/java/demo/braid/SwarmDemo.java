package demo.braid;

import io.braid.api.Multiaddr;
import io.braid.cli.SwarmTour;
import io.braid.testkit.MemoryNetwork;
import io.braid.testkit.MemoryTransport;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The tour of Braid's swarm that {@code braid demo} runs over TCP ({@link SwarmTour}), here on the
 * testkit's in-memory transport: every node is a real {@code io.braid.core.Swarm}, only the wire is in
 * memory, and no socket is opened.
 *
 * <p>Run it with {@code java -jar examples/swarm-demo/target/swarm-demo.jar}; it prints plain-text
 * tables and exits 0, or prints what went wrong and exits 1.
 */
public final class SwarmDemo {
  /** Peer C's address, fixed so that A can know it before C listens. */
  static final Multiaddr C_ADDRESS = Multiaddr.fromString("/memory/7001");

  private SwarmDemo() {}

  /** Runs the demo on stdout; exits 0 on success, 1 with a message on stderr otherwise. */
  public static void main(String[] args) {
    System.exit(runAndReport(System.out, System.err, new MemoryNetwork()));
  }

  /** The in-memory wire: every node's transport on {@code network}. */
  static SwarmTour.Wire memoryWire(MemoryNetwork network) {
    return new SwarmTour.Wire("on the in-memory transport (real swarms, no sockets)", "in-memory",
        ctx -> MemoryTransport.builder(network).context(ctx).build(), Multiaddr.fromString("/memory/0"),
        () -> C_ADDRESS, "a fixed address");
  }

  /** Runs the tour on {@code network}, reporting a failure on {@code err}; returns the process exit code. */
  static int runAndReport(PrintStream out, PrintStream err, MemoryNetwork network) {
    PrintWriter text = new PrintWriter(out, true, StandardCharsets.UTF_8);
    try {
      SwarmTour.run(memoryWire(network), text);
      return 0;
    } catch (SwarmTour.Failure e) {
      err.println("swarm-demo FAILED: " + e.getMessage());
      if (e.getCause() != null) {
        e.getCause().printStackTrace(err);
      }
      return 1;
    } catch (RuntimeException e) {
      text.flush();
      err.println("swarm-demo FAILED with an unexpected error: " + e);
      e.printStackTrace(err);
      return 1;
    }
  }
}
