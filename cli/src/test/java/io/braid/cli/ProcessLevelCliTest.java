package io.braid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The CLI as a user meets it: every command in its own JVM process (the same main class the shaded jar
 * runs), talking over loopback TCP to a `braid listen` process, checked through `--json` and exit codes.
 * Every wait is bounded and every process is destroyed at the end.
 */
@DisplayName("braid commands as separate processes")
class ProcessLevelCliTest {
  private static final long WAIT_SECONDS = 60;
  private static Process listener;
  private static String address;
  private static final List<String> listenerLines = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeAll
  static void startListener() throws Exception {
    listener = braid("listen", "--port", "0", "--max-conns-per-peer", "4").start();
    CompletableFuture<String> listen = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(listener.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          listenerLines.add(line);
          if (line.startsWith("LISTEN ")) {
            listen.complete(line.substring("LISTEN ".length()).trim());
          }
        }
        listen.completeExceptionally(new IllegalStateException("listener exited: " + listenerLines));
      } catch (IOException e) {
        listen.completeExceptionally(e);
      }
    }, "braid-listen-reader");
    reader.setDaemon(true);
    reader.start();
    address = listen.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertTrue(address.contains("/p2p/12D3KooW"), address);
  }

  @AfterAll
  static void stopListener() throws Exception {
    if (listener != null) {
      listener.destroy(); // SIGTERM: the listener shuts down
      if (!listener.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
        listener.destroyForcibly();
        fail("braid listen did not stop on SIGTERM");
      }
    }
  }

  @Test
  void pingReportsOneRoundTripPerRequestOverThreeConnections() throws Exception {
    Result r = run("ping", address, "--count", "3", "--connections", "3", "--json");
    assertEquals(0, r.exit, r.toString());
    assertTrue(r.out.contains("\"ok\":true"), r.toString());
    assertTrue(r.out.contains("\"connections\":3"), r.toString());
  }

  @Test
  void echoVerifiesEveryByteOnEightStreams() throws Exception {
    Result r = run("echo", address, "--bytes", "256KiB", "--streams", "8", "--connections", "3", "--json");
    assertEquals(0, r.exit, r.toString());
    assertTrue(r.out.contains("\"ok\":true"), r.toString());
  }

  @Test
  void perfMovesExactlyWhatWasAskedEachWay() throws Exception {
    Result r = run("perf", address, "--upload", "4MiB", "--download", "2MiB", "--streams", "2", "--json");
    assertEquals(0, r.exit, r.toString());
    assertTrue(r.out.contains("\"ok\":true"), r.toString());
    assertTrue(r.out.contains("\"upload_bytes\":8388608"), r.toString());
    assertTrue(r.out.contains("\"download_bytes\":4194304"), r.toString());
  }

  @Test
  void connsOpensTheRequestedConnections() throws Exception {
    Result r = run("conns", address, "--count", "3", "--json");
    assertEquals(0, r.exit, r.toString());
    assertTrue(r.out.contains("\"ok\":true"), r.toString());
  }

  @Test
  void anUnreachablePeerFailsWithOneLineAndANonZeroExit() throws Exception {
    String dead = address.replaceFirst("/tcp/\\d+/", "/tcp/1/");
    Result r = run("ping", dead, "--count", "1", "--timeout", "5");
    assertTrue(r.exit != 0, r.toString());
    assertEquals(1, r.err.strip().lines().count(), "one line, no stack trace: " + r);
  }

  @Test
  void theDemoRunsEndToEndAndSpreadsThreeHundredStreamsEvenly() throws Exception {
    Result r = run("demo", "--json");
    assertEquals(0, r.exit, r.toString());
    assertTrue(r.out.matches("(?s).*\"round_robin\":\\{\"[^\"]+\":100,\"[^\"]+\":100,\"[^\"]+\":100\\}.*"),
        r.toString());
  }

  @Test
  void sigtermStopsListenCleanlyWithASummaryOfWhatItServed() throws Exception {
    Live l = Live.start(braid("listen", "--port", "0"));
    String line = l.await(s -> s.startsWith("LISTEN "));
    String own = line.substring("LISTEN ".length()).trim();
    Result ping = run("ping", own, "--count", "2", "--json");
    assertEquals(0, ping.exit, ping.toString());
    List<String> lines = l.terminate();
    assertEquals(0, l.process.exitValue(), lines.toString());
    int i = lines.indexOf("--- braid listen statistics ---");
    assertTrue(i >= 0, lines.toString());
    assertTrue(lines.get(i + 1).matches("1 connections from 1 peers, 0 streams served \\(echo 0, perf 0\\), up [\\d.]+ s"),
        lines.toString());
  }

  @Test
  void sigtermDuringALongPingPrintsTheStatisticsSoFar() throws Exception {
    Live p = Live.start(braid("ping", address, "--count", "100000"));
    p.await(s -> s.startsWith("PING ") && s.contains("seq=3 "));
    List<String> lines = p.terminate();
    assertEquals(0, p.process.exitValue(), lines.toString());
    String peer = address.substring(address.indexOf("/p2p/") + 5);
    int i = lines.indexOf("--- " + peer + " ping statistics ---");
    assertTrue(i >= 0, lines.toString());
    assertTrue(lines.get(i + 1).matches("\\d+ pings transmitted, \\d+ received, \\d+% loss, time \\d+ ms"),
        lines.get(i + 1));
    assertTrue(lines.get(i + 2).startsWith("rtt min/avg/max/mdev = "), lines.toString());
    assertTrue(lines.get(i + 3).startsWith("p50/p99 = "), lines.toString());
  }

  /**
   * A running process whose standard output and error go to a file: {@link Process#destroy()} closes the
   * pipes to the process, so what it prints while stopping is only seen through a file.
   */
  private record Live(Process process, Path output) {
    static Live start(ProcessBuilder pb) throws IOException {
      Path out = java.nio.file.Files.createTempFile("braid-live", ".txt");
      out.toFile().deleteOnExit();
      return new Live(pb.redirectErrorStream(true).redirectOutput(out.toFile()).start(), out);
    }

    List<String> lines() throws IOException {
      return java.nio.file.Files.readAllLines(output, StandardCharsets.UTF_8);
    }

    /** The first line matching {@code p}, waiting at most {@link #WAIT_SECONDS} (a bounded poll of the file). */
    String await(java.util.function.Predicate<String> p) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (System.nanoTime() < deadline) {
        for (String s : lines()) {
          if (p.test(s)) {
            return s;
          }
        }
        if (!process.isAlive()) {
          break;
        }
        Thread.sleep(20);
      }
      process.destroyForcibly();
      return fail("no matching line in " + lines());
    }

    /** Sends SIGTERM and waits for the exit; returns every line printed. */
    List<String> terminate() throws Exception {
      process.destroy(); // SIGTERM runs the shutdown hooks, as Ctrl-C (SIGINT) does
      if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("did not stop on SIGTERM: " + lines());
      }
      List<String> lines = lines();
      java.nio.file.Files.deleteIfExists(output);
      return lines;
    }
  }

  private record Result(int exit, String out, String err) {}

  private static Result run(String... args) throws Exception {
    Path outFile = java.nio.file.Files.createTempFile("braid-out", ".txt");
    Path errFile = java.nio.file.Files.createTempFile("braid-err", ".txt");
    try {
      Process p = braid(args).redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
      if (!p.waitFor(WAIT_SECONDS * 2, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("braid " + String.join(" ", args) + " did not finish in time");
      }
      return new Result(p.exitValue(), java.nio.file.Files.readString(outFile),
          java.nio.file.Files.readString(errFile));
    } finally {
      java.nio.file.Files.deleteIfExists(outFile);
      java.nio.file.Files.deleteIfExists(errFile);
    }
  }

  private static ProcessBuilder braid(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // What bin/braid and the jar's manifest give the JVM, so that a newer JDK prints no warnings either.
    if (Runtime.version().feature() >= 22) {
      cmd.add("--enable-native-access=ALL-UNNAMED");
    }
    if (Runtime.version().feature() >= 23) {
      cmd.add("--sun-misc-unsafe-memory-access=allow");
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Braid.class.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd);
  }
}
