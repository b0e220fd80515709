package io.braid.benchmarks;

import io.braid.api.ConnectionConfig;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.PeerId;
import io.braid.core.Swarm;
import io.braid.identity.Identity;
import io.braid.protocols.Perf;
import io.braid.protocols.PerfResult;
import io.braid.transport.tcp.TcpTransport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A soak run: one listener ({@link SoakListener}, in its own JVM) under {@code --clients} misbehaving clients
 * ({@link SoakAttackers}, in a third JVM under {@code nice -n 19}: idle sockets, garbage, handshake stalls, stream floods, readers that never read) while a
 * well-behaved peer on 127.0.0.1 runs {@code /perf/1.0.0} and pings. It prints the well-behaved peer's
 * throughput and ping RTT under attack as a ratio of a clean run of the same length, the listener's heap and
 * direct memory, and its open file descriptors before, during and after the attack.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.braid.benchmarks.Soak [--seconds 60] [--clients 1000]
 *     [--reconnect-ms 1000] [--kinds idle,garbage,stall,stream_flood,never_read]</pre>
 *
 * <p>Not a test: a harness whose figures a person reads. Every wait is bounded; every loop ends by itself.
 * The verdict lines at the end compare against the targets (throughput under attack at least 80% of clean,
 * memory flat, no descriptor leaked) and the exit code is 0 when all three hold, 1 otherwise.
 */
public final class Soak {
  private static final Pattern STATS = Pattern.compile(
      "STATS heap=(\\d+) direct=(\\d+) fds=(-?\\d+) conns=(\\d+) pending=(\\d+) peers=(\\d+)");
  private static final long MIB = 1 << 20;
  private static final Duration WAIT = Duration.ofSeconds(30);

  private Soak() {}

  /** The well-behaved peer's figures over one phase. */
  record Measure(double upGbps, double downGbps, double p50Ms, double p99Ms, int pings, int lostPings,
      int perfRounds, int failedRounds, long bytes) {}

  /** CPU seconds the listener and this JVM (the well-behaved peer) used during one phase. */
  record Cpu(double listener, double peer) {
    static Cpu between(long listenerFrom, long listenerTo, long peerFrom, long peerTo) {
      return new Cpu((listenerTo - listenerFrom) / 1e9, (peerTo - peerFrom) / 1e9);
    }
  }

  /** One reading of the listener's {@code stats} line. */
  record Stats(long heap, long direct, long fds, int conns, int pending, int peers) {
    String row(String when) {
      return String.format(Locale.ROOT, "| %-22s | %9.1f | %9.1f | %6d | %6d | %8d |", when, heap / (double) MIB,
          direct / (double) MIB, fds, conns, pending);
    }
  }

  public static void main(String[] args) throws Exception {
    int seconds = 60;
    int clients = 1000;
    int reconnectMs = 1000;
    String kinds = "IDLE,GARBAGE,STALL,STREAM_FLOOD,NEVER_READ";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--clients" -> clients = Integer.parseInt(args[++i]);
        case "--reconnect-ms" -> reconnectMs = Integer.parseInt(args[++i]);
        case "--kinds" -> kinds = args[++i];
        default -> throw new IllegalArgumentException(
            "usage: Soak [--seconds 5..3600] [--clients 5..5000] [--reconnect-ms 10..60000] [--kinds idle,garbage,...]");
      }
    }
    if (seconds < 5 || seconds > 3600 || clients < 5 || clients > 5000 || reconnectMs < 10 || reconnectMs > 60000) {
      throw new IllegalArgumentException("--seconds must be 5..3600, --clients 5..5000 and --reconnect-ms 10..60000,"
          + " were " + seconds + ", " + clients + ", " + reconnectMs);
    }
    System.exit(run(seconds, clients, reconnectMs, kinds) ? 0 : 1);
  }

  static boolean run(int seconds, int clients, int reconnectMs, String kinds) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx1g"));
    String jfr = System.getProperty("soak.listener.jfr"); // e.g. -Dsoak.listener.jfr=listener.jfr: profile it
    if (jfr != null) {
      command.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), SoakListener.class.getName()));
    Process listener = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader from = new BufferedReader(new InputStreamReader(listener.getInputStream(), StandardCharsets.UTF_8));
    PrintWriter to = new PrintWriter(listener.getOutputStream(), true, StandardCharsets.UTF_8);
    try {
      String first = from.readLine();
      for (int skipped = 0; first != null && !first.startsWith("LISTEN ") && skipped < 20; skipped++) {
        first = from.readLine(); // the JVM's own notices (a flight recording starting, say)
      }
      if (first == null || !first.startsWith("LISTEN ")) {
        throw new IllegalStateException("the listener did not start: " + first);
      }
      Multiaddr target = Multiaddr.fromString(first.substring(7));
      PeerId peer = target.peerId().orElseThrow();
      Multiaddr address = target.withoutPeerId();
      System.out.printf(Locale.ROOT, "java %s, listener %s, %d misbehaving clients (%s; back %d ms after each close),"
          + " %d s per phase%n", System.getProperty("java.version"), address, clients, kinds.toLowerCase(Locale.ROOT),
          reconnectMs, seconds);

      try (Swarm good = Swarm.builder(Identity.generate())
          .connectionConfig(ConnectionConfig.builder().maxConnectionsPerPeer(1).connectionTimeout(WAIT).build())
          .build()) {
        good.addAddresses(peer, address);
        good.dialPeer(peer).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        Stats before0 = stats(to, from);
        long l0 = cpu(to, from);
        long p0 = SoakListener.processCpuNanos();
        Measure clean = measure(good, peer, seconds);
        Cpu cleanCpu = Cpu.between(l0, cpu(to, from), p0, SoakListener.processCpuNanos());
        Stats before = stats(to, from);
        Cpu attackedCpu;
        Measure attacked;
        Stats during;
        List<String> counts;
        Process attackers = attackers(java, target, clients, reconnectMs, kinds);
        try {
          Thread.sleep(3_000); // let every client connect once
          long l1 = cpu(to, from);
          long p1 = SoakListener.processCpuNanos();
          attacked = measure(good, peer, seconds);
          attackedCpu = Cpu.between(l1, cpu(to, from), p1, SoakListener.processCpuNanos());
          during = stats(to, from);
        } finally {
          counts = stopAttackers(attackers);
        }
        Stats after = settle(to, from, before);
        report(clean, attacked, List.of(before0, before, during, after), counts);
        cpuReport(seconds, clean, cleanCpu, attacked, attackedCpu);
        return verdicts(clean, attacked, before, after);
      }
    } finally {
      to.println("quit");
      if (!listener.waitFor(30, TimeUnit.SECONDS)) {
        listener.destroyForcibly();
      }
    }
  }

  /**
   * Starts {@link SoakAttackers} in a JVM of its own, under {@code nice -n 19} where {@code nice} exists, and
   * waits (bounded) until its clients are started.
   */
  static Process attackers(Path java, Multiaddr target, int clients, int reconnectMs, String kinds)
      throws IOException {
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/nice"))) {
      command.addAll(List.of("/usr/bin/nice", "-n", "19"));
    }
    command.addAll(List.of(java.toString(), "-Xmx1g", "-cp", System.getProperty("java.class.path"),
        SoakAttackers.class.getName(), target.toString(), Integer.toString(clients), Integer.toString(reconnectMs),
        kinds));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (!"STARTED".equals(line)) {
      p.destroyForcibly();
      throw new IllegalStateException("the attackers did not start: " + line);
    }
    return p;
  }

  /** Tells the attackers to stop and returns their {@code COUNTS} lines (waiting at most 60 s). */
  static List<String> stopAttackers(Process p) throws Exception {
    PrintWriter to = new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8);
    to.println("stop");
    to.close();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      System.out.println("soak: the attackers did not stop within 60 s; killed");
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    List<String> counts = new ArrayList<>();
    // The process has ended, so its output ends too: this read is bounded.
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith("COUNTS ")) {
        counts.add(String.format(Locale.ROOT, "%-12s %s", line.split(" ")[1],
            line.substring(8 + line.split(" ")[1].length())));
      }
    }
    return counts;
  }

  /** Perf rounds (16 MiB each way on a new stream) back to back, and a ping every 100 ms, for {@code seconds}. */
  static Measure measure(Swarm good, PeerId peer, int seconds) throws Exception {
    NetConn conn = good.getConnections(peer).get(0);
    List<Double> rtts = Collections.synchronizedList(new ArrayList<>());
    int[] lost = new int[1];
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    Thread pinger = new Thread(() -> {
      while (System.nanoTime() < deadline) {
        try {
          rtts.add(TcpTransport.ping(conn).get(5, TimeUnit.SECONDS).toNanos() / 1e6);
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          synchronized (lost) {
            lost[0]++;
          }
        }
      }
    }, "soak-pinger");
    pinger.start();
    long upBytes = 0;
    long downBytes = 0;
    long upNanos = 0;
    long downNanos = 0;
    int rounds = 0;
    int failed = 0;
    while (System.nanoTime() < deadline) {
      try {
        NetStream s = good.newStream(peer, Perf.PROTOCOL).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        PerfResult r = Perf.client(s, 16 * MIB, 16 * MIB).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        upBytes += 16 * MIB;
        downBytes += 16 * MIB;
        upNanos += r.uploadTime().toNanos();
        downNanos += r.downloadTime().toNanos();
        rounds++;
      } catch (Exception e) {
        failed++;
        System.out.println("soak: a perf round failed: " + e);
      }
    }
    pinger.join(10_000);
    List<Double> sorted = new ArrayList<>(rtts);
    Collections.sort(sorted);
    return new Measure(gbps(upBytes, upNanos), gbps(downBytes, downNanos), rank(sorted, 0.50), rank(sorted, 0.99),
        sorted.size(), lost[0], rounds, failed, upBytes + downBytes);
  }

  private static double gbps(long bytes, long nanos) {
    return nanos > 0 ? bytes * 8.0 / nanos : 0;
  }

  /** The nearest-rank percentile of sorted values; NaN for none. */
  private static double rank(List<Double> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    return sorted.get(Math.max(0, (int) Math.ceil(p * sorted.size()) - 1));
  }

  static Stats stats(PrintWriter to, BufferedReader from) throws IOException {
    to.println("stats");
    String line = from.readLine();
    Matcher m = line == null ? null : STATS.matcher(line);
    if (m == null || !m.matches()) {
      throw new IllegalStateException("the listener answered " + line);
    }
    return new Stats(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
        Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)));
  }

  /** The listener's CPU time so far, in nanoseconds. */
  static long cpu(PrintWriter to, BufferedReader from) throws IOException {
    to.println("cpu");
    String line = from.readLine();
    if (line == null || !line.startsWith("CPU ")) {
      throw new IllegalStateException("the listener answered " + line);
    }
    return Long.parseLong(line.substring(4));
  }

  /**
   * Where the CPU went: the listener's and the well-behaved peer's CPU seconds in each phase, each as a share
   * of the phase's wall time and per GiB the peer moved. If the listener spends about as much per GiB under
   * attack as clean, the attack costs it little, and a lower ratio says the machine gave both ends less CPU.
   */
  private static void cpuReport(int seconds, Measure clean, Cpu cleanCpu, Measure attacked, Cpu attackedCpu) {
    System.out.println();
    System.out.println("| CPU seconds (share of wall time, s per GiB moved) |           clean |        attacked |");
    System.out.println("|----------------------------------------------------|----------------:|----------------:|");
    System.out.printf(Locale.ROOT, "| listener                                           | %s | %s |%n",
        cpuCell(cleanCpu.listener(), seconds, clean.bytes()), cpuCell(attackedCpu.listener(), seconds, attacked.bytes()));
    System.out.printf(Locale.ROOT, "| well-behaved peer                                  | %s | %s |%n",
        cpuCell(cleanCpu.peer(), seconds, clean.bytes()), cpuCell(attackedCpu.peer(), seconds, attacked.bytes()));
  }

  private static String cpuCell(double cpuSeconds, int seconds, long bytes) {
    double perGib = bytes > 0 ? cpuSeconds / (bytes / (double) (1L << 30)) : Double.NaN;
    return String.format(Locale.ROOT, "%5.1f (%3.0f%%, %4.2f)", cpuSeconds, 100 * cpuSeconds / seconds, perGib);
  }

  /** After the attack: waits (at most 30 s) until the listener is back to the connections it had before. */
  static Stats settle(PrintWriter to, BufferedReader from, Stats before) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Stats s = stats(to, from);
    while ((s.conns() > before.conns() || s.pending() > 0) && System.nanoTime() < deadline) {
      Thread.sleep(500);
      s = stats(to, from);
    }
    return s;
  }

  private static void report(Measure clean, Measure attacked, List<Stats> stats,
      List<String> counts) {
    System.out.println();
    System.out.println("| well-behaved peer      |     clean |  attacked |  ratio |");
    System.out.println("|------------------------|----------:|----------:|-------:|");
    row("perf upload, Gbit/s", clean.upGbps(), attacked.upGbps());
    row("perf download, Gbit/s", clean.downGbps(), attacked.downGbps());
    row("ping p50, ms", clean.p50Ms(), attacked.p50Ms());
    row("ping p99, ms", clean.p99Ms(), attacked.p99Ms());
    System.out.printf(Locale.ROOT, "perf rounds %d clean, %d attacked (%d failed); pings %d clean (%d lost), %d attacked"
        + " (%d lost)%n", clean.perfRounds(), attacked.perfRounds(), attacked.failedRounds(), clean.pings(),
        clean.lostPings(), attacked.pings(), attacked.lostPings());
    System.out.println();
    System.out.println("| listener               |  heap MiB | direct MiB |    fds |  conns | pending |");
    System.out.println("|------------------------|----------:|-----------:|-------:|-------:|--------:|");
    String[] when = {"started", "after the clean run", "under attack", "after the attack"};
    for (int i = 0; i < stats.size(); i++) {
      System.out.println(stats.get(i).row(when[i]));
    }
    System.out.println();
    counts.forEach(System.out::println);
  }

  private static void row(String name, double clean, double attacked) {
    System.out.printf(Locale.ROOT, "| %-22s | %9.3f | %9.3f | %5.2fx |%n", name, clean, attacked,
        clean > 0 ? attacked / clean : Double.NaN);
  }

  private static boolean verdicts(Measure clean, Measure attacked, Stats before, Stats after) {
    double ratio = Math.min(attacked.upGbps() / clean.upGbps(), attacked.downGbps() / clean.downGbps());
    boolean throughput = ratio >= 0.8 && attacked.failedRounds() == 0;
    // "Flat": within 32 MiB of heap and direct memory of the run before the attack, after a full GC.
    boolean memory = after.heap() - before.heap() < 32 * MIB && after.direct() - before.direct() < 32 * MIB;
    boolean fds = after.fds() <= before.fds();
    System.out.println();
    System.out.printf(Locale.ROOT, "%s throughput under attack %.2fx of clean (target >= 0.80x)%n", verdict(throughput),
        ratio);
    System.out.printf(Locale.ROOT, "%s memory after the attack: heap %+.1f MiB, direct %+.1f MiB (target flat)%n",
        verdict(memory), (after.heap() - before.heap()) / (double) MIB, (after.direct() - before.direct()) / (double) MIB);
    System.out.printf(Locale.ROOT, "%s file descriptors %d before, %d after (target: none leaked)%n", verdict(fds),
        before.fds(), after.fds());
    return throughput && memory && fds;
  }

  private static String verdict(boolean ok) {
    return ok ? "PASS" : "FAIL";
  }
}
