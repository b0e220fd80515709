package io.braid.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.ParameterException;

/**
 * The {@code braid} command. Exit codes ({@link ExitCodes}): 0 success, 1 other failure, 2 bad usage
 * (unknown option, malformed size or multiaddr), 3 unreachable, 4 peer id mismatch, 5 protocol negotiation
 * failed, 6 limit exceeded.
 *
 * <p>Errors are one line on standard error, {@code braid <command>: <what went wrong>}; the stack trace
 * follows only with {@code --verbose}. With {@code --json} a failing client command also prints
 * {@code {"ok":false,"error":"..."}} on standard output, so scripts always get one object.
 */
@Command(
    name = "braid",
    mixinStandardHelpOptions = true,
    versionProvider = Braid.Version.class,
    description = "libp2p over TCP with several connections per peer: serve, ping, echo, perf.",
    footer = {"", "Exit codes:",
        "  0  ok",
        "  1  other failure (a stream reset, a check that failed, a timeout after connecting)",
        "  2  usage (unknown option, malformed size or multiaddr, value out of range)",
        "  3  unreachable: every dial attempt failed (refused, timed out, no route)",
        "  4  peer id mismatch: the peer at the address is not the one named by /p2p/",
        "  5  protocol negotiation failed: the peer does not serve the protocol",
        "  6  limit exceeded: a connection or stream limit refused the operation",
        "Stopped by Ctrl-C (SIGINT) or SIGTERM, listen and ping print their summary and exit 0",
        "(ping: 1 when a ping was lost)."},
    subcommands = {
      ListenCommand.class,
      PingCommand.class,
      EchoCommand.class,
      PerfCommand.class,
      ConnsCommand.class,
      WatchCommand.class,
      KeygenCommand.class,
      DemoCommand.class,
      CompletionCommand.class,
      HelpCommand.class
    })
public final class Braid implements Runnable {
  /** Exit code of an operation that failed for a reason without a code of its own. */
  public static final int FAILED = ExitCodes.FAILED;
  /** Exit code of bad usage. */
  public static final int USAGE = ExitCodes.USAGE;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a command is required (demo, listen, ping, echo, perf, conns, keygen, completion)");
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(out, err, args));
  }

  /** Runs {@code braid args...} writing to {@code out} and {@code err}; returns the exit code. Tests call this. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return commandLine(out, err).execute(args);
  }

  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Braid());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExitCodeExceptionMapper(ExitCodes::of);
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine c = ex.getCommandLine();
      c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
      c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
      c.getErr().flush();
      return USAGE;
    });
    cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
      Throwable cause = unwrap(ex);
      Object cmd = c.getCommand();
      boolean verbose = cmd instanceof BaseCommand b && b.verbose;
      boolean json = cmd instanceof BaseCommand b && b.json;
      String message = describe(cause);
      c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + message);
      if (verbose) {
        ex.printStackTrace(c.getErr());
      }
      c.getErr().flush();
      if (json) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("command", c.getCommandName());
        o.put("ok", false);
        o.put("error", message);
        c.getOut().println(Json.write(o));
        c.getOut().flush();
      }
      return ExitCodes.of(cause);
    });
    return cl;
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** One line about {@code t}: its message, and the message of its root cause when that adds something. */
  static String describe(Throwable t) {
    t = unwrap(t);
    String msg = t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : t.getMessage();
    if (t instanceof CliException) {
      return msg;
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != t && root.getMessage() != null && !msg.contains(root.getMessage())) {
      msg = msg + " (" + root.getMessage() + ")";
    }
    return msg.replace('\n', ' ');
  }

  /** {@code braid --version}: the version and commit written at build time into {@code build.properties}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      java.util.Properties p = new java.util.Properties();
      try (java.io.InputStream in = Braid.class.getResourceAsStream("build.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (java.io.IOException e) {
        // Shown as unknown below.
      }
      return new String[] {
          "braid " + p.getProperty("version", "unknown") + " (commit " + p.getProperty("commit", "unknown") + ")",
          "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + "), "
              + System.getProperty("os.name") + " " + System.getProperty("os.arch")
      };
    }
  }
}
