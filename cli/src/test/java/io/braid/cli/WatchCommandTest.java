package io.braid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
@DisplayName("braid watch: a live table of the connections to a peer")
class WatchCommandTest {
  private static RunningListener listener;

  @BeforeAll
  static void startListener() throws Exception {
    listener = new RunningListener();
  }

  @AfterAll
  static void stopListener() throws Exception {
    if (listener != null) {
      listener.close();
    }
  }

  @Test
  @DisplayName("off a terminal it prints one table per refresh: every connection with RTT, health, streams, rates")
  void printsATablePerRefresh() {
    CliRun run = CliRun.of("watch", listener.address, "--connections", "3", "--count", "2", "--interval", "0.3",
        "--load", "3");
    assertEquals(0, run.exitCode(), run.err());
    List<String> heads = run.out().lines().filter(l -> l.startsWith("WATCH ")).toList();
    assertEquals(2, heads.size(), run.out());
    assertTrue(heads.get(0).contains("3 connections  balancer round_robin"), heads.get(0));
    assertFalse(run.out().contains("\033["), "no terminal escapes when output is not a terminal");
    // Rows: id, OUTBOUND, address, rtt, variance, health, streams, sent, received, age.
    Matcher rows = Pattern.compile("(?m)^\\s+(tcp-\\d+)\\s+OUTBOUND\\s+/ip4/127\\.0\\.0\\.1/tcp/\\d+\\s+([0-9.]+|-)\\s+"
        + "([0-9.]+|-)\\s+ok\\s+\\d+\\s+([0-9.]+)\\s+([0-9.]+)\\s+\\d+$").matcher(run.out());
    int n = 0;
    double sent = 0;
    while (rows.find()) {
      n++;
      sent += Double.parseDouble(rows.group(4));
    }
    assertEquals(6, n, run.out());
    assertTrue(sent > 0, "the echo load shows as throughput: " + run.out());
  }

  @Test
  @DisplayName("with --json it prints one object: each refresh's connections with measured RTTs, no stream failed")
  void jsonHasEveryRefresh() {
    CliRun run = CliRun.of("watch", listener.address, "--connections", "2", "--count", "3", "--interval", "0.3",
        "--load", "2", "--json");
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(1, run.out().strip().lines().count(), run.out());
    assertEquals("true", run.field("ok"));
    assertEquals("0", run.field("echo_streams_failed"));
    assertTrue(Long.parseLong(run.field("echo_streams_done")) > 0, run.out());
    String refreshes = run.field("refreshes");
    assertEquals(3, Pattern.compile("\"t_s\":").matcher(refreshes).results().count(), refreshes);
    assertEquals(6, Pattern.compile("\"health\":\"ok\"").matcher(refreshes).results().count(), refreshes);
    Matcher rtt = Pattern.compile("\"rtt_ms\":([0-9.]+)").matcher(refreshes);
    assertTrue(rtt.find(), "an RTT was measured by the keep-alive pings: " + refreshes);
  }

  @Test
  @DisplayName("bad values are usage errors before any dial")
  void badValues() {
    for (String[] args : List.of(
        new String[] {"--interval", "0.01"},
        new String[] {"--count", "-1"},
        new String[] {"--load", "5000"},
        new String[] {"--json"})) {
      String[] all = new String[args.length + 2];
      all[0] = "watch";
      all[1] = listener.address;
      System.arraycopy(args, 0, all, 2, args.length);
      CliRun run = CliRun.of(all);
      assertEquals(2, run.exitCode(), String.join(" ", args) + ": " + run.err());
      assertTrue(run.err().contains(args[0]), run.err());
    }
  }
}
