package demo.braid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.InboundConnectionHandler;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.TransportContext;
import io.braid.testkit.MemoryNetwork;
import io.braid.testkit.MemoryTransport;
import io.braid.testkit.TestIdentity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Runs the whole tour once on the in-memory transport, in this process, and reads its output the way a
 * newcomer would: the tables and lines it prints must show what each section claims. (The same tour over
 * TCP is checked by the cli's {@code DemoCommandTest}.)
 */
@DisplayName("The swarm demo")
class SwarmDemoTest {
  private static final Pattern STREAM_ROW =
      Pattern.compile("^\\s+(mem-\\S+)\\s+(open|closed)\\s+(\\d+)\\s+\\d+\\.\\d%", Pattern.MULTILINE);
  private static final Pattern CONNECTION_ROW =
      Pattern.compile("^\\s+\\d\\s+(mem-\\S+)\\s+(OUTBOUND|INBOUND)\\s+(\\S+)\\s+(\\S+)$", Pattern.MULTILINE);
  private static final Pattern ATTEMPT =
      Pattern.compile("^\\s+\\+\\s*(\\d+) ms\\s+dial #\\d+ to \\S+ (failed|connected)", Pattern.MULTILINE);

  private static String output;
  private static String errors;
  private static int exitCode;

  @BeforeAll
  static void runTheDemoOnce() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    exitCode = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
          PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
        return SwarmDemo.runAndReport(o, e, new MemoryNetwork());
      }
    }, "the demo must finish within 60 s");
    output = out.toString(StandardCharsets.UTF_8);
    errors = err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void finishesWithExitCodeZeroAndNothingOnStandardError() {
    assertEquals(0, exitCode, () -> "stderr:\n" + errors + "\nstdout:\n" + output);
    assertEquals("", errors);
    assertTrue(output.contains("connection slots still in use: 0"), output);
  }

  @Test
  void showsThreeOutboundConnectionsToOneAddress() {
    String s = section(1);
    Matcher m = CONNECTION_ROW.matcher(s);
    List<String> remotes = new ArrayList<>();
    while (m.find()) {
      assertEquals("OUTBOUND", m.group(2), s);
      remotes.add(m.group(4));
    }
    assertEquals(3, remotes.size(), s);
    assertEquals(1, remotes.stream().distinct().count(), "all three to B's one address:\n" + s);
    assertTrue(s.contains("B listens on " + remotes.get(0) + " "), "the one address is the one B listens on:\n" + s);
    assertTrue(s.contains("=> one address, 3 connections (B sees 3)"), s);
  }

  @Test
  void roundRobinTablePutsExactlyOneHundredStreamsOnEachConnection() {
    Map<String, Integer> table = streamTable(section(2));
    assertEquals(List.of(100, 100, 100), new ArrayList<>(table.values()), section(2));
  }

  @Test
  void leastLoadedPlacesNewStreamsOnTheIdleConnectionsUntilTheLoadIsEven() {
    String s = section(3);
    Matcher m = Pattern.compile("^\\s+(mem-\\S+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)$", Pattern.MULTILINE).matcher(s);
    List<int[]> rows = new ArrayList<>();
    while (m.find()) {
      rows.add(new int[] {Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4))});
    }
    assertEquals(3, rows.size(), s);
    assertEquals(30, rows.get(0)[0], "pinned on the first connection:\n" + s);
    assertEquals(0, rows.get(0)[1], "least_loaded must avoid the loaded connection:\n" + s);
    assertEquals(30, rows.get(1)[1], s);
    assertEquals(30, rows.get(2)[1], s);
    for (int[] r : rows) {
      assertEquals(30, r[2], "open streams per connection:\n" + s);
    }
  }

  @Test
  void afterClosingOneConnectionNewStreamsGoOnlyToTheOtherTwo() {
    String s = section(4);
    Matcher m = STREAM_ROW.matcher(s);
    int closedRows = 0;
    List<Integer> open = new ArrayList<>();
    while (m.find()) {
      int n = Integer.parseInt(m.group(3));
      if (m.group(2).equals("closed")) {
        closedRows++;
        assertEquals(0, n, s);
      } else {
        open.add(n);
      }
    }
    assertEquals(1, closedRows, s);
    assertEquals(List.of(15, 15), open, s);
    assertTrue(s.contains("A now holds 2 connections to B"), s);
  }

  @Test
  void retrySectionShowsFailedDialsFirstThenConnectsWithBackoff() {
    String s = section(5);
    Matcher m = ATTEMPT.matcher(s);
    List<String> outcomes = new ArrayList<>();
    List<Integer> failedAt = new ArrayList<>();
    while (m.find()) {
      outcomes.add(m.group(2));
      if (m.group(2).equals("failed")) {
        failedAt.add(Integer.parseInt(m.group(1)));
      }
    }
    assertFalse(failedAt.isEmpty(), "at least one failed dial:\n" + s);
    assertEquals("failed", outcomes.get(0), s);
    int firstSuccess = outcomes.indexOf("connected");
    assertTrue(firstSuccess > 0, "a success after the failures:\n" + s);
    assertEquals(3, outcomes.stream().filter("connected"::equals).count(), "three connections to C:\n" + s);
    int listening = s.indexOf("C starts listening");
    assertTrue(listening > 0 && listening < s.indexOf("connected: mem-"), "C listens before any success:\n" + s);
    // Retries wait: the last failure comes at least one initial delay (50 ms) after the first.
    if (failedAt.size() > 3) {
      assertTrue(failedAt.get(failedAt.size() - 1) - failedAt.get(0) >= 45, s);
    }
    assertTrue(s.contains("A.dialPeer(C) completed with 3 connections"), s);
    assertTrue(s.contains("A's listener: peerConnected(C)"), s);
  }

  @Test
  void legacyViewsShowOneConnectionPerPeerAndTheMapShowsThemAll() {
    String s = section(6);
    Matcher legacy = Pattern.compile("connectionsLegacy\\(\\)\\s+= \\{B=(mem-\\S+), C=(mem-\\S+)}").matcher(s);
    assertTrue(legacy.find(), s);
    assertTrue(s.contains("getConnection(B)     = " + legacy.group(1)), s);
    Matcher map = Pattern.compile("getConnectionsMap\\(\\)\\s+= \\{B=\\[([^]]*)], C=\\[([^]]*)]}").matcher(s);
    assertTrue(map.find(), s);
    assertEquals(2, map.group(1).split(", ").length, s);
    assertEquals(3, map.group(2).split(", ").length, s);
    assertTrue(map.group(1).startsWith(legacy.group(1)), "legacy = the oldest open connection:\n" + s);
  }

  @Test
  void exitsWithOneAndSaysWhatFailedWhenPeerCsAddressIsTakenByAStranger() throws Exception {
    MemoryNetwork crowded = new MemoryNetwork();
    // A stranger (not C) already listens on C's address and refuses every connection.
    MemoryTransport stranger = MemoryTransport.create(crowded,
        new TransportContext(TestIdentity.random(), protocol -> Optional.empty(), Duration.ofSeconds(5)));
    try {
      stranger.listen(Multiaddr.fromString("/memory/7001"), new InboundConnectionHandler() {
        @Override
        public boolean accept(Multiaddr remoteAddress) {
          return false;
        }

        @Override
        public void connected(NetConn connection) {
          connection.close();
        }

        @Override
        public void failed(Multiaddr remoteAddress, Throwable cause) {}
      }).get(5, TimeUnit.SECONDS);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
          return SwarmDemo.runAndReport(o, e, crowded);
        }
      });
      String message = err.toString(StandardCharsets.UTF_8);
      assertEquals(1, code, message);
      assertTrue(message.startsWith("swarm-demo FAILED: "), message);
      assertTrue(message.contains("/memory/7001"), "names the address at fault:\n" + message);
      assertTrue(out.toString(StandardCharsets.UTF_8).contains("== 5."), "it got as far as section 5");
    } finally {
      stranger.close();
    }
  }

  private static String section(int n) {
    int from = output.indexOf("\n== " + n + ".");
    assertTrue(from >= 0, () -> "no section " + n + " in:\n" + output);
    int to = output.indexOf("\n== ", from + 1);
    return output.substring(from, to < 0 ? output.length() : to);
  }

  /** connection id -> stream count, in table order. */
  private static Map<String, Integer> streamTable(String section) {
    Map<String, Integer> rows = new LinkedHashMap<>();
    Matcher m = STREAM_ROW.matcher(section);
    while (m.find()) {
      rows.put(m.group(1), Integer.parseInt(m.group(3)));
    }
    return rows;
  }
}
