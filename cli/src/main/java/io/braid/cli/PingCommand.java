package io.braid.cli;

import io.braid.api.NetConn;
import io.braid.core.Swarm;
import io.braid.transport.tcp.IdentifyResult;
import io.braid.transport.tcp.TcpTransport;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Pings a peer over {@code /ipfs/ping/1.0.0}, round-robin over the connections, after an identify, and ends
 * like ping(8): {@code --- <peer> ping statistics ---}, the counts and loss, {@code rtt min/avg/max/mdev}
 * and the nearest-rank {@code p50/p99} ({@link RttStats}); also when interrupted (Ctrl-C). A ping that fails
 * counts as lost; the command exits 0 only when every ping was answered.
 */
@Command(name = "ping", mixinStandardHelpOptions = true, description = "Ping a peer (and identify it).")
final class PingCommand extends ClientCommand {
  @Option(names = "--count", paramLabel = "N", defaultValue = "3", description = "Pings to send (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "--connections", paramLabel = "K", defaultValue = "1",
      description = "Connections to open; pings take turns over them (default: ${DEFAULT-VALUE}).")
  int connections;

  @Override
  int connections() {
    return connectionCount("--connections", connections);
  }

  @Override
  public Integer call() throws Exception {
    if (count < 1 || count > 100_000) {
      throw CliException.usage("--count must be between 1 and 100000, was " + count);
    }
    Swarm swarm = swarm();
    Run run = new Run();
    // Ctrl-C (SIGINT) or SIGTERM mid-run: print the statistics so far, as ping(8) does, and end with the
    // exit code the run has earned so far.
    Thread hook = new Thread(() -> {
      int code = finish(run);
      closeQuietly(swarm);
      Runtime.getRuntime().halt(code);
    }, "braid-ping-shutdown");
    try (swarm) {
      List<NetConn> conns = dial(swarm);
      IdentifyResult id = await(TcpTransport.identify(conns.get(0)), timeout(), "identify");
      run.agent = id.agentVersion();
      run.security = TcpTransport.security(conns.get(0)).toString();
      run.connections = conns.size();
      if (!json) {
        out().printf("PEER %s agent=%s connections=%d security=%s%n", peer(), id.agentVersion(), conns.size(),
            run.security);
        out().flush();
      }
      Runtime.getRuntime().addShutdownHook(hook);
      run.startNanos = System.nanoTime();
      for (int i = 0; i < count; i++) {
        NetConn c = conns.get(i % conns.size());
        Duration rtt;
        try {
          rtt = await(TcpTransport.ping(c), timeout(), "ping " + (i + 1));
        } catch (CliException e) {
          // Lost, as ping(8) counts a reply that never came; the statistics say how many.
          synchronized (run) {
            if (run.finished) {
              break; // the shutdown hook has printed the statistics: nothing may follow them
            }
            run.transmitted.incrementAndGet();
            run.lastError = e.getMessage();
            if (!json) {
              out().printf(Locale.ROOT, "PING %s seq=%d conn=%s failed: %s%n", peer(), i + 1, c.id(), e.getMessage());
              out().flush();
            }
          }
          continue;
        }
        double ms = rtt.toNanos() / 1e6;
        // Counted and printed under the lock finish() holds: a ping in flight when Ctrl-C comes is neither
        // in the statistics nor printed after them.
        synchronized (run) {
          if (run.finished) {
            break;
          }
          run.rtts.add(ms);
          run.transmitted.incrementAndGet();
          if (!json) {
            out().printf(Locale.ROOT, "PING %s seq=%d conn=%s time=%.3f ms%n", peer(), i + 1, c.id(), ms);
            out().flush();
          }
        }
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Already shutting down: the hook prints the statistics.
        Thread.currentThread().join();
      }
      int code = finish(run);
      if (code != 0) {
        throw new CliException(run.transmitted.get() - run.rtts.size() + " of " + run.transmitted.get()
            + " pings lost; last: " + run.lastError);
      }
      return 0;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException | IllegalArgumentException e) {
        // Shutting down, or removed already.
      }
    }
  }

  /** The state of a run that both the command and its shutdown hook read. */
  private static final class Run {
    volatile long startNanos = System.nanoTime();
    final AtomicInteger transmitted = new AtomicInteger();
    final List<Double> rtts = new CopyOnWriteArrayList<>();
    /** Set, under the lock on this object, by whoever prints the statistics. */
    boolean finished;
    volatile String agent = "";
    volatile String security = "";
    volatile int connections;
    volatile String lastError = "";
  }

  /**
   * Prints the statistics (or the JSON object) once, whoever gets here first; holds the lock on {@code run}
   * while printing so that no PING line can come after the statistics.
   *
   * @return 0 when every ping sent was answered, else {@link ExitCodes#FAILED}
   */
  private int finish(Run run) {
    synchronized (run) {
      List<Double> rtts = List.copyOf(run.rtts);
      int sent = run.transmitted.get();
      int code = sent > 0 && rtts.size() == sent ? 0 : ExitCodes.FAILED;
      if (!run.finished) {
        run.finished = true;
        print(run, sent, rtts, code);
      }
      return code;
    }
  }

  private void print(Run run, int sent, List<Double> rtts, int code) {
    RttStats stats = RttStats.of(sent, rtts, (System.nanoTime() - run.startNanos) / 1e6);
    if (json) {
      if (code == 0) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("command", "ping");
        o.put("ok", true);
        o.put("peer", peer().toString());
        o.put("agent", run.agent);
        o.put("security", run.security);
        o.put("connections", run.connections);
        o.put("count", count);
        o.put("rtt_ms", rtts);
        o.putAll(stats.json());
        printJson(o);
      }
    } else {
      out().println("--- " + peer() + " ping statistics ---");
      stats.lines().forEach(out()::println);
      out().flush();
    }
  }

  private static void closeQuietly(Swarm swarm) {
    swarm.close();
    try {
      swarm.closeFuture().get(ListenCommand.CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // Exiting anyway.
    }
  }
}
