package io.braid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.CloseReason;
import io.braid.api.ConnectionConfig;
import io.braid.api.ConnectionStats;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.core.Swarm;
import io.braid.identity.Identity;
import io.braid.protocols.Echo;
import io.braid.transport.tcp.TcpTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 end to end over real TCP (loopback, port 0): two swarms with three connections, the health
 * monitor's pings giving each an RTT, the ewma balancer placing streams, and a drain with streams in flight:
 * every byte comes back, new streams go elsewhere on both sides (the remote learns it from Yamux GO_AWAY).
 */
class SwarmHealthAndDrainOverTcpTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String ECHO = Echo.PROTOCOL;
  private static final ConnectionConfig CONFIG = ConnectionConfig.builder().maxConnectionsPerPeer(3)
      .keepAliveInterval(Duration.ofMillis(50)).keepAliveTimeout(Duration.ofSeconds(5))
      .loadBalancingStrategy("ewma").build();

  private final List<Swarm> swarms = new ArrayList<>();

  private Swarm swarm() {
    Swarm s = Swarm.builder(Identity.generate()).connectionConfig(CONFIG)
        .transport(ctx -> TcpTransport.builder(ctx).threads(1).identifyOnConnect(false).build()).build();
    s.setStreamHandler(ECHO, Echo.server());
    swarms.add(s);
    return s;
  }

  @AfterEach
  void closeAll() {
    swarms.forEach(Swarm::close);
    for (Swarm s : swarms) {
      TcpTestStreams.await(s.closeFuture(), WAIT, "close");
    }
  }

  private Swarm[] connected() {
    Swarm a = swarm();
    Swarm b = swarm();
    List<Multiaddr> addrs = TcpTestStreams.await(b.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0")), WAIT, "listen");
    a.addAddresses(b.localPeer(), addrs.toArray(Multiaddr[]::new));
    assertEquals(3, TcpTestStreams.await(a.dialPeer(b.localPeer()), WAIT, "dial").size());
    TcpTestStreams.until(() -> b.getConnections(a.localPeer()).size() == 3, WAIT, "b admits all three");
    return new Swarm[] {a, b};
  }

  @Test
  void pingsGiveEveryConnectionAnRttAndTheEwmaBalancerPlacesStreams() {
    Swarm[] s = connected();
    TcpTestStreams.until(() -> s[0].stats(s[1].localPeer()).stream().allMatch(st -> st.pingsAnswered() >= 3),
        WAIT, "three answered pings on each connection");
    for (ConnectionStats st : s[0].stats(s[1].localPeer())) {
      assertTrue(st.smoothedRtt().isPresent() && st.healthy() && !st.draining(), st.toString());
      assertTrue(st.bytesSent() > 0 && st.bytesReceived() > 0, st.toString());
    }
    for (int i = 0; i < 30; i++) {
      NetStream st = TcpTestStreams.await(s[0].newStream(s[1].localPeer(), ECHO), WAIT, "stream " + i);
      byte[] data = TcpTestStreams.randomBytes(1000, i);
      assertEquals(TcpTestStreams.sha256(data), TcpTestStreams.sha256(TcpTestStreams.await(TcpTestStreams.exchange(st, data), WAIT, "echo")));
    }
  }

  @Test
  void drainFinishesStreamsInFlightAndBothSidesPlaceNewStreamsElsewhere() {
    Swarm[] s = connected();
    Swarm a = s[0];
    Swarm b = s[1];
    NetConn drained = a.getConnections(b.localPeer()).get(0);
    int n = 8;
    List<NetStream> inFlight = new ArrayList<>();
    List<byte[]> firsts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      NetStream st = TcpTestStreams.await(drained.newStream(ECHO), WAIT, "stream " + i);
      byte[] first = TcpTestStreams.randomBytes(100_000, i);
      TcpTestStreams.await(TcpTestStreams.write(st, first), WAIT, "first part " + i);
      inFlight.add(st);
      firsts.add(first);
    }
    CompletableFuture<CloseReason> closed = a.drain(drained, Duration.ofSeconds(30));
    for (int i = 0; i < 20; i++) {
      NetStream st = TcpTestStreams.await(a.newStream(b.localPeer(), ECHO), WAIT, "a's new stream " + i);
      assertNotSame(drained, st.connection(), "a placed a new stream on the draining connection");
      st.reset();
    }
    NetConn remoteEnd = b.getConnections(a.localPeer()).stream()
        .filter(c -> c.remoteAddress().equals(drained.localAddress())).findFirst().orElseThrow();
    TcpTestStreams.until(remoteEnd::isDraining, WAIT, "b learns of the drain from GO_AWAY");
    for (int i = 0; i < 20; i++) {
      NetStream st = TcpTestStreams.await(b.newStream(a.localPeer(), ECHO), WAIT, "b's new stream " + i);
      assertNotSame(remoteEnd, st.connection(), "b placed a new stream on the connection that goes away");
      st.reset();
    }
    int failures = 0;
    for (int i = 0; i < n; i++) {
      byte[] second = TcpTestStreams.randomBytes(150_000, 100 + i);
      byte[] whole = new byte[250_000];
      System.arraycopy(firsts.get(i), 0, whole, 0, 100_000);
      System.arraycopy(second, 0, whole, 100_000, 150_000);
      byte[] echoed = TcpTestStreams.await(TcpTestStreams.exchange(inFlight.get(i), second), WAIT, "echo " + i);
      failures += TcpTestStreams.sha256(whole).equals(TcpTestStreams.sha256(echoed)) ? 0 : 1;
    }
    assertEquals(0, failures, "streams in flight that lost bytes");
    assertEquals(CloseReason.Kind.LOCAL, TcpTestStreams.await(closed, WAIT, "the drained connection closes").kind());
    TcpTestStreams.until(() -> a.getConnections(b.localPeer()).size() == 2, WAIT, "it left a's views");
  }

  @Test
  void closeWithGraceLetsAStreamInFlightFinish() {
    Swarm[] s = connected();
    NetStream st = TcpTestStreams.await(s[0].newStream(s[1].localPeer(), ECHO), WAIT, "stream");
    byte[] first = TcpTestStreams.randomBytes(50_000, 1);
    TcpTestStreams.await(TcpTestStreams.write(st, first), WAIT, "first part");
    CompletableFuture<Void> done = s[1].close(Duration.ofSeconds(30)); // the serving side shuts down
    byte[] second = TcpTestStreams.randomBytes(50_000, 2);
    byte[] echoed = TcpTestStreams.await(TcpTestStreams.exchange(st, second), WAIT, "echo across the shutdown");
    assertEquals(100_000, echoed.length);
    TcpTestStreams.await(done, WAIT, "close(grace)");
  }
}
