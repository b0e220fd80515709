package io.braid.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.CloseReason;
import io.braid.api.ConnectionClosedException;
import io.braid.api.HostIdentity;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.TransportContext;
import io.braid.api.TransportListener;
import io.braid.identity.Identity;
import io.braid.testkit.Awaits;
import io.braid.testkit.RecordingInboundHandler;
import io.braid.testkit.Streams;
import io.braid.testkit.TestStreamRouter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Issue 14 over real TCP (loopback, port 0): NetConn.ping, byte counters, drain with Yamux GO_AWAY. */
@ExtendWith(LeakCheck.class)
class TcpHealthAndDrainTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Multiaddr LOOPBACK = Multiaddr.fromString("/ip4/127.0.0.1/tcp/0");
  private static final String ECHO = "/braid/test/echo/1.0.0";

  private final Identity serverIdentity = Identity.generate();
  private final Identity clientIdentity = Identity.generate();
  private final List<TcpTransport> transports = new ArrayList<>();

  private TcpTransport transport(HostIdentity identity) {
    TestStreamRouter router = new TestStreamRouter().register(ECHO, Streams.echo());
    TcpTransport t = TcpTransport.builder(new TransportContext(identity, router, WAIT)).threads(1)
        .identifyOnConnect(false).build();
    transports.add(t);
    return t;
  }

  @AfterEach
  void closeEverything() {
    transports.forEach(TcpTransport::close);
    for (TcpTransport t : transports) {
      Awaits.await(t.terminationFuture(), WAIT, "termination");
    }
  }

  /** [client end, server end] of one connection. */
  private NetConn[] connect() {
    RecordingInboundHandler handler = new RecordingInboundHandler();
    TransportListener l = Awaits.await(transport(serverIdentity).listen(LOOPBACK, handler), WAIT, "listen");
    NetConn conn = Awaits.await(transport(clientIdentity).dial(l.addresses().get(0), serverIdentity.peerId()),
        WAIT, "dial");
    return new NetConn[] {conn, handler.awaitConnection(WAIT)};
  }

  @Test
  void pingCompletesWithARoundTripAndByteCountersMove() {
    NetConn[] c = connect();
    for (int i = 0; i < 5; i++) {
      Duration rtt = Awaits.await(c[0].ping(), WAIT, "ping " + i);
      assertTrue(!rtt.isNegative() && !rtt.isZero() && rtt.compareTo(WAIT) < 0, "rtt " + rtt);
    }
    Awaits.await(c[1].ping(), WAIT, "ping from the server end");
    long sentBefore = c[0].bytesSent();
    NetStream s = Awaits.await(c[0].newStream(ECHO), WAIT, "stream");
    byte[] data = Streams.randomBytes(100_000, 3);
    assertEquals(Streams.sha256(data), Streams.sha256(Awaits.await(Streams.exchange(s, data, 200_000), WAIT,
        "echo")));
    assertTrue(c[0].bytesSent() >= sentBefore + 100_000, "sent " + c[0].bytesSent());
    assertTrue(c[0].bytesReceived() >= 100_000, "received " + c[0].bytesReceived());
    assertTrue(c[0].lastActivityNanos() <= System.nanoTime());
  }

  @Test
  void drainLetsStreamsInFlightFinishWithEveryByteAndTellsTheRemoteWithGoAway() {
    NetConn[] c = connect();
    int n = 8;
    List<NetStream> streams = new ArrayList<>();
    List<byte[]> firsts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      NetStream s = Awaits.await(c[0].newStream(ECHO), WAIT, "stream " + i);
      byte[] first = Streams.randomBytes(200_000, i);
      Awaits.await(Streams.writeAll(s, first), WAIT, "first part " + i);
      streams.add(s);
      firsts.add(first);
    }
    CompletableFuture<CloseReason> closed = c[0].drain(Duration.ofSeconds(30));
    assertTrue(c[0].isDraining());
    assertInstanceOf(ConnectionClosedException.class,
        Awaits.awaitFailure(c[0].newStream(ECHO), WAIT, "new stream on a draining connection"));
    Awaits.until(c[1]::isDraining, WAIT, "the remote end sees GO_AWAY");
    assertInstanceOf(ConnectionClosedException.class,
        Awaits.awaitFailure(c[1].newStream(ECHO), WAIT, "the remote opens a stream after GO_AWAY"));
    int failures = 0;
    for (int i = 0; i < n; i++) {
      byte[] second = Streams.randomBytes(300_000, 100 + i);
      byte[] whole = new byte[500_000];
      System.arraycopy(firsts.get(i), 0, whole, 0, 200_000);
      System.arraycopy(second, 0, whole, 200_000, 300_000);
      byte[] echoed = Awaits.await(Streams.exchange(streams.get(i), second, 1_000_000), WAIT, "echo " + i);
      if (!Streams.sha256(whole).equals(Streams.sha256(echoed))) {
        failures++;
      }
    }
    assertEquals(0, failures, "streams whose bytes did not all come back");
    assertEquals(CloseReason.Kind.LOCAL, Awaits.await(closed, WAIT, "closed once the streams finished").kind());
    Awaits.await(c[1].closeFuture(), WAIT, "the remote end closes too");
  }

  @Test
  void drainCutsAStreamThatOutlivesTheGrace() {
    NetConn[] c = connect();
    NetStream idle = Awaits.await(c[0].newStream(ECHO), WAIT, "stream");
    long started = System.nanoTime();
    Awaits.await(c[0].drain(Duration.ofMillis(200)), WAIT, "closed at the grace end");
    assertTrue(System.nanoTime() - started >= Duration.ofMillis(150).toNanos(), "closed before the grace");
    Awaits.awaitFailure(idle.read(), WAIT, "read on the cut stream");
    assertFalse(c[0].isOpen());
  }
}
