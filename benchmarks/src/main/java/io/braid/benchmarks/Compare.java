package io.braid.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Braid↔Braid against js↔js in one run, with ratios: perf up/down over Noise (1 stream; 8 streams on 1, 2
 * and 3 connections) and over TLS (1 stream; 8 streams on 1 and 3 connections), ping RTT p50/p99 on an open
 * stream, connection set-up rate (Noise and TLS) and memory per idle connection; Braid on this JVM's JDK
 * and on every newer JDK found under {@code /usr/lib/jvm}.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.braid.benchmarks.Compare [--rounds R] [--mib M]
 *     [--pings N] [--setup N] [--idle N] [--security noise,tls] [--js-dir interop-tests/js] [--no-js]</pre>
 *
 * <p>Braid's TLS runs on the transport's default provider (BoringSSL where it loads), js's on
 * {@code @libp2p/tls}. Besides Braid ÷ js of each row, a second table gives each Braid TLS row divided by
 * js's Noise row of the same shape (the target for TLS is stated against both).
 *
 * <p>Each round runs every side once, interleaved (Braid on each JDK, then js, then the next round), each
 * Braid side in a fresh JVM ({@link CompareBraid}) and each js case in fresh node processes (a
 * {@code peer.mjs listen} and a {@code peer.mjs dial} with the benchmark options of {@code perf.mjs}); the
 * table shows medians over the rounds and the ratio Braid ÷ js of each. The load average is printed
 * before and after: on a shared machine, compare the ratios of one run, not runs.
 */
public final class Compare {
  private static final long MIB = 1024 * 1024;
  private static final Pattern METRIC = Pattern.compile("^METRIC (\\S+) (\\S+)$");
  private static final Pattern JSON_NUMBER = Pattern.compile("\"(\\w+)\":(-?[0-9.eE+-]+)");

  private Compare() {}

  public static void main(String[] args) throws Exception {
    int rounds = 3;
    long mib = 64;
    int pings = 1000;
    int setups = 200;
    int idle = 1000;
    String jsDir = "interop-tests/js";
    String security = "noise,tls";
    boolean js = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--mib" -> mib = Long.parseLong(args[++i]);
        case "--pings" -> pings = Integer.parseInt(args[++i]);
        case "--setup" -> setups = Integer.parseInt(args[++i]);
        case "--idle" -> idle = Integer.parseInt(args[++i]);
        case "--js-dir" -> jsDir = args[++i];
        case "--security" -> security = args[++i];
        case "--no-js" -> js = false;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    String jar = Paths.get(Compare.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    List<Path> jdks = jdks();
    Path peer = Paths.get(jsDir, "peer.mjs");
    if (js && !(Files.exists(peer) && Files.isDirectory(Paths.get(jsDir, "node_modules")))) {
      System.out.println("no js peer at " + peer + " with node_modules (run the interop-tests build or npm ci"
          + " there); js columns skipped");
      js = false;
    }
    System.out.printf(Locale.ROOT, "Compare %s: %d rounds, %d MiB per perf case and direction, load %s, %d cpus, %s%n",
        LocalDate.now(), rounds, mib, loadAverage(), Runtime.getRuntime().availableProcessors(), cpuModel());
    List<String> columns = new ArrayList<>();
    Map<String, Map<String, List<Double>>> values = new TreeMap<>(); // metric -> column -> samples
    for (int r = 1; r <= rounds; r++) {
      for (Path jdk : jdks) {
        String column = "Braid " + javaVersion(jdk);
        if (!columns.contains(column)) {
          columns.add(column);
        }
        List<String> cmd = List.of(jdk.toString(), "-cp", jar, CompareBraid.class.getName(),
            "--mib", Long.toString(mib), "--pings", Integer.toString(pings), "--setup", Integer.toString(setups),
            "--idle", Integer.toString(idle), "--security", security);
        System.out.printf(Locale.ROOT, "round %d: %s (load %s)%n", r, column, loadAverage());
        for (String line : run(cmd, 600)) {
          Matcher m = METRIC.matcher(line);
          if (m.matches()) {
            add(values, m.group(1), column, Double.parseDouble(m.group(2)));
          }
        }
      }
      if (js) {
        String column = "js";
        if (!columns.contains(column)) {
          columns.add(column);
        }
        System.out.printf(Locale.ROOT, "round %d: js (load %s)%n", r, loadAverage());
        runJs(peer, mib, pings, setups, Math.min(idle, 800), List.of(security.split(",")), values);
      }
    }
    System.out.printf(Locale.ROOT, "%nload after: %s%n%n", loadAverage());
    print(values, columns);
  }

  private static void add(Map<String, Map<String, List<Double>>> values, String metric, String column, double v) {
    values.computeIfAbsent(metric, k -> new LinkedHashMap<>()).computeIfAbsent(column, k -> new ArrayList<>()).add(v);
  }

  /** The js cases: one listener per round, one dialer per case. */
  private static void runJs(Path peer, long mib, int pings, int setups, int idle, List<String> securities,
      Map<String, Map<String, List<Double>>> values) throws Exception {
    Process listener = new ProcessBuilder("node", peer.toString(), "listen", "--security", String.join(",", securities))
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(listener.getInputStream(), StandardCharsets.UTF_8));
      String address = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (address == null && System.nanoTime() < deadline) {
        String line = out.readLine();
        if (line == null) {
          throw new IOException("js listener exited");
        }
        if (line.startsWith("LISTEN ")) {
          address = line.substring(7).trim();
        }
      }
      Thread drain = new Thread(() -> {
        try {
          while (out.readLine() != null) {
            // discard events
          }
        } catch (IOException ignored) {
          // listener gone
        }
      });
      drain.setDaemon(true);
      drain.start();
      boolean first = true;
      for (String security : securities) {
        // Warm-up, as the Braid side does.
        jsDial(peer, address, "--security", security, "--perf-streams", "1", "--perf-upload",
            Long.toString(mib / 2 * MIB), "--perf-download", Long.toString(mib / 2 * MIB));
        int[][] shapes = security.equals("noise")
            ? new int[][] {{1, 1}, {8, 1}, {8, 2}, {8, 3}}
            : new int[][] {{1, 1}, {8, 1}, {8, 3}};
        for (int[] shape : shapes) {
          long each = mib * MIB / shape[0];
          String json = jsDial(peer, address, "--security", security, "--connections", Integer.toString(shape[1]),
              "--perf-streams", Integer.toString(shape[0]), "--perf-upload", Long.toString(each),
              "--perf-download", Long.toString(each));
          Map<String, Double> n = numbers(json);
          double total = (double) each * shape[0] / MIB;
          String tag = shape[0] + "x" + shape[1];
          if (n.containsKey("uploadMs")) {
            add(values, "perf." + security + ".up." + tag, "js", total / (n.get("uploadMs") / 1e3));
            add(values, "perf." + security + ".down." + tag, "js", total / (n.get("downloadMs") / 1e3));
          }
        }
        Map<String, Double> n = first
            ? numbers(jsDial(peer, address, "--security", security, "--stream-pings", Integer.toString(pings),
                "--setup", Integer.toString(setups), "--idle", Integer.toString(idle)))
            : numbers(jsDial(peer, address, "--security", security, "--setup", Integer.toString(setups)));
        if (n.containsKey("p50Ms")) {
          add(values, "ping.p50", "js", n.get("p50Ms") * 1e3);
          add(values, "ping.p99", "js", n.get("p99Ms") * 1e3);
        }
        if (n.containsKey("perSecond")) {
          add(values, security.equals("noise") ? "setup.rate" : "setup." + security + ".rate", "js",
              n.get("perSecond"));
        }
        if (n.containsKey("bytesPerConnection")) {
          add(values, "idle.bytes", "js", n.get("bytesPerConnection"));
        }
        first = false;
      }
    } finally {
      listener.getOutputStream().close();
      if (!listener.waitFor(10, TimeUnit.SECONDS)) {
        listener.destroyForcibly();
      }
    }
  }

  private static String jsDial(Path peer, String address, String... options) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("node", "--expose-gc", peer.toString(), "dial", address,
        "--timeout-ms", "300000"));
    cmd.addAll(List.of(options));
    List<String> lines = run(cmd, 320);
    for (String line : lines) {
      if (line.startsWith("{")) {
        if (!line.contains("\"ok\":true")) {
          System.out.println("js dial failed: " + line);
        }
        return line;
      }
    }
    System.out.println("js dial printed no result: " + lines);
    return "{}";
  }

  /** Every "name":number pair of a flat-enough JSON line (later ones win). */
  private static Map<String, Double> numbers(String json) {
    Map<String, Double> out = new LinkedHashMap<>();
    Matcher m = JSON_NUMBER.matcher(json);
    while (m.find()) {
      out.put(m.group(1), Double.parseDouble(m.group(2)));
    }
    return out;
  }

  private static List<String> run(List<String> cmd, int timeoutSeconds) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    p.getOutputStream().close();
    List<String> lines = new ArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (lines) {
            lines.add(line);
          }
        }
      } catch (IOException ignored) {
        // process gone
      }
    });
    reader.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      System.out.println("timed out: " + String.join(" ", cmd));
    }
    reader.join(5000);
    synchronized (lines) {
      return new ArrayList<>(lines);
    }
  }

  private static void print(Map<String, Map<String, List<Double>>> values, List<String> columns) {
    List<String> braid = columns.stream().filter(c -> c.startsWith("Braid")).toList();
    boolean js = columns.contains("js");
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "| %-22s |", "metric (median)"));
    StringBuilder rule = new StringBuilder("|------------------------|");
    for (String c : columns) {
      head.append(String.format(Locale.ROOT, " %12s |", c));
      rule.append("-------------:|");
    }
    if (js) {
      for (String c : braid) {
        head.append(String.format(Locale.ROOT, " %14s |", c.substring(6) + " ÷ js"));
        rule.append("---------------:|");
      }
    }
    System.out.println(head);
    System.out.println(rule);
    for (Map.Entry<String, Map<String, List<Double>>> e : values.entrySet()) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %-22s |", label(e.getKey())));
      for (String c : columns) {
        List<Double> v = e.getValue().get(c);
        row.append(v == null ? String.format(Locale.ROOT, " %12s |", "") : String.format(Locale.ROOT, " %12.1f |", median(v)));
      }
      if (js) {
        List<Double> j = e.getValue().get("js");
        for (String c : braid) {
          List<Double> b = e.getValue().get(c);
          row.append(j == null || b == null ? String.format(Locale.ROOT, " %14s |", "")
              : String.format(Locale.ROOT, " %13.2f× |", median(b) / median(j)));
        }
      }
      System.out.println(row);
    }
    if (js && !braid.isEmpty()) {
      printTlsAgainstJsNoise(values, braid);
    }
    System.out.println();
    System.out.println("perf.*: MiB/s of payload (higher is better; noise, tls = the security protocol); ping.*: µs per"
        + " round trip on an open stream (lower is better); setup.rate (Noise), setup.tls.rate: connections/s (TCP"
        + " + security + Yamux + one stream; higher is better); idle.bytes: bytes per idle connection end after GC (heap + direct for"
        + " Braid, V8 heap + external for js; lower is better); chacha.limit: one core sealing Noise frames with"
        + " the JDK's ChaCha20-Poly1305, MiB/s.");
  }

  /** Each Braid TLS row divided by js's Noise row of the same shape (perf and set-up). */
  private static void printTlsAgainstJsNoise(Map<String, Map<String, List<Double>>> values, List<String> braid) {
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%n| %-22s |", "Braid TLS ÷ js Noise"));
    StringBuilder rule = new StringBuilder("|------------------------|");
    for (String c : braid) {
      head.append(String.format(Locale.ROOT, " %14s |", c.substring(6) + " TLS ÷ js noise"));
      rule.append("---------------:|");
    }
    List<String> rows = new ArrayList<>();
    for (Map.Entry<String, Map<String, List<Double>>> e : values.entrySet()) {
      String metric = e.getKey();
      String noise = metric.startsWith("perf.tls.") ? "perf.noise." + metric.substring("perf.tls.".length())
          : metric.equals("setup.tls.rate") ? "setup.rate" : null;
      List<Double> j = noise == null || !values.containsKey(noise) ? null : values.get(noise).get("js");
      if (j == null) {
        continue;
      }
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %-22s |", metric));
      for (String c : braid) {
        List<Double> b = e.getValue().get(c);
        row.append(b == null ? String.format(Locale.ROOT, " %14s |", "")
            : String.format(Locale.ROOT, " %13.2f× |", median(b) / median(j)));
      }
      rows.add(row.toString());
    }
    if (rows.isEmpty()) {
      return;
    }
    System.out.println(head);
    System.out.println(rule);
    rows.forEach(System.out::println);
  }

  private static String label(String metric) {
    return metric;
  }

  private static double median(List<Double> v) {
    List<Double> s = v.stream().sorted().toList();
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  /** This JVM's java, then each JDK under /usr/lib/jvm with a higher feature version than this one. */
  static List<Path> jdks() throws IOException {
    List<Path> out = new ArrayList<>();
    Path self = Paths.get(System.getProperty("java.home"), "bin", "java");
    out.add(self);
    int mine = Runtime.version().feature();
    Path root = Paths.get("/usr/lib/jvm");
    if (Files.isDirectory(root)) {
      Map<Integer, Path> newer = new TreeMap<>();
      try (Stream<Path> dirs = Files.list(root)) {
        for (Path d : dirs.toList()) {
          Path java = d.resolve("bin/java");
          Path release = d.resolve("release");
          if (!Files.isExecutable(java) || !Files.exists(release) || Files.isSymbolicLink(d)) {
            continue;
          }
          Matcher m = Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(Files.readString(release));
          if (m.find() && Integer.parseInt(m.group(1)) > mine) {
            newer.putIfAbsent(Integer.parseInt(m.group(1)), java);
          }
        }
      }
      out.addAll(newer.values());
    }
    return out;
  }

  private static String javaVersion(Path java) throws IOException {
    Path release = java.getParent().getParent().resolve("release");
    if (Files.exists(release)) {
      Matcher m = Pattern.compile("JAVA_VERSION=\"([^\"]+)\"").matcher(Files.readString(release));
      if (m.find()) {
        return "JDK " + m.group(1).split("\\.")[0];
      }
    }
    return "JDK " + Runtime.version().feature();
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Paths.get("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static String cpuModel() {
    try (Stream<String> lines = Files.lines(Paths.get("/proc/cpuinfo"))) {
      return lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.replaceAll(".*:\\s*", ""))
          .orElse("?");
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }
}
