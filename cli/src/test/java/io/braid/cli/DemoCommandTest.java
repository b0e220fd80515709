package io.braid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("braid demo, run in-process over loopback TCP")
class DemoCommandTest {
  private static CliRun run;

  @BeforeAll
  static void runTheDemoOnce() {
    run = assertTimeoutPreemptively(Duration.ofSeconds(90), () -> CliRun.of("demo"));
  }

  /** The text of section {@code n}, from its heading to the next one. */
  private static String section(int n) {
    int start = run.out().indexOf("== " + n + ". ");
    assertTrue(start >= 0, () -> "no section " + n + " in:\n" + run.out());
    int end = run.out().indexOf("\n== ", start + 1);
    return end < 0 ? run.out().substring(start) : run.out().substring(start, end);
  }

  /** The stream counts of the table rows for open/closed connections in {@code text}, in order. */
  private static List<Integer> streamCounts(String text) {
    List<Integer> counts = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^\\s+\\S+\\s+(open|closed)\\s+(\\d+)\\s").matcher(text);
    while (m.find()) {
      counts.add(Integer.parseInt(m.group(2)));
    }
    return counts;
  }

  @Test
  void succeedsWithNothingOnStandardError() {
    assertEquals(0, run.exitCode(), run.err());
    assertEquals("", run.err());
    assertTrue(run.out().contains("Done in "), run.out());
  }

  @Test
  void dialsThreeTcpConnectionsToOneAddress() {
    String s = section(1);
    assertTrue(s.contains("=> one address, 3 connections (B sees 3)"), s);
    Matcher remotes = Pattern.compile("OUTBOUND\\s+/ip4/127\\.0\\.0\\.1/tcp/\\d+\\s+(/ip4/127\\.0\\.0\\.1/tcp/\\d+)")
        .matcher(s);
    List<String> seen = new ArrayList<>();
    while (remotes.find()) {
      seen.add(remotes.group(1));
    }
    assertEquals(3, seen.size(), s);
    assertEquals(1, seen.stream().distinct().count(), s);
  }

  @Test
  void roundRobinPutsOneHundredStreamsOnEachOfTheThreeConnections() {
    String s = section(2);
    assertTrue(s.contains("300 streams echoed and verified"), s);
    assertEquals(List.of(100, 100, 100), streamCounts(s), s);
  }

  @Test
  void leastLoadedAvoidsTheConnectionWithPinnedStreams() {
    String s = section(3);
    Matcher m = Pattern.compile("(?m)^\\s+\\S+\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)$").matcher(s);
    List<int[]> rows = new ArrayList<>();
    while (m.find()) {
      rows.add(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))});
    }
    assertEquals(3, rows.size(), s);
    assertEquals(30, rows.get(0)[0], s);
    assertTrue(rows.get(0)[1] <= 1, s);
    assertEquals(60, rows.stream().mapToInt(r -> r[1]).sum(), s);
    for (int[] r : rows) {
      assertTrue(Math.abs(r[2] - 30) <= 1, s);
    }
  }

  @Test
  void streamsAfterClosingAConnectionGoOnlyToTheOthers() {
    String s = section(4);
    assertTrue(s.contains("A now holds 2 connections to B"), s);
    assertEquals(List.of(15, 0, 15), streamCounts(s), s);
    assertTrue(Pattern.compile("(?m)^\\s+\\S+\\s+closed\\s+0\\s").matcher(s).find(), s);
  }

  @Test
  void retriesALatePortWithBackoffUntilItListens() {
    String s = section(5);
    assertTrue(s.contains("waits of 50, 100, 200, 400, 800, 1000 ms"), s);
    assertTrue(s.contains("failed: "), s);
    int startsListening = s.indexOf("C starts listening");
    int firstFailure = s.indexOf("failed: ");
    int connected = s.indexOf("connected: ");
    assertTrue(firstFailure >= 0 && firstFailure < startsListening && startsListening < connected, s);
    Matcher m = Pattern.compile("=> (\\d+) failed dials, then 3 connections to C").matcher(s);
    assertTrue(m.find(), s);
    assertTrue(Integer.parseInt(m.group(1)) >= 1, s);
  }

  @Test
  void showsTheBackwardCompatibleViews() {
    String s = section(6);
    assertTrue(Pattern.compile("A\\.getConnection\\(B\\)\\s+= \\S+").matcher(s).find(), s);
    assertTrue(Pattern.compile("A\\.connectionsLegacy\\(\\)\\s+= \\{B=\\S+, C=\\S+}").matcher(s).find(), s);
    assertTrue(Pattern.compile("A\\.getConnectionsMap\\(\\)\\s+= \\{B=\\[\\S+, \\S+], C=\\[\\S+, \\S+, \\S+]}")
        .matcher(s).find(), s);
    assertTrue(s.contains("A.getConnections()     = 5 connections in all"), s);
  }

  @Test
  @DisplayName("7. keep-N replaces a connection the server dropped, reporting belowTarget once and targetRestored")
  void keepNReplacesADroppedConnection() {
    String s = section(7);
    assertTrue(s.contains("K: belowTarget(S, 2 of 3)"), s);
    Matcher m = Pattern.compile("K: targetRestored\\(S, 3, took (\\d+) ms\\)").matcher(s);
    assertTrue(m.find(), s);
    assertTrue(s.indexOf("S drops its end") < s.indexOf("belowTarget") && s.indexOf("belowTarget") < m.start(), s);
    assertTrue(Pattern.compile("=> K is back at 3 connections \\d+ ms after the drop").matcher(s).find(), s);
  }

  @Test
  @DisplayName("8. the ewma balancer gives the connection made slow at most 20% of new streams")
  void ewmaSteersAroundTheSlowConnection() {
    String s = section(8);
    Matcher m = Pattern.compile("(?m)^\\s+\\S+\\s+slow\\s+[0-9.]+\\s+(\\d+)\\s+[0-9.]+%$").matcher(s);
    assertTrue(m.find(), s);
    int onSlow = Integer.parseInt(m.group(1));
    assertTrue(onSlow <= SelfCareScenes.STEERED_STREAMS / 5, s);
    Matcher fast = Pattern.compile("(?m)^\\s+\\S+\\s+fast\\s+[0-9.]+\\s+(\\d+)\\s").matcher(s);
    int total = onSlow;
    while (fast.find()) {
      total += Integer.parseInt(fast.group(1));
    }
    assertEquals(SelfCareScenes.STEERED_STREAMS, total, s);
  }

  @Test
  @DisplayName("9. a drain with streams in flight fails none, and keep-N opens the replacement before it closes")
  void drainFailsNoStream() {
    String s = section(9);
    assertTrue(s.contains("=> 24 of 24 streams finished with every byte echoed and checked (24 MiB), 0 failed"), s);
    Matcher drained = Pattern.compile("K\\.drain\\((\\S+)\\)").matcher(s);
    assertTrue(drained.find(), s);
    String victim = drained.group(1);
    int opened = s.indexOf("K: connectionOpened(");
    int closed = s.indexOf("K: connectionClosed(" + victim);
    assertTrue(opened > 0 && closed > opened, s);
    assertTrue(s.contains("none to " + victim), s);
  }

  @Test
  void closesEverySwarmAndReleasesEverySlot() {
    assertTrue(section(10).contains("connection slots still in use: 0"), section(10));
  }

  @Test
  void withJsonPrintsOnlyOneObjectWithTheCheckedFigures() {
    CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(90), () -> CliRun.of("demo", "--json"));
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().startsWith("{") && r.out().strip().endsWith("}"), r.out());
    assertEquals(1, r.out().strip().lines().count(), r.out());
    assertEquals("true", r.field("ok"));
    assertTrue(r.field("round_robin").matches("\\{\"[^\"]+\":100,\"[^\"]+\":100,\"[^\"]+\":100}"),
        r.field("round_robin"));
    assertTrue(r.field("new_streams").matches("\\{\"[^\"]+\":15,\"[^\"]+\":0,\"[^\"]+\":15}"),
        r.field("new_streams"));
    assertTrue(Integer.parseInt(r.field("failed_dials")) >= 1, r.out());
    assertEquals("5", r.field("getConnectionsMap"));
    assertEquals("0", r.field("failed"), "no stream failed in the drain");
    assertTrue(Double.parseDouble(r.field("slow_share")) <= 0.2, r.out());
    assertEquals("true", r.field("replacement_first"));
    assertTrue(Double.parseDouble(r.field("replaced_ms")) > 0, r.out());
  }
}
