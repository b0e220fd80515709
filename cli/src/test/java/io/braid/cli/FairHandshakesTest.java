package io.braid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ConnectionConfig;
import io.braid.api.Multiaddr;
import io.braid.api.NetStream;
import io.braid.api.ResourceUsage;
import io.braid.core.Swarm;
import io.braid.identity.Identity;
import io.braid.protocols.Echo;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The slowloris case over real TCP: 200 sockets from 127.0.0.2 that connect and send nothing must not keep
 * a peer on 127.0.0.1 out (before the per-address pending caps, the global cap of 128 did). And a
 * listener that allows 200 connections per peer gets all 200 of a parallel dial.
 */
@DisplayName("fair handshakes over TCP")
class FairHandshakesTest {
  private static final int IDLE = 200;
  private final List<Socket> idle = new ArrayList<>();

  @AfterEach
  void closeSockets() throws IOException {
    for (Socket s : idle) {
      s.close();
    }
  }

  private void openIdleSockets(Multiaddr listener) throws IOException {
    InetSocketAddress target = new InetSocketAddress(listener.valueOf("ip4").orElseThrow(),
        Integer.parseInt(listener.valueOf("tcp").orElseThrow()));
    for (int i = 0; i < IDLE; i++) {
      Socket s = new Socket();
      idle.add(s);
      s.bind(new InetSocketAddress("127.0.0.2", 0));
      try {
        s.connect(target, 5000);
      } catch (java.net.SocketException refused) {
        // A socket past the cap is reset at once (SO_LINGER 0), sometimes before connect() returns here.
      }
    }
  }

  @Test
  @DisplayName("200 idle sockets from 127.0.0.2 do not keep a swarm on 127.0.0.1 from connecting and opening a stream")
  void idleSocketsFromOneAddressDoNotBlockAnother() throws Exception {
    // A handshake timeout longer than the test: the idle sockets stay pending for all of it.
    ConnectionConfig serverConfig = ConnectionConfig.builder().handshakeTimeout(Duration.ofSeconds(60))
        .connectionTimeout(Duration.ofSeconds(60)).build();
    try (Swarm server = Swarm.builder(Identity.generate()).connectionConfig(serverConfig).build();
        Swarm client = Swarm.builder(Identity.generate()).build()) {
      server.setStreamHandler(Echo.PROTOCOL, Echo.server());
      Multiaddr address = server.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0")).get(10, TimeUnit.SECONDS).get(0);
      openIdleSockets(address);
      // Every idle socket was seen: held up to the per-address cap, refused beyond it.
      TcpTestStreams.until(() -> server.resourceUsage().refusals().getOrDefault("pendingPerIp", 0L) >= IDLE - 16,
          Duration.ofSeconds(20), (IDLE - 16) + " refusals by pendingPerIp");
      ResourceUsage usage = server.resourceUsage();
      assertEquals(IDLE - 16, usage.refusals().get("pendingPerIp"), usage.toString());
      assertEquals(16, usage.ips().get("127.0.0.2").pending(), usage.toString());

      client.addAddresses(server.localPeer(), address);
      NetStream s = client.newStream(server.localPeer(), Echo.PROTOCOL).get(20, TimeUnit.SECONDS);
      assertNotNull(s);
      s.reset();
      assertEquals(16, server.resourceUsage().ips().get("127.0.0.2").pending(), "the idle sockets were held throughout");
      assertTrue(server.resourceUsage().ips().get("127.0.0.1").connectionsInbound() >= 1,
          server.resourceUsage().toString());
    }
  }

  @Test
  @DisplayName("braid listen serves a ping from 127.0.0.1 while 127.0.0.2 holds 200 idle sockets, and reports the refusals")
  void listenReportsTheRefusals() throws Exception {
    RunningListener l = new RunningListener("--handshake-timeout", "60");
    try {
      openIdleSockets(Multiaddr.fromString(l.address));
      CliRun ping = CliRun.of("ping", l.address, "--count", "1", "--timeout", "20");
      assertEquals(0, ping.exitCode(), ping.err());
    } finally {
      l.close();
    }
    List<String> lines = l.lines();
    int i = lines.indexOf("--- braid listen statistics ---");
    assertTrue(i >= 0, lines.toString());
    assertTrue(lines.get(i + 2).matches("\\d+ refused by limits \\(.*pendingPerIp \\d+.*\\)"), lines.get(i + 2));
  }

  @Test
  @DisplayName("braid conns --count 200 against a listener that allows 200 opens all 200")
  void conns200() throws Exception {
    try (RunningListener l = new RunningListener("--max-conns-per-peer", "200")) {
      CliRun run = CliRun.of("conns", l.address, "--count", "200", "--json");
      assertEquals(0, run.exitCode(), run.err());
      assertEquals("200", run.field("opened"), run.out());
    }
  }
}
