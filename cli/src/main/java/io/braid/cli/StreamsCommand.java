package io.braid.cli;

import io.braid.api.NetStream;
import io.braid.core.Swarm;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** A balanced client command that runs one exchange on each of {@code --streams} streams at once. */
abstract class StreamsCommand extends BalancedClientCommand {
  @Option(names = "--streams", paramLabel = "S", defaultValue = "1",
      description = "Streams to run at once, spread over the connections (default: ${DEFAULT-VALUE}).")
  int streams;

  @Option(names = {"-i", "--interval"}, paramLabel = "SECONDS", defaultValue = "0",
      description = "Print the bytes moved each way every SECONDS, like iperf3 -i (0.1 to 3600; default: none)."
          + " With --json they go into the object's \"intervals\" array instead.")
  double intervalSeconds;

  @Option(names = "--progress", paramLabel = "WHEN", defaultValue = "auto",
      description = "Draw a live progress line (bytes, rate, streams done) on standard error: auto (when standard"
          + " output is a terminal and --json is off), always or never (default: ${DEFAULT-VALUE}).")
  String progress;

  /** Checks {@code --streams}, {@code --interval} and {@code --progress} before anything is dialed. */
  void checkStreams() {
    if (streams < 1 || streams > 4096) {
      throw CliException.usage("--streams must be between 1 and 4096, was " + streams);
    }
    intervalNanos();
    showProgress();
  }

  /** Opens {@code --streams} streams for {@code protocol}; the swarm's balancer picks each one's connection. */
  List<NetStream> openStreams(Swarm swarm, String protocol) throws InterruptedException {
    List<NetStream> out = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      out.add(await(swarm.newStream(peer(), protocol), timeout(), "opening " + protocol + " stream " + (i + 1)));
    }
    return out;
  }

  /**
   * The outcome of {@link #runOnAll}: each stream's result in the order of the streams, the run's
   * intervals (the {@code --interval} reports, or one interval for the whole run without it) and its
   * wall time.
   */
  record Run<T>(List<T> results, List<TransferReporter.Interval> intervals, double seconds) {}

  /**
   * Starts {@code client} on every stream at once, counting the bytes each way; prints an interval report
   * every {@code --interval} seconds and draws the progress line (see {@link #showProgress()}) meanwhile,
   * and waits for all streams (at most ten times {@code --timeout}).
   */
  <T> Run<T> runOnAll(List<NetStream> opened, Function<NetStream, CompletableFuture<T>> client, String what)
      throws InterruptedException {
    long intervalNanos = intervalNanos();
    TransferMeter meter = new TransferMeter();
    AtomicInteger done = new AtomicInteger();
    // Interval lines are printed only with --interval and without --json; --json gets them in its object.
    TransferReporter reporter = new TransferReporter(what, meter, System::nanoTime,
        json || intervalNanos == 0 ? null : out(), showProgress() ? err() : null, done::get, opened.size());
    ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "braid-" + what + "-reports");
      t.setDaemon(true);
      return t;
    });
    try {
      if (intervalNanos > 0) {
        ticks.scheduleAtFixedRate(reporter::interval, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
      }
      if (showProgress()) {
        ticks.scheduleAtFixedRate(reporter::progress, 0, TransferReporter.PROGRESS_EVERY_MILLIS, TimeUnit.MILLISECONDS);
      }
      List<CompletableFuture<T>> tasks = new ArrayList<>();
      for (NetStream s : opened) {
        CompletableFuture<T> t = client.apply(meter.wrap(s));
        t.whenComplete((v, e) -> done.incrementAndGet());
        tasks.add(t);
      }
      await(CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new)), timeout().multipliedBy(10), what);
      ticks.shutdownNow();
      List<TransferReporter.Interval> intervals = reporter.finish();
      return new Run<>(tasks.stream().map(CompletableFuture::join).toList(), intervals, reporter.elapsedSeconds());
    } finally {
      ticks.shutdownNow();
      reporter.finish(); // a failed run still erases its progress line before the error is printed
    }
  }

  /** {@code --interval} in nanoseconds, 0 when off; a usage error outside 0.1 to 3600 seconds. */
  long intervalNanos() {
    if (intervalSeconds == 0) {
      return 0;
    }
    if (!(intervalSeconds >= 0.1 && intervalSeconds <= 3600)) {
      throw CliException.usage("--interval must be between 0.1 and 3600 seconds (or 0 for none), was "
          + intervalSeconds);
    }
    return Math.round(intervalSeconds * 1e9);
  }

  /** Whether the live progress line is drawn: {@code --progress}, where {@code auto} means a terminal without --json. */
  boolean showProgress() {
    return switch (progress) {
      case "always" -> true;
      case "never" -> false;
      case "auto" -> !json && onTerminal();
      default -> throw CliException.usage("--progress must be auto, always or never, was '" + progress + "'");
    };
  }

  /** Adds {@code --interval}'s reports to a {@code --json} object, when it was given. */
  void putIntervals(Map<String, Object> o, Run<?> run) {
    if (intervalSeconds > 0) {
      o.put("intervals", run.intervals().stream().map(TransferReporter.Interval::json).toList());
    }
  }

  /** The start of the {@code --json} object both stream commands print: who, over what, how many streams. */
  Map<String, Object> jsonResult(String command, int conns) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("command", command);
    o.put("ok", true);
    o.put("peer", peer().toString());
    o.put("connections", conns);
    o.put("balancer", balancer);
    o.put("streams", streams);
    return o;
  }

  /** How many of {@code streams} went over each connection, by connection id. */
  static Map<String, Object> streamsPerConnection(List<NetStream> streams) {
    Map<String, Object> m = new TreeMap<>();
    for (NetStream s : streams) {
      m.merge(s.connection().id(), 1, (a, b) -> (Integer) a + (Integer) b);
    }
    return m;
  }

  /**
   * Whether standard output is a terminal. From JDK 22 {@code System.console()} is non-null even when
   * output is redirected, and {@code Console.isTerminal()} (not in Java 17, hence reflection) tells.
   */
  static boolean onTerminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return true;
    }
  }
}
