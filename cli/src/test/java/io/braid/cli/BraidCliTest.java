package io.braid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("braid against an in-process 'braid listen'")
class BraidCliTest {
  private static RunningListener listener;

  @BeforeAll
  static void startListener() throws Exception {
    listener = new RunningListener("--perf-max-download", "16MiB");
  }

  @AfterAll
  static void stopListener() throws Exception {
    if (listener != null) {
      listener.close();
    }
  }

  private static void assertOneLineWithoutStackTrace(CliRun run) {
    assertFalse(run.err().contains("\tat "), () -> "stack trace without --verbose: " + run.err());
    assertFalse(run.err().isBlank(), "no error message");
  }

  @Test
  void listenPrintsAMultiaddrEndingInItsPeerId() {
    assertTrue(listener.address.matches("/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/12D3KooW\\w+"), listener.address);
  }

  @Nested
  @DisplayName("client commands succeed with --json")
  class Success {
    @Test
    void pingSendsTheCountOverEveryConnectionAndIdentifiesThePeer() {
      CliRun run = CliRun.of("ping", listener.address, "--count", "4", "--connections", "2", "--json");
      assertEquals(0, run.exitCode(), run.err());
      assertEquals("true", run.field("ok"));
      assertEquals("2", run.field("connections"));
      assertEquals(4, run.field("rtt_ms").split(",").length, run.out());
      assertEquals("\"" + listener.address.substring(listener.address.indexOf("/p2p/") + 5) + "\"", run.field("peer"));
      assertTrue(run.field("agent").startsWith("\"braid"), run.out());
    }

    @Test
    void withoutSecurityTheDialerProposesTheTransportsDefaultFirst() {
      CliRun run = CliRun.of("ping", listener.address, "--count", "1", "--json");
      assertEquals(0, run.exitCode(), run.err());
      // TLS first where BoringSSL loads (TcpTransport.Builder.defaultSecurity), else Noise.
      assertEquals(io.braid.transport.tcp.TcpTransport.openSslAvailable() ? "\"tls\"" : "\"noise\"",
          run.field("security"));
    }

    @Test
    void securityChoosesTheProtocolTheDialerProposesFirst() {
      CliRun tls = CliRun.of("ping", listener.address, "--count", "1", "--security", "tls,noise", "--json");
      assertEquals(0, tls.exitCode(), tls.err());
      assertEquals("\"tls\"", tls.field("security"));
      CliRun noise = CliRun.of("ping", listener.address, "--count", "1", "--security", "noise", "--json");
      assertEquals(0, noise.exitCode(), noise.err());
      assertEquals("\"noise\"", noise.field("security"));
    }

    @Test
    void echoVerifiesEveryStreamAndSpreadsThemOverTheConnections() {
      CliRun run = CliRun.of("echo", listener.address, "--bytes", "1MiB", "--streams", "4", "--connections", "2",
          "--json");
      assertEquals(0, run.exitCode(), run.err());
      assertEquals("true", run.field("verified"));
      assertEquals(String.valueOf(4L << 20), run.field("total_bytes"));
      // Round robin over two connections: two streams each.
      String spread = run.field("streams_per_connection");
      assertEquals(2, spread.split(",").length, spread);
      assertTrue(spread.matches("\\{\"[^\"]+\":2,\"[^\"]+\":2}"), spread);
    }

    @Test
    void perfMovesTheExactSizesEachWayOnEveryStream() {
      CliRun run = CliRun.of("perf", listener.address, "--upload", "8MiB", "--download", "4MiB", "--streams", "2",
          "--connections", "2", "--balancer", "least_loaded", "--json");
      assertEquals(0, run.exitCode(), run.err());
      assertEquals(String.valueOf(16L << 20), run.field("upload_bytes"));
      assertEquals(String.valueOf(8L << 20), run.field("download_bytes"));
      assertTrue(Double.parseDouble(run.field("upload_gbps")) > 0, run.out());
      assertTrue(Double.parseDouble(run.field("download_gbps")) > 0, run.out());
      assertEquals("\"least_loaded\"", run.field("balancer"));
    }

    @Test
    void perfWithIntervalAndJsonReportsIntervalsThatAddUpToTheBytesMoved() {
      CliRun run = CliRun.of("perf", listener.address, "--upload", "8MiB", "--download", "8MiB", "--streams", "2",
          "--interval", "0.1", "--json");
      assertEquals(0, run.exitCode(), run.err());
      assertFalse(run.out().contains("INTERVAL"), "--json prints no text reports: " + run.out());
      assertEquals("", run.err(), "no progress line with --json");
      String intervals = run.field("intervals");
      long sent = sumOf(intervals, "sent_bytes");
      long received = sumOf(intervals, "received_bytes");
      // Each perf stream sends its 8-byte download size before the upload (perf.md).
      assertEquals((16L << 20) + 2 * 8, sent, intervals);
      assertEquals(16L << 20, received, intervals);
      assertTrue(intervals.matches("\\[\\{\"start\":0(\\.0+)?,.*"), intervals);
    }

    @Test
    void echoWithIntervalPrintsIperfStyleLinesAndWithoutItNone() {
      CliRun with = CliRun.of("echo", listener.address, "--bytes", "4MiB", "--streams", "2", "--interval", "0.1",
          "--progress", "never");
      assertEquals(0, with.exitCode(), with.err());
      List<String> lines = with.out().lines().filter(l -> l.startsWith("INTERVAL")).toList();
      assertFalse(lines.isEmpty(), with.out());
      for (String l : lines) {
        assertTrue(l.matches("INTERVAL +\\d+\\.\\d\\d-\\d+\\.\\d\\d +s  sent +\\S+ \\S+ +\\d+\\.\\d{3} Gbit/s"
            + "  received +\\S+ \\S+ +\\d+\\.\\d{3} Gbit/s"), l);
      }
      assertTrue(with.out().lines().anyMatch(l -> l.startsWith("ECHO 8.00 MiB verified on 2 streams")), with.out());
      assertEquals("", with.err());

      CliRun without = CliRun.of("echo", listener.address, "--bytes", "1MiB", "--progress", "never");
      assertEquals(0, without.exitCode(), without.err());
      assertFalse(without.out().contains("INTERVAL"), without.out());
      assertEquals("", without.err());
      assertFalse(CliRun.of("echo", listener.address, "--bytes", "1", "--json").out().contains("intervals"));
    }

    @Test
    void progressAlwaysDrawsALiveLineOnStandardErrorAndErasesIt() {
      CliRun run = CliRun.of("perf", listener.address, "--upload", "4MiB", "--download", "4MiB", "--progress",
          "always");
      assertEquals(0, run.exitCode(), run.err());
      // At least the first draw (at time 0) happens; the line is erased at the end, so stderr has no newline.
      assertTrue(run.err().startsWith("\rperf ") && run.err().contains("streams done"), run.err());
      assertFalse(run.err().contains("\n"), run.err());
      assertTrue(run.out().startsWith("PERF 1 streams"), "stdout keeps only the results: " + run.out());
    }

    @Test
    void perfWithZeroBytesEachWaySucceeds() {
      CliRun run = CliRun.of("perf", listener.address, "--upload", "0", "--download", "0", "--json");
      assertEquals(0, run.exitCode(), run.err());
      assertEquals("0", run.field("upload_bytes"));
    }

    @Test
    void connsOpensTheRequestedConnectionsAndTheListenerLogsTheCountPerPeer() throws Exception {
      CliRun run = CliRun.of("conns", listener.address, "--count", "3", "--json");
      assertEquals(0, run.exitCode(), run.err());
      assertEquals("3", run.field("opened"));
      assertEquals(3, run.field("connections").split("\"id\"").length - 1, run.out());
      assertNotNull(listener.awaitLine(l -> l.startsWith("CONN open ") && l.endsWith("(3 to this peer)")),
          "the listener logged no third connection of one peer");
    }

    @Test
    void connsExplainPrintsWhyThePeerHasItsConnectionsAfterTheList() {
      CliRun run = CliRun.of("conns", listener.address, "--count", "2", "--explain");
      assertEquals(0, run.exitCode(), run.err());
      List<String> lines = run.out().lines().toList();
      String peer = listener.address.substring(listener.address.indexOf("/p2p/") + 5);
      String addr = listener.address.substring(0, listener.address.indexOf("/p2p/"));
      assertEquals(11, lines.size(), run.out());
      assertEquals("2 of 2 connections open to " + peer, lines.get(2));
      assertEquals("peer " + peer + ": 2 connections, not kept (no keep target)", lines.get(3));
      assertEquals("connections:", lines.get(4));
      assertTrue(lines.get(5).matches("  \\S+ outbound " + addr), lines.get(5));
      assertTrue(lines.get(6).matches("  \\S+ outbound " + addr), lines.get(6));
      assertEquals("addresses:", lines.get(7));
      assertTrue(lines.get(8).matches("  " + addr + ": ok [\\d.]+ m?s ago"), lines.get(8));
      assertEquals("refused recently: nothing", lines.get(9));
      assertEquals("dials: 0 in flight to this peer, 0 waiting; 0 in flight in total (max 64), 0 queued", lines.get(10));
    }

    @Test
    void connsExplainJsonCarriesTheSameAsData() {
      CliRun run = CliRun.of("conns", listener.address, "--count", "1", "--explain", "--json");
      assertEquals(0, run.exitCode(), run.err());
      String explain = run.field("explain");
      assertTrue(explain.contains("\"keep\":\"none\",\"target\":0"), explain);
      assertTrue(explain.contains("\"last_result\":\"ok\",\"failure\":null"), explain);
      assertTrue(explain.contains("\"dials\":{\"peer_in_flight\":0,\"peer_queued\":0,\"in_flight\":0"), explain);
      assertTrue(explain.contains("\"text\":\"peer "), explain);
    }

    @Test
    void connsExplainOfAnUnreachableAddressSaysWhyOnStderr() {
      String peer = listener.address.substring(listener.address.indexOf("/p2p/") + 5);
      CliRun run = CliRun.of("conns", "/ip4/127.0.0.1/tcp/1/p2p/" + peer, "--count", "1", "--explain");
      assertEquals(ExitCodes.UNREACHABLE, run.exitCode(), run.err());
      assertTrue(run.err().contains("peer " + peer + ": 0 connections, not kept (no keep target)"), run.err());
      assertTrue(run.err().contains("dials: 0 in flight to this peer, 0 waiting; 0 in flight in total"), run.err());
      assertTrue(run.err().matches("(?s).*  /ip4/127.0.0.1/tcp/1: failed [\\d.]+ m?s ago \\(.+\\), \\d+ in a row, backoff .*"),
          run.err());
    }

    @Test
    void textOutputOfPingEndsWithPingsStatistics() {
      CliRun run = CliRun.of("ping", listener.address, "--count", "3");
      assertEquals(0, run.exitCode(), run.err());
      List<String> lines = run.out().lines().toList();
      assertEquals(8, lines.size(), run.out());
      String peer = listener.address.substring(listener.address.indexOf("/p2p/") + 5);
      assertEquals("--- " + peer + " ping statistics ---", lines.get(4));
      assertTrue(lines.get(5).matches("3 pings transmitted, 3 received, 0% loss, time \\d+ ms"), lines.get(5));
      assertTrue(lines.get(6).matches("rtt min/avg/max/mdev = [\\d.]+/[\\d.]+/[\\d.]+/[\\d.]+ ms"), lines.get(6));
      assertTrue(lines.get(7).matches("p50/p99 = [\\d.]+/[\\d.]+ ms"), lines.get(7));
    }

    @Test
    void pingsJsonCarriesTheSameFigures() {
      CliRun run = CliRun.of("ping", listener.address, "--count", "5", "--json");
      assertEquals(0, run.exitCode(), run.err());
      assertEquals("5", run.field("transmitted"));
      assertEquals("5", run.field("received"));
      assertEquals("0", run.field("loss_percent"));
      for (String k : new String[] {"min_ms", "avg_ms", "max_ms", "mdev_ms", "p50_ms", "p99_ms", "time_ms"}) {
        assertTrue(Double.parseDouble(run.field(k)) >= 0, k);
      }
    }
  }

  @Nested
  @DisplayName("failures are one clear line and a non-zero exit")
  class Failures {
    @Test
    void aMalformedMultiaddrIsAUsageError() {
      CliRun run = CliRun.of("ping", "/ip4/1.2.3/tcp/1");
      assertEquals(Braid.USAGE, run.exitCode());
      assertTrue(run.err().startsWith("braid ping: "), run.err());
      assertTrue(run.err().contains("is not a multiaddr"), run.err());
      assertOneLineWithoutStackTrace(run);
    }

    @Test
    void anUnknownOrRepeatedSecurityProtocolIsAUsageError() {
      CliRun quic = CliRun.of("ping", listener.address, "--security", "tls,quic");
      assertEquals(Braid.USAGE, quic.exitCode());
      assertTrue(quic.err().contains("--security") && quic.err().contains("\"quic\""), quic.err());
      assertOneLineWithoutStackTrace(quic);
      CliRun twice = CliRun.of("ping", listener.address, "--security", "tls,tls");
      assertEquals(Braid.USAGE, twice.exitCode());
      assertTrue(twice.err().contains("twice"), twice.err());
    }

    @Test
    void aTlsOnlyDialerCannotReachANoiseOnlyListener() throws Exception {
      try (RunningListener noiseOnly = new RunningListener("--security", "noise")) {
        CliRun run = CliRun.of("ping", noiseOnly.address, "--security", "tls", "--timeout", "10", "--json");
        assertTrue(run.exitCode() != 0, run.out());
        assertTrue(run.err().contains("/tls/1.0.0"), run.err());
      }
    }

    @Test
    void aMultiaddrWithoutAPeerIdIsAUsageError() {
      CliRun run = CliRun.of("echo", "/ip4/127.0.0.1/tcp/1", "--bytes", "1");
      assertEquals(Braid.USAGE, run.exitCode());
      assertTrue(run.err().contains("/p2p/<peer id>"), run.err());
    }

    @Test
    void anUnreachablePeerFailsWithOneLineAndJsonSaysSo() throws Exception {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      String peer = listener.address.substring(listener.address.indexOf("/p2p/"));
      CliRun run = CliRun.of("ping", "/ip4/127.0.0.1/tcp/" + port + peer, "--json", "--timeout", "10");
      assertEquals(ExitCodes.UNREACHABLE, run.exitCode());
      assertEquals(1, run.err().lines().count(), run.err());
      assertTrue(run.err().startsWith("braid ping: dialing "), run.err());
      assertOneLineWithoutStackTrace(run);
      assertEquals("false", run.field("ok"));
    }

    @Test
    void verboseAddsTheStackTrace() throws Exception {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      String peer = listener.address.substring(listener.address.indexOf("/p2p/"));
      CliRun run = CliRun.of("ping", "/ip4/127.0.0.1/tcp/" + port + peer, "--verbose", "--timeout", "10");
      assertEquals(ExitCodes.UNREACHABLE, run.exitCode());
      assertTrue(run.err().contains("\tat "), run.err());
    }

    @Test
    void anUnknownBalancerIsNamedWithTheKnownOnes() {
      CliRun run = CliRun.of("echo", listener.address, "--bytes", "1KiB", "--balancer", "fastest");
      assertEquals(Braid.FAILED, run.exitCode());
      assertTrue(run.err().contains("fastest"), run.err());
      assertTrue(run.err().contains("round_robin") && run.err().contains("least_loaded"), run.err());
      assertOneLineWithoutStackTrace(run);
    }

    @Test
    void aPerfDownloadAboveTheListenersCapIsRefused() {
      CliRun run = CliRun.of("perf", listener.address, "--upload", "0", "--download", "17MiB", "--json");
      assertEquals(Braid.FAILED, run.exitCode());
      assertTrue(run.err().contains("--perf-max-download"), run.err());
      assertEquals("false", run.field("ok"));
    }

    @Test
    void badSizesAreUsageErrors() {
      for (String bad : new String[] {"1.5MiB", "12XB", "-1", "2000GiB", ""}) {
        CliRun run = CliRun.of("perf", listener.address, "--upload", bad, "--download", "0");
        assertEquals(Braid.USAGE, run.exitCode(), bad);
        assertTrue(run.err().contains("--upload"), run.err());
        assertOneLineWithoutStackTrace(run);
      }
    }

    @Test
    void badIntervalAndProgressValuesAreUsageErrorsBeforeAnythingIsDialed() {
      // Port 1 is closed: had the command dialed, it would fail as unreachable, not as a usage error.
      String closedPort = "/ip4/127.0.0.1/tcp/1" + listener.address.substring(listener.address.indexOf("/p2p/"));
      for (String bad : new String[] {"0.05", "-1", "3601", "NaN"}) {
        CliRun run = CliRun.of("perf", closedPort, "--upload", "1", "--download", "1", "--interval", bad);
        assertEquals(Braid.USAGE, run.exitCode(), bad + ": " + run.err());
        assertTrue(run.err().contains("--interval must be between 0.1 and 3600 seconds"), run.err());
        assertOneLineWithoutStackTrace(run);
      }
      CliRun run = CliRun.of("echo", closedPort, "--bytes", "1", "--progress", "sometimes");
      assertEquals(Braid.USAGE, run.exitCode(), run.err());
      assertTrue(run.err().contains("--progress must be auto, always or never, was 'sometimes'"), run.err());
    }

    @Test
    void outOfRangeCountsAreRefused() {
      CliRun run = CliRun.of("echo", listener.address, "--bytes", "1", "--streams", "0");
      assertEquals(Braid.USAGE, run.exitCode());
      assertTrue(run.err().contains("--streams must be between 1 and 4096, was 0"), run.err());
      CliRun conns = CliRun.of("conns", listener.address, "--count", "0");
      assertEquals(Braid.USAGE, conns.exitCode());
      assertTrue(conns.err().contains("--count must be between 1 and 1024, was 0"), conns.err());
    }

    @Test
    void connsOverTheListenersPerPeerLimitFailsAndCountsOnlyKeptConnections() throws Exception {
      try (RunningListener small = new RunningListener("--max-conns-per-peer", "2")) {
        CliRun run = CliRun.of("conns", small.address, "--count", "4", "--json");
        assertEquals(Braid.FAILED, run.exitCode(), run.out());
        assertEquals("false", run.field("ok"));
        assertEquals("2", run.field("opened"), run.out());
        assertTrue(run.err().contains("--max-conns-per-peer"), run.err());
      }
    }

    @Test
    void noCommandIsAUsageError() {
      CliRun run = CliRun.of();
      assertEquals(Braid.USAGE, run.exitCode());
      assertTrue(run.err().contains("a command is required"), run.err());
    }

    @Test
    void aMissingKeyFileIsNamed(@TempDir Path dir) {
      Path missing = dir.resolve("nope.key");
      CliRun run = CliRun.of("listen", "--key", missing.toString());
      assertEquals(Braid.FAILED, run.exitCode());
      assertTrue(run.err().contains(missing + " does not exist"), run.err());
      assertOneLineWithoutStackTrace(run);
    }

    @Test
    void aFileThatIsNoKeyIsRefused(@TempDir Path dir) throws Exception {
      Path junk = Files.write(dir.resolve("junk.key"), new byte[] {1, 2, 3});
      CliRun run = CliRun.of("listen", "--key", junk.toString());
      assertEquals(Braid.FAILED, run.exitCode());
      assertTrue(run.err().contains("holds no libp2p private key"), run.err());
    }
  }

  @Nested
  @DisplayName("keygen")
  class Keygen {
    @Test
    void aGeneratedKeyGivesListenTheSamePeerIdEveryTime(@TempDir Path dir) throws Exception {
      Path key = dir.resolve("node.key");
      CliRun gen = CliRun.of("keygen", "--out", key.toString(), "--json");
      assertEquals(0, gen.exitCode(), gen.err());
      String peer = gen.field("peer_id").replace("\"", "");
      assertTrue(peer.startsWith("12D3KooW"), peer);
      for (int i = 0; i < 2; i++) {
        try (RunningListener l = new RunningListener("--key", key.toString())) {
          assertTrue(l.address.endsWith("/p2p/" + peer), l.address);
        }
      }
    }

    @Test
    void everyKeyTypeCanBeGenerated(@TempDir Path dir) {
      for (String type : new String[] {"ed25519", "secp256k1", "ecdsa", "rsa"}) {
        CliRun run = CliRun.of("keygen", "--out", dir.resolve(type).toString(), "--type", type);
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("KEY " + type + " "), run.out());
      }
    }

    @Test
    void anExistingFileIsNotOverwritten(@TempDir Path dir) throws Exception {
      Path key = Files.write(dir.resolve("taken"), new byte[] {42});
      CliRun run = CliRun.of("keygen", "--out", key.toString());
      assertEquals(Braid.FAILED, run.exitCode());
      assertTrue(run.err().contains("already exists"), run.err());
      assertTrue(Arrays.equals(new byte[] {42}, Files.readAllBytes(key)));
    }

    @Test
    void anUnknownTypeListsTheKnownOnes(@TempDir Path dir) {
      CliRun run = CliRun.of("keygen", "--out", dir.resolve("k").toString(), "--type", "dsa");
      assertEquals(Braid.USAGE, run.exitCode());
      assertTrue(run.err().contains("ed25519") && run.err().contains("rsa"), run.err());
    }
  }

  /** The sum of every {@code "key":N} in a JSON text. */
  private static long sumOf(String json, String key) {
    long sum = 0;
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + key + "\":(\\d+)").matcher(json);
    while (m.find()) {
      sum += Long.parseLong(m.group(1));
    }
    return sum;
  }
}
