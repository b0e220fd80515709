package io.braid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.core.Swarm;
import io.braid.identity.Identity;
import io.braid.transport.tcp.IdentifyResult;
import io.braid.transport.tcp.TcpTransport;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("braid behaves like the tools people know")
class CliToolsTest {

  @Nested
  @DisplayName("listen on a wildcard address")
  class Wildcard {
    @Test
    void printsOneDialableLineWithThePeerIdPerInterfaceAddressAndNoWildcard() throws Exception {
      try (RunningListener l = new RunningListener("--host", "0.0.0.0")) {
        String port = Multiaddr.fromString(l.address).valueOf("tcp").orElseThrow();
        String peer = l.address.substring(l.address.indexOf("/p2p/"));
        assertNotNull(l.awaitLine(s -> s.equals("LISTEN /ip4/127.0.0.1/tcp/" + port + peer)), l.lines().toString());
        List<String> listen = l.lines().stream().filter(s -> s.startsWith("LISTEN ")).toList();
        assertTrue(listen.stream().allMatch(s -> s.matches("LISTEN /ip4/[\\d.]+/tcp/" + port + peer)), listen.toString());
        assertTrue(listen.stream().noneMatch(s -> s.contains("/0.0.0.0/")), listen.toString());
      }
    }

    @Test
    void aSpecificHostStaysOneLine() throws Exception {
      try (RunningListener l = new RunningListener()) {
        assertEquals(1, l.lines().stream().filter(s -> s.startsWith("LISTEN ")).count(), l.lines().toString());
      }
    }

    @Test
    void identifyAnnouncesEchoPerfAndTheDialableAddresses() throws Exception {
      try (RunningListener l = new RunningListener("--host", "0.0.0.0");
          Swarm dialer = Swarm.builder(Identity.generate()).build()) {
        String port = Multiaddr.fromString(l.address).valueOf("tcp").orElseThrow();
        Multiaddr loopback = Multiaddr.fromString(
            "/ip4/127.0.0.1/tcp/" + port + l.address.substring(l.address.indexOf("/p2p/")));
        dialer.addAddresses(loopback.peerId().orElseThrow(), loopback.withoutPeerId());
        NetConn conn = dialer.dialPeer(loopback.peerId().orElseThrow()).get(20, TimeUnit.SECONDS).get(0);
        IdentifyResult id = TcpTransport.identify(conn).get(20, TimeUnit.SECONDS);
        assertTrue(id.protocols().containsAll(
            List.of("/echo/1.0.0", "/perf/1.0.0", "/ipfs/ping/1.0.0", "/ipfs/id/1.0.0")), id.protocols().toString());
        List<String> addrs = id.listenAddrs().stream().map(Multiaddr::toString).toList();
        assertTrue(addrs.contains("/ip4/127.0.0.1/tcp/" + port), addrs.toString());
        assertTrue(addrs.stream().noneMatch(a -> a.contains("/0.0.0.0/")), addrs.toString());
      }
    }
  }

  @Nested
  @DisplayName("stopping")
  class Stopping {
    @Test
    void listenPrintsWhatItServedWhenStopped() throws Exception {
      RunningListener l = new RunningListener();
      CliRun echo = CliRun.of("echo", l.address, "--bytes", "1KiB", "--streams", "3");
      assertEquals(0, echo.exitCode(), echo.err());
      l.close();
      List<String> lines = l.lines();
      int i = lines.indexOf("--- braid listen statistics ---");
      assertTrue(i >= 0, lines.toString());
      assertTrue(lines.get(i + 1).matches("1 connections from 1 peers, 3 streams served \\(echo 3, perf 0\\), up [\\d.]+ s"),
          lines.get(i + 1));
      assertTrue(lines.get(i + 3).matches("drained \\d+ connections with \\d+ streams in flight in [\\d.]+ s"),
          lines.toString());
    }

    @Test
    void aNegativeDrainGraceIsAUsageError() {
      CliRun run = CliRun.of("listen", "--drain-grace", "-1");
      assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
      assertTrue(run.err().contains("--drain-grace must be >= 0, was -1"), run.err());
    }
  }

  @Nested
  @DisplayName("exit codes")
  class Exits {
    @Test
    void aPeerIdOtherThanTheListenersIsAMismatch() throws Exception {
      try (RunningListener l = new RunningListener()) {
        String other = l.address.substring(0, l.address.indexOf("/p2p/") + 5) + Identity.generate().peerId();
        CliRun run = CliRun.of("ping", other, "--count", "1", "--timeout", "10");
        assertEquals(ExitCodes.PEER_ID_MISMATCH, run.exitCode(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
      }
    }

    @Test
    void aProtocolThePeerDoesNotServeIsANegotiationFailure() throws Exception {
      Identity id = Identity.generate();
      try (Swarm bare = Swarm.builder(id).build()) {
        Multiaddr a = bare.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0")).get(20, TimeUnit.SECONDS).get(0);
        CliRun run = CliRun.of("perf", a + "/p2p/" + id.peerId(), "--upload", "1", "--download", "1", "--timeout", "10");
        assertEquals(ExitCodes.PROTOCOL_NEGOTIATION, run.exitCode(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        CliRun echo = CliRun.of("echo", a + "/p2p/" + id.peerId(), "--bytes", "1", "--json");
        assertEquals(ExitCodes.PROTOCOL_NEGOTIATION, echo.exitCode(), echo.err());
        assertEquals("false", echo.field("ok"));
      }
    }

    @Test
    void helpListsTheTable() {
      CliRun run = CliRun.of("--help");
      assertEquals(0, run.exitCode());
      for (String line : new String[] {"  2  usage", "  3  unreachable", "  4  peer id mismatch",
          "  5  protocol negotiation failed", "  6  limit exceeded"}) {
        assertTrue(run.out().contains(System.lineSeparator() + line), line + " in " + run.out());
      }
    }
  }

  @Test
  void versionShowsTheVersionAndTheCommit() {
    CliRun run = CliRun.of("--version");
    assertEquals(0, run.exitCode(), run.err());
    List<String> lines = run.out().lines().toList();
    assertTrue(lines.get(0).matches("braid \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit ([0-9a-f]{7,40}|unknown)\\)"),
        lines.get(0));
    assertFalse(lines.get(0).contains("unknown"), "built from a git checkout, the commit should be known: " + lines);
    assertTrue(lines.get(1).startsWith("Java "), lines.toString());
  }

  @Test
  void completionPrintsABashScriptThatKnowsEverySubcommand() {
    CliRun run = CliRun.of("completion");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("complete -F"), run.out().substring(0, 200));
    for (String sub : new String[] {"listen", "ping", "echo", "perf", "conns", "keygen", "demo", "completion"}) {
      assertTrue(run.out().contains(sub), sub);
    }
    assertTrue(run.out().contains("--max-conns-per-peer"), "options too");
  }
}
