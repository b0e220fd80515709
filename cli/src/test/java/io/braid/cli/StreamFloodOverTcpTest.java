package io.braid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.ResourceLimits;
import io.braid.api.ResourceLimits.Limit;
import io.braid.api.ResourceUsage;
import io.braid.api.TransportContext;
import io.braid.core.Swarm;
import io.braid.identity.Identity;
import io.braid.protocols.Echo;
import io.braid.transport.tcp.TcpTransport;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The stream flood over real TCP (docs/HARDENING.md): a peer on 127.0.0.3 that keeps opening echo streams
 * after it is refused, without closing the ones it got, is closed once past refusedStreamsPerConnection and
 * its address banned; a peer on 127.0.0.1 connected throughout goes on echoing, and a new one gets in.
 */
@DisplayName("a stream flood over TCP")
class StreamFloodOverTcpTest {
  private static final int PER_CONNECTION = 8;
  private static final int REFUSALS = 32;

  @Test
  @DisplayName("a peer that keeps opening streams past refusals is closed and its address banned; others go on")
  void aStreamFloodIsClosedAndBanned() throws Exception {
    ResourceLimits limits = ResourceLimits.builder().set(Limit.STREAMS_INBOUND_PER_CONNECTION, PER_CONNECTION)
        .set(Limit.REFUSED_STREAMS_PER_CONNECTION, REFUSALS).build();
    try (Swarm server = Swarm.builder(Identity.generate()).resourceLimits(limits).build();
        Swarm good = Swarm.builder(Identity.generate()).build()) {
      server.setStreamHandler(Echo.PROTOCOL, Echo.server());
      Multiaddr address = server.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0")).get(10, TimeUnit.SECONDS).get(0);
      good.addAddresses(server.localPeer(), address);
      good.dialPeer(server.localPeer()).get(10, TimeUnit.SECONDS);
      assertEcho(good, server.localPeer(), "before");

      TcpTransport attacker = TcpTransport.builder(new TransportContext(Identity.generate(), protocol -> java.util.Optional.empty(),
          Duration.ofSeconds(10))).threads(1).identifyOnConnect(false)
          .dialFrom(InetAddress.getByName("127.0.0.3")).build();
      try {
        NetConn conn = attacker.dial(address, server.localPeer()).get(10, TimeUnit.SECONDS);
        List<NetStream> held = new ArrayList<>();
        AtomicInteger refused = new AtomicInteger();
        // Open far more than the connection may hold, 16 at a time, never closing what is granted: the
        // first PER_CONNECTION are held, the rest refused, until the listener closes the connection.
        for (int round = 0; round < 20 && conn.isOpen(); round++) {
          List<CompletableFuture<NetStream>> opens = new ArrayList<>();
          for (int i = 0; i < 16; i++) {
            opens.add(conn.newStream(Echo.PROTOCOL));
          }
          for (CompletableFuture<NetStream> f : opens) {
            try {
              held.add(f.get(10, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
              refused.incrementAndGet();
            }
          }
        }
        conn.closeFuture().get(10, TimeUnit.SECONDS);
        assertTrue(held.size() <= PER_CONNECTION + 1, "held " + held.size());
        assertTrue(refused.get() > REFUSALS, "refused " + refused.get());

        ResourceUsage usage = awaitRefusal(server, "refusedStreamsPerConnection");
        assertEquals(1L, usage.refusals().get("refusedStreamsPerConnection"), usage.toString());
        // Banned: a new connection from 127.0.0.3 is closed before any handshake work.
        ExecutionException again = assertThrows(ExecutionException.class,
            () -> attacker.dial(address, server.localPeer()).get(10, TimeUnit.SECONDS));
        assertTrue(server.resourceUsage().refusals().getOrDefault("failedHandshakesPerIp", 0L) >= 1,
            server.resourceUsage() + " / " + again.getCause());
      } finally {
        attacker.close();
        attacker.terminationFuture().get(10, TimeUnit.SECONDS);
      }

      assertEcho(good, server.localPeer(), "after"); // the connection that was there throughout
      try (Swarm late = Swarm.builder(Identity.generate()).build()) {
        late.addAddresses(server.localPeer(), address);
        assertEcho(late, server.localPeer(), "a newcomer");
      }
    }
  }

  /** The server's usage once it has refused at least once by {@code limit} (fails after 10 s). */
  private static ResourceUsage awaitRefusal(Swarm server, String limit) {
    TcpTestStreams.until(() -> server.resourceUsage().refusals().getOrDefault(limit, 0L) > 0, Duration.ofSeconds(10),
        "a refusal by " + limit);
    return server.resourceUsage();
  }

  /** Echoes {@code text} on a new stream to {@code server}; Echo.client checks every byte that comes back. */
  private static void assertEcho(Swarm client, io.braid.api.PeerId server, String text) throws Exception {
    NetStream s = client.newStream(server, Echo.PROTOCOL).get(10, TimeUnit.SECONDS);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    assertEquals(bytes.length, Echo.client(s, bytes).get(10, TimeUnit.SECONDS).bytes());
  }
}
