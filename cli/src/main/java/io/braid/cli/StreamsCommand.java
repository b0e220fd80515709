package io.braid.cli;

import io.braid.api.NetStream;
import io.braid.core.Swarm;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** A balanced client command that runs one exchange on each of {@code --streams} streams at once. */
abstract class StreamsCommand extends BalancedClientCommand {
  @Option(names = "--streams", paramLabel = "S", defaultValue = "1",
      description = "Streams to run at once, spread over the connections (default: ${DEFAULT-VALUE}).")
  int streams;

  void checkStreams() {
    if (streams < 1 || streams > 4096) {
      throw CliException.usage("--streams must be between 1 and 4096, was " + streams);
    }
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
   * Starts {@code client} on every stream at once, shows progress, and waits for all of them (at most ten
   * times {@code --timeout}).
   *
   * @return each stream's result, in the order of {@code opened}
   */
  <T> List<T> runOnAll(List<NetStream> opened, Function<NetStream, CompletableFuture<T>> client, String what)
      throws InterruptedException {
    List<CompletableFuture<T>> tasks = new ArrayList<>();
    for (NetStream s : opened) {
      tasks.add(client.apply(s));
    }
    progress(tasks, what);
    await(CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new)), timeout().multipliedBy(10), what);
    return tasks.stream().map(CompletableFuture::join).toList();
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

  /**
   * Shows how many streams finished, as a bar on standard error, only when standard output is a terminal
   * and {@code --json} is off.
   */
  <T> void progress(List<CompletableFuture<T>> tasks, String what) {
    if (json || !onTerminal()) {
      return;
    }
    AtomicInteger done = new AtomicInteger();
    int total = tasks.size();
    for (CompletableFuture<T> t : tasks) {
      t.whenComplete((v, e) -> {
        int n = done.incrementAndGet();
        int width = 30;
        int filled = n * width / total;
        synchronized (this) {
          err().print("\r" + what + " [" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + n + "/" + total
              + " streams" + (n == total ? System.lineSeparator() : ""));
          err().flush();
        }
      });
    }
  }
}
