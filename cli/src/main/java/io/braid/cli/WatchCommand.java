package io.braid.cli;

import io.braid.api.ConnectionConfig;
import io.braid.api.ConnectionStats;
import io.braid.api.NetStream;
import io.braid.core.Swarm;
import io.braid.protocols.Echo;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code braid watch}: dials a peer with {@code --connections} connections and shows them live, one row per
 * connection: smoothed RTT and its variance from the swarm's keep-alive pings (one per {@code --interval}),
 * health, streams in flight, and throughput each way over the last interval. On a terminal the table is
 * redrawn in place; otherwise (or with {@code --json}) each refresh is printed after the one before.
 * {@code --load K} keeps K echo streams busy meanwhile, so that the balancer's spread shows in the
 * throughput columns. Ends after {@code --count} refreshes, or at Ctrl-C.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
    description = "Show the connections to a peer live: RTT, health, streams, throughput.")
final class WatchCommand extends BalancedClientCommand {
  private static final long MIB = 1 << 20;

  @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1",
      description = "Seconds between refreshes, and between keep-alive pings (default: ${DEFAULT-VALUE}).")
  double intervalSeconds;

  @Option(names = "--count", paramLabel = "N", defaultValue = "0",
      description = "Refreshes before exiting; 0 runs until interrupted (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "--load", paramLabel = "STREAMS", defaultValue = "0",
      description = "Echo streams to keep busy meanwhile, 1 MiB each, one after another (default: ${DEFAULT-VALUE}).")
  int load;

  private Duration interval;

  @Override
  ConnectionConfig.Builder configure(ConnectionConfig.Builder config) {
    return config.keepAliveInterval(interval);
  }

  @Override
  public Integer call() throws Exception {
    if (!(intervalSeconds >= 0.1 && intervalSeconds <= 3600)) {
      throw CliException.usage("--interval must be between 0.1 and 3600 seconds, was " + intervalSeconds);
    }
    if (count < 0) {
      throw CliException.usage("--count must be >= 0, was " + count);
    }
    if (load < 0 || load > 1024) {
      throw CliException.usage("--load must be between 0 and 1024, was " + load);
    }
    if (json && count == 0) {
      throw CliException.usage("--json needs --count: it prints one object at the end");
    }
    interval = Duration.ofNanos((long) (intervalSeconds * 1e9));
    boolean redraw = !json && StreamsCommand.onTerminal();
    CountDownLatch stop = new CountDownLatch(1);
    AtomicBoolean finished = new AtomicBoolean();
    Thread hook = new Thread(() -> {
      stop.countDown();
      // Give the loop a moment to print its last lines and close the swarm.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!finished.get() && System.nanoTime() - deadline < 0) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "braid-watch-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (Swarm swarm = swarm()) {
      dial(swarm);
      Load busy = new Load(swarm);
      for (int i = 0; i < load; i++) {
        busy.next();
      }
      List<Object> refreshes = new ArrayList<>();
      Map<String, long[]> last = new HashMap<>();
      long start = System.nanoTime();
      long lastAt = start;
      for (int n = 1; count == 0 || n <= count; n++) {
        if (stop.await(interval.toNanos(), TimeUnit.NANOSECONDS)) {
          break;
        }
        long now = System.nanoTime();
        List<ConnectionStats> stats = swarm.stats(peer());
        Map<String, Object> refresh = render(stats, last, (now - lastAt) / 1e9, (now - start) / 1e9, busy, redraw);
        lastAt = now;
        if (json) {
          refreshes.add(refresh);
        }
      }
      busy.stop();
      if (json) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("command", "watch");
        o.put("ok", true);
        o.put("peer", peer().toString());
        o.put("balancer", balancer());
        o.put("interval_s", intervalSeconds);
        o.put("echo_streams_done", busy.done.get());
        o.put("echo_streams_failed", busy.failed.get());
        o.put("refreshes", refreshes);
        printJson(o);
      }
      if (busy.failed.get() > 0) {
        throw new CliException(busy.failed.get() + " echo streams of --load failed; last: " + busy.lastError);
      }
      return 0;
    } finally {
      finished.set(true);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException | IllegalArgumentException e) {
        // shutting down, or removed already
      }
    }
  }

  /** Prints one refresh (unless --json) and returns it as data. */
  private Map<String, Object> render(List<ConnectionStats> stats, Map<String, long[]> last, double seconds,
      double at, Load busy, boolean redraw) {
    List<List<String>> rows = new ArrayList<>();
    List<Object> data = new ArrayList<>();
    for (ConnectionStats s : stats) {
      long[] before = last.getOrDefault(s.connectionId(), new long[] {0, 0});
      double up = rate(s.bytesSent(), before[0], seconds);
      double down = rate(s.bytesReceived(), before[1], seconds);
      last.put(s.connectionId(), new long[] {Math.max(0, s.bytesSent()), Math.max(0, s.bytesReceived())});
      String health = s.draining() ? "draining" : s.healthy() ? "ok" : "UNHEALTHY";
      rows.add(List.of(s.connectionId(), s.direction().toString(), s.remoteAddress().toString(),
          ms(s.smoothedRttNanos()), ms(s.rttVarianceNanos()), health, String.valueOf(s.streamsInFlight()),
          mbit(up), mbit(down), String.format(Locale.ROOT, "%.0f", s.age().toNanos() / 1e9)));
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("id", s.connectionId());
      c.put("direction", s.direction().toString());
      c.put("remote", s.remoteAddress().toString());
      c.put("rtt_ms", s.smoothedRttNanos() < 0 ? null : s.smoothedRttNanos() / 1e6);
      c.put("rtt_var_ms", s.rttVarianceNanos() < 0 ? null : s.rttVarianceNanos() / 1e6);
      c.put("health", health);
      c.put("streams", s.streamsInFlight());
      c.put("sent_mbit_s", up);
      c.put("received_mbit_s", down);
      c.put("bytes_sent", s.bytesSent());
      c.put("bytes_received", s.bytesReceived());
      data.add(c);
    }
    Map<String, Object> refresh = new LinkedHashMap<>();
    refresh.put("t_s", at);
    refresh.put("connections", data);
    if (!json) {
      PrintWriter out = out();
      if (redraw) {
        out.print("\033[H\033[2J"); // cursor home, clear screen
      }
      out.printf(Locale.ROOT, "WATCH %s  %d connections  balancer %s  t=%.1f s%s%n", peer(), stats.size(),
          balancer(), at, load > 0 ? String.format(Locale.ROOT, "  echo streams done %d, failed %d",
              busy.done.get(), busy.failed.get()) : "");
      TourKit.table(out, List.of("connection", "dir", "remote", "rtt ms", "±ms", "health", "streams",
          "sent Mbit/s", "recv Mbit/s", "age s"), rows);
      if (!redraw) {
        out.println();
      }
      out.flush();
    }
    return refresh;
  }

  private static double rate(long now, long before, double seconds) {
    return now < 0 || seconds <= 0 ? 0 : Math.max(0, now - before) * 8 / seconds / 1e6;
  }

  private static String ms(long nanos) {
    return nanos < 0 ? "-" : String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }

  private static String mbit(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** {@code --load}: echo streams, each followed by the next until {@link #stop()}. */
  private final class Load {
    final Swarm swarm;
    final AtomicLong done = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    volatile boolean stopped;
    volatile String lastError = "";
    final List<CompletableFuture<?>> running = new java.util.concurrent.CopyOnWriteArrayList<>();

    Load(Swarm swarm) {
      this.swarm = swarm;
    }

    void next() {
      if (stopped) {
        return;
      }
      CompletableFuture<?> f = swarm.newStream(peer(), Echo.PROTOCOL)
          .thenCompose((NetStream s) -> Echo.client(s, MIB))
          .whenComplete((r, e) -> {
            if (e != null) {
              if (!stopped) {
                failed.incrementAndGet();
                lastError = Braid.describe(e);
              }
            } else {
              done.incrementAndGet();
            }
          });
      running.add(f);
      f.whenComplete((r, e) -> {
        running.remove(f);
        if (e == null) {
          next(); // a failed stream ends its loop: it is counted and reported at the end
        }
      });
    }

    void stop() throws InterruptedException {
      stopped = true;
      for (CompletableFuture<?> f : running) {
        try {
          f.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
          // counted above, or abandoned at close
        }
      }
    }
  }
}
