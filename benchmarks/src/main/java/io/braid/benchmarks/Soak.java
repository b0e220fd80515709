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
 * ({@link SoakAttackers}, in a third JVM: idle sockets, garbage, handshake stalls, stream floods, readers that
 * never read) while a well-behaved peer on 127.0.0.1 runs {@code /perf/1.0.0} and pings. It prints the
 * well-behaved peer's throughput and ping RTT under attack as a ratio of clean phases of the same length, the
 * listener's heap and direct memory, and its open file descriptors before, during and after the attacks.
 *
 * <p><b>Cores.</b> By default (where {@code taskset} exists) the listener and the well-behaved peer share CPU 0
 * and the attackers have CPU 1 to themselves: the attackers stand for machines elsewhere, their own CPU is not
 * what slows the listener, and they attack as fast as one core lets them. {@code --shared-cores} runs all
 * three on every core instead, the attackers under {@code nice -n 19}; there the attackers' own work takes
 * CPU from both ends and throttles the attack at the same time.
 *
 * <p><b>Warm-up.</b> The JVMs start cold, and a node that runs for hours pays its JIT's compilations once. The
 * attack's paths (a refusal, a handshake, a certificate check) run a few to a few hundred times a second, and
 * HotSpot compiles a method with C2 only after thousands of calls, so the listener's JIT works on them for
 * minutes: with a 60-second warm-up it still spent 4 to 6 s of every 120 s attacked compiling. So the warm-up
 * ({@link #warmUp}) runs perf throughout, in parts of 40 s under a fresh attack from addresses of their own
 * (127.0.2.x, 127.0.3.x, ... up to 127.0.9.x, so that no ban or strike carries over into the measured attacks)
 * and 10 s clean, until the listener's JIT threads used at most 2% of an attacked part's wall time: at
 * least {@code --warmup} (100) seconds, at most {@code --warmup-max} (360, 0 for no warm-up). It prints the JIT's
 * share for each part; the CPU table shows what the JIT still used in the measured phases.
 *
 * <p><b>Rounds.</b> Then {@code --rounds} (4) rounds of {@code --seconds} (40) clean, then {@code --seconds}
 * under a fresh attack from a /24 of its own (127.0.10.x, 127.0.11.x, ...): interleaving cancels the drift of
 * a shared machine between a single clean and a single attacked phase, and each attack starts from nothing
 * (no ban yet), the costliest part of an attack. A single round's ratio moves by 20 points or more on a
 * shared 2-core machine; the ratio over all rounds' bytes and time is the figure. Each round's line also
 * gives the CPU per GiB moved of the listener's event loops, its JIT and the well-behaved peer in both
 * phases: a round whose peer also needed more CPU per GiB under attack ran on a slower machine, not against
 * a costlier attack.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.braid.benchmarks.Soak [--seconds 40] [--rounds 4]
 *     [--clients 1000] [--reconnect-ms 1000] [--kinds idle,garbage,stall,stream_flood,never_read] [--warmup 100]
 *     [--warmup-max 360] [--pin | --shared-cores]</pre>
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

  /** The well-behaved peer's figures over one phase (or several, {@link #sum}). */
  record Measure(long upBytes, long upNanos, long downBytes, long downNanos, List<Double> sortedRtts, int lostPings,
      int perfRounds, int failedRounds) {
    double upGbps() {
      return gbps(upBytes, upNanos);
    }

    double downGbps() {
      return gbps(downBytes, downNanos);
    }

    double p50Ms() {
      return rank(sortedRtts, 0.50);
    }

    double p99Ms() {
      return rank(sortedRtts, 0.99);
    }

    int pings() {
      return sortedRtts.size();
    }

    long bytes() {
      return upBytes + downBytes;
    }

    /** Nothing measured yet. */
    static final Measure NONE = new Measure(0, 0, 0, 0, List.of(), 0, 0, 0);

    /** This and {@code o} together: throughput over all their bytes and time, percentiles over all pings. */
    Measure plus(Measure o) {
      List<Double> rtts = new ArrayList<>(sortedRtts);
      rtts.addAll(o.sortedRtts);
      Collections.sort(rtts);
      return new Measure(upBytes + o.upBytes, upNanos + o.upNanos, downBytes + o.downBytes, downNanos + o.downNanos,
          List.copyOf(rtts), lostPings + o.lostPings, perfRounds + o.perfRounds, failedRounds + o.failedRounds);
    }

    /** The phases together, as {@link #plus}. */
    static Measure sum(List<Measure> phases) {
      return phases.stream().reduce(NONE, Measure::plus);
    }
  }

  /**
   * CPU seconds used during one phase: the listener, split by kind of thread (its live threads' figures from
   * {@code /proc}: event loops, JIT compilers, GC, other; NaN where not readable), this JVM (the well-behaved
   * peer), the attackers' JVM (0 in the clean phase), and the whole machine's idle time.
   */
  record Cpu(double listener, double[] listenerThreads, double peer, double attackers, double idle) {
    static final Cpu ZERO = new Cpu(0, new double[4], 0, 0, 0);

    Cpu plus(Cpu o) {
      double[] t = new double[listenerThreads.length];
      for (int i = 0; i < t.length; i++) {
        t[i] = listenerThreads[i] + o.listenerThreads[i];
      }
      return new Cpu(listener + o.listener, t, peer + o.peer, attackers + o.attackers, idle + o.idle);
    }
  }

  /** One reading of every CPU counter {@link Cpu} is the difference of. */
  record CpuMark(long listener, long[] threads, long peer, long attackers, long idle) {
    static CpuMark now(PrintWriter to, BufferedReader from, Process attackers) throws IOException {
      long attackersNanos = attackers == null ? 0
          : attackers.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
      return new CpuMark(cpu(to, from), Soak.threads(to, from), SoakListener.processCpuNanos(), attackersNanos,
          machineIdleNanos());
    }

    Cpu until(CpuMark end) {
      double[] t = new double[threads.length];
      for (int i = 0; i < t.length; i++) {
        t[i] = threads[i] < 0 || end.threads[i] < 0 ? Double.NaN : (end.threads[i] - threads[i]) / 1e9;
      }
      return new Cpu((end.listener - listener) / 1e9, t, (end.peer - peer) / 1e9, (end.attackers - attackers) / 1e9,
          (end.idle - idle) / 1e9);
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
    int seconds = 40;
    int clients = 1000;
    int reconnectMs = 1000;
    int warmup = 100;
    int warmupMax = -1; // not given: 360, or --warmup if longer
    boolean warmupGiven = false;
    int rounds = 4;
    boolean pin = Files.isExecutable(TASKSET);
    String kinds = "IDLE,GARBAGE,STALL,STREAM_FLOOD,NEVER_READ";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--clients" -> clients = Integer.parseInt(args[++i]);
        case "--reconnect-ms" -> reconnectMs = Integer.parseInt(args[++i]);
        case "--kinds" -> kinds = args[++i];
        case "--warmup" -> {
          warmup = Integer.parseInt(args[++i]);
          warmupGiven = true;
        }
        case "--warmup-max" -> warmupMax = Integer.parseInt(args[++i]);
        case "--pin" -> pin = true;
        case "--shared-cores" -> pin = false;
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("usage: Soak [--seconds 5..3600] [--clients 5..5000]"
            + " [--reconnect-ms 10..60000] [--kinds idle,garbage,...] [--warmup 0..900] [--warmup-max 0..900]"
            + " [--rounds 1..20] [--pin | --shared-cores]");
      }
    }
    if (warmupMax < 0) {
      warmupMax = Math.max(360, warmup);
    } else if (!warmupGiven) {
      warmup = Math.min(warmup, warmupMax); // "--warmup-max 0" alone: no warm-up, not a bad argument
    }
    if (seconds < 5 || seconds > 3600 || clients < 5 || clients > 5000 || reconnectMs < 10 || reconnectMs > 60000
        || warmup < 0 || warmup > 900 || warmupMax > 900 || warmup > warmupMax || rounds < 1 || rounds > 20) {
      throw new IllegalArgumentException("--seconds must be 5..3600, --clients 5..5000, --reconnect-ms 10..60000,"
          + " --warmup 0..900, --warmup-max --warmup..900 and --rounds 1..20, were " + seconds + ", " + clients + ", "
          + reconnectMs + ", " + warmup + ", " + warmupMax + ", " + rounds);
    }
    if (pin && !Files.isExecutable(TASKSET)) {
      throw new IllegalArgumentException("--pin needs " + TASKSET);
    }
    pinned = pin;
    System.exit(run(seconds, clients, reconnectMs, kinds, warmup, warmupMax, rounds) ? 0 : 1);
  }

  private static final Path TASKSET = Path.of("/usr/bin/taskset");
  /**
   * Pinned (the default where {@code taskset} exists, {@code --pin}): the listener and this JVM on CPU 0, the
   * attackers on CPU 1, so that the attackers' own CPU stands for machines elsewhere and they attack at full
   * speed; {@code --shared-cores}: everything on every core, the attackers under {@code nice -n 19}. Set once,
   * in main.
   */
  private static boolean pinned;

  /** Pins every thread of process {@code pid} to {@code cpus} (a taskset list, e.g. {@code 0}). */
  private static void pin(long pid, String cpus) throws Exception {
    Process p = new ProcessBuilder(TASKSET.toString(), "-a", "-p", "-c", cpus, Long.toString(pid))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("taskset could not pin process " + pid + " to CPU " + cpus);
    }
  }

  static boolean run(int seconds, int clients, int reconnectMs, String kinds, int warmup, int warmupMax, int rounds)
      throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx1g"));
    String jfr = System.getProperty("soak.listener.jfr"); // e.g. -Dsoak.listener.jfr=listener.jfr: profile it
    if (jfr != null) {
      // Every compilation recorded; -Dsoak.listener.jfr.extra=",jdk.JavaExceptionThrow#enabled=true" adds more.
      command.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,jdk.Compilation#threshold=0ms"
          + System.getProperty("soak.listener.jfr.extra", ""));
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
      if (pinned) {
        pin(listener.pid(), "0");
        pin(ProcessHandle.current().pid(), "0");
      }
      PeerId peer = target.peerId().orElseThrow();
      Multiaddr address = target.withoutPeerId();
      System.out.printf(Locale.ROOT, "java %s, listener %s, %d misbehaving clients (%s; back %d ms after each close),"
          + " %d rounds of %d s clean then %d s attacked, after a warm-up of %d to %d s (until the listener's JIT"
          + " settles)%s%n", System.getProperty("java.version"),
          address, clients, kinds.toLowerCase(Locale.ROOT), reconnectMs, rounds, seconds, seconds, warmup, warmupMax,
          pinned ? "; listener and well-behaved peer on CPU 0, attackers on CPU 1" : "");

      try (Swarm good = Swarm.builder(Identity.generate())
          .connectionConfig(ConnectionConfig.builder().maxConnectionsPerPeer(1).connectionTimeout(WAIT).build())
          .build()) {
        good.addAddresses(peer, address);
        good.dialPeer(peer).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        warmUp(java, target, clients, reconnectMs, kinds, warmup, warmupMax, good, peer, to, from);
        Stats before = stats(to, from);
        Stats during = before;
        List<Measure> cleans = new ArrayList<>();
        List<Measure> attackeds = new ArrayList<>();
        Cpu cleanCpu = Cpu.ZERO;
        Cpu attackedCpu = Cpu.ZERO;
        List<String> counts = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
          CpuMark c0 = CpuMark.now(to, from, null);
          Measure clean = measure(good, peer, seconds);
          Cpu roundClean = c0.until(CpuMark.now(to, from, null));
          cleanCpu = cleanCpu.plus(roundClean);
          int subnet = 10 + round; // a fresh attack each round: no ban of an earlier round carries over
          Process attackers = attackers(java, target, clients, reconnectMs, kinds, subnet);
          Measure attacked;
          Cpu roundAttacked;
          try {
            Thread.sleep(3_000); // let every client connect once
            CpuMark c1 = CpuMark.now(to, from, attackers);
            attacked = measure(good, peer, seconds);
            roundAttacked = c1.until(CpuMark.now(to, from, attackers));
            attackedCpu = attackedCpu.plus(roundAttacked);
            during = stats(to, from);
          } finally {
            for (String line : stopAttackers(attackers)) {
              counts.add(String.format(Locale.ROOT, "round %d (127.0.%d.x) %s", round + 1, subnet, line));
            }
          }
          cleans.add(clean);
          attackeds.add(attacked);
          System.out.printf(Locale.ROOT, "round %d: clean %.3f / %.3f Gbit/s up / down, attacked %.3f / %.3f:"
              + " %.2fx / %.2fx; CPU s per GiB clean -> attacked: listener's event loops %.2f -> %.2f, JIT %.2f"
              + " -> %.2f, well-behaved peer %.2f -> %.2f%n", round + 1, clean.upGbps(), clean.downGbps(),
              attacked.upGbps(), attacked.downGbps(), attacked.upGbps() / clean.upGbps(),
              attacked.downGbps() / clean.downGbps(), perGib(roundClean.listenerThreads()[0], clean),
              perGib(roundAttacked.listenerThreads()[0], attacked), perGib(roundClean.listenerThreads()[1], clean),
              perGib(roundAttacked.listenerThreads()[1], attacked), perGib(roundClean.peer(), clean),
              perGib(roundAttacked.peer(), attacked));
          settle(to, from, before);
        }
        Stats after = settle(to, from, before);
        to.println("refusals");
        String refusals = from.readLine();
        counts.add("listener's refusals by limit, warm-up included: " + (refusals == null ? "?" : refusals.substring(9)));
        Measure clean = Measure.sum(cleans);
        Measure attacked = Measure.sum(attackeds);
        report(clean, attacked, List.of(before, during, after), counts);
        cpuReport(seconds * rounds, clean, cleanCpu, attacked, attackedCpu);
        return verdicts(clean, attacked, before, after);
      }
    } finally {
      to.println("quit");
      if (!listener.waitFor(30, TimeUnit.SECONDS)) {
        listener.destroyForcibly();
      }
    }
  }

  /** The longest attacked part of the warm-up, and the clean part after each. */
  static final int WARM_ATTACK_SECONDS = 40;
  static final int WARM_CLEAN_SECONDS = 10;
  /**
   * The warm-up ends (once past its minimum) after an attacked part in which the listener's JIT compilers used
   * at most this share of the part's wall time.
   */
  static final double JIT_SETTLED = 0.02;
  /** Subnets the warm-up attacks from: 127.0.2.x to 127.0.9.x; the measured rounds use 127.0.10.x onwards. */
  static final int WARM_FIRST_SUBNET = 2;
  static final int WARM_SUBNETS = 8;

  /**
   * The warm-up: perf throughout, in parts of {@value #WARM_ATTACK_SECONDS} s under a fresh attack (127.0.2.x,
   * then 127.0.3.x, ...) each followed by {@value #WARM_CLEAN_SECONDS} s clean, until the listener's JIT has
   * settled: past {@code minSeconds}, after the first attacked part in which its compiler threads used at most
   * {@value #JIT_SETTLED} of the part's wall time, or at {@code maxSeconds} (or after {@value #WARM_SUBNETS}
   * parts), whichever comes first.
   *
   * <p>Why so long: a refusal or a handshake runs code that clean traffic never does, a few to a few hundred
   * times a second, and HotSpot compiles a method with C2 only after thousands of calls; so the attack's paths
   * are interpreted or in profiling code (C1) for minutes, and the JIT compiles them all that time. A node that
   * runs for hours pays that once; a 60-second warm-up left it in the measured phases (4 to 6 s of JIT per
   * 120 s attacked), and with it several points of the ratio. Prints one line per part; its figures are not
   * compared with anything.
   */
  static void warmUp(Path java, Multiaddr target, int clients, int reconnectMs, String kinds, int minSeconds,
      int maxSeconds, Swarm good, PeerId peer, PrintWriter to, BufferedReader from) throws Exception {
    if (maxSeconds == 0) {
      return;
    }
    long start = System.nanoTime();
    for (int part = 0; part < WARM_SUBNETS; part++) {
      long elapsed = (System.nanoTime() - start) / 1_000_000_000L;
      int attackSeconds = (int) Math.max(1, Math.min(WARM_ATTACK_SECONDS, maxSeconds - elapsed));
      int subnet = WARM_FIRST_SUBNET + part;
      long[] jit0 = threads(to, from);
      long wall0 = System.nanoTime();
      Process attackers = attackers(java, target, clients, reconnectMs, kinds, subnet);
      Measure attacked;
      try {
        attacked = measure(good, peer, attackSeconds);
      } finally {
        stopAttackers(attackers);
      }
      long jit1 = threads(to, from)[1];
      double jitShare = jit0[1] < 0 || jit1 < 0 ? Double.NaN : (jit1 - jit0[1]) / (double) (System.nanoTime() - wall0);
      Measure clean = measure(good, peer, WARM_CLEAN_SECONDS);
      elapsed = (System.nanoTime() - start) / 1_000_000_000L;
      System.out.printf(Locale.ROOT, "warm-up %3d s: attacked from 127.0.%d.x %.3f Gbit/s up, listener's JIT %.1f%%;"
          + " clean %.3f%n", elapsed, subnet, attacked.upGbps(), 100 * jitShare, clean.upGbps());
      // Where /proc does not say (NaN), the minimum is the warm-up.
      if (elapsed >= maxSeconds || (elapsed >= minSeconds && !(jitShare > JIT_SETTLED))) {
        return;
      }
    }
  }

  /**
   * Starts {@link SoakAttackers} in a JVM of its own, under {@code nice -n 19} where {@code nice} exists, from
   * 127.0.{@code subnet}.x, and waits (bounded) until its clients are started.
   */
  static Process attackers(Path java, Multiaddr target, int clients, int reconnectMs, String kinds, int subnet)
      throws IOException {
    List<String> command = new ArrayList<>();
    if (pinned) {
      command.addAll(List.of(TASKSET.toString(), "-c", "1"));
    }
    if (Files.isExecutable(Path.of("/usr/bin/nice"))) {
      command.addAll(List.of("/usr/bin/nice", "-n", "19"));
    }
    command.addAll(List.of(java.toString(), "-Xmx1g", "-cp", System.getProperty("java.class.path"),
        SoakAttackers.class.getName(), target.toString(), Integer.toString(clients), Integer.toString(reconnectMs),
        kinds, Integer.toString(subnet)));
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
    Measure total = Measure.NONE;
    while (System.nanoTime() < deadline) {
      try {
        NetStream s = good.newStream(peer, Perf.PROTOCOL).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        PerfResult r = Perf.client(s, 16 * MIB, 16 * MIB).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        total = total.plus(new Measure(16 * MIB, r.uploadTime().toNanos(), 16 * MIB, r.downloadTime().toNanos(),
            List.of(), 0, 1, 0));
      } catch (Exception e) {
        total = total.plus(new Measure(0, 0, 0, 0, List.of(), 0, 0, 1));
        System.out.println("soak: a perf round failed: " + e);
      }
    }
    pinger.join(10_000);
    synchronized (rtts) {
      return total.plus(new Measure(0, 0, 0, 0, List.copyOf(rtts), lost[0], 0, 0));
    }
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

  /** The listener's CPU so far by kind of thread (its {@code THREADS} line): loops, jit, gc, other. */
  static long[] threads(PrintWriter to, BufferedReader from) throws IOException {
    to.println("threads");
    String line = from.readLine();
    if (line == null || !line.startsWith("THREADS ")) {
      throw new IllegalStateException("the listener answered " + line);
    }
    String[] parts = line.substring(8).split(" ");
    long[] ns = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      ns[i] = Long.parseLong(parts[i].substring(parts[i].indexOf('=') + 1));
    }
    return ns;
  }

  /** The whole machine's idle time so far ({@code /proc/stat}'s idle and iowait), in nanoseconds; 0 if unreadable. */
  static long machineIdleNanos() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      return (Long.parseLong(f[4]) + Long.parseLong(f[5])) * 10_000_000L; // USER_HZ is 100 on Linux
    } catch (IOException | RuntimeException e) {
      return 0;
    }
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
    String[] kinds = {"event loops", "JIT compilers", "garbage collector", "other threads"};
    for (int i = 0; i < kinds.length; i++) {
      System.out.printf(Locale.ROOT, "|   listener's %-37s | %s | %s |%n", kinds[i],
          cpuCell(cleanCpu.listenerThreads()[i], seconds, clean.bytes()),
          cpuCell(attackedCpu.listenerThreads()[i], seconds, attacked.bytes()));
    }
    System.out.printf(Locale.ROOT, "| well-behaved peer                                  | %s | %s |%n",
        cpuCell(cleanCpu.peer(), seconds, clean.bytes()), cpuCell(attackedCpu.peer(), seconds, attacked.bytes()));
    System.out.printf(Locale.ROOT, "| attackers (nice 19)                                | %s | %s |%n",
        cpuCell(cleanCpu.attackers(), seconds, clean.bytes()), cpuCell(attackedCpu.attackers(), seconds,
            attacked.bytes()));
    System.out.printf(Locale.ROOT, "| machine idle (all cores)                           | %s | %s |%n",
        cpuCell(cleanCpu.idle(), seconds, clean.bytes()), cpuCell(attackedCpu.idle(), seconds, attacked.bytes()));
  }

  /** CPU seconds per GiB the well-behaved peer moved in {@code m} (NaN for none). */
  private static double perGib(double cpuSeconds, Measure m) {
    return perGib(cpuSeconds, m.bytes());
  }

  private static double perGib(double cpuSeconds, long bytes) {
    return bytes > 0 ? cpuSeconds / (bytes / (double) (1L << 30)) : Double.NaN;
  }

  private static String cpuCell(double cpuSeconds, int seconds, long bytes) {
    return String.format(Locale.ROOT, "%5.1f (%3.0f%%, %4.2f)", cpuSeconds, 100 * cpuSeconds / seconds,
        perGib(cpuSeconds, bytes));
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
    String[] when = {"after the warm-up", "under attack (last)", "after the attacks"};
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
