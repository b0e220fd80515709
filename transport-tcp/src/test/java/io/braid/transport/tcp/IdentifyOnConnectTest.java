package io.braid.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.braid.api.ConnectionTimeoutException;
import io.braid.api.HostIdentity;
import io.braid.api.NetConn;
import io.braid.api.ProtocolNegotiationException;
import io.braid.api.StreamHandler;
import io.braid.api.TransportContext;
import io.braid.api.TransportListener;
import io.braid.identity.Identity;
import io.braid.testkit.RecordingInboundHandler;
import io.braid.testkit.Streams;
import io.braid.testkit.TestStreamRouter;
import io.braid.transport.tcp.internal.protocols.Identify;
import io.braid.api.Multiaddr;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Identify on new connections, which a {@link TcpTransport} does by default (the contract tests turn it
 * off): it runs in both directions, its answer is visible through {@link TcpTransport#identify(NetConn)},
 * its stream stops counting once it finished, and a failure never closes the connection.
 */
class IdentifyOnConnectTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Multiaddr LOOPBACK = Multiaddr.fromString("/ip4/127.0.0.1/tcp/0");

  private final Identity serverIdentity = Identity.generate();
  private final Identity clientIdentity = Identity.generate();
  private final TestStreamRouter serverRouter = new TestStreamRouter();
  private final TestStreamRouter clientRouter = new TestStreamRouter();
  private final List<TcpTransport> transports = new ArrayList<>();

  /** A transport with the builder's defaults but two threads, after {@code options}. */
  private TcpTransport transport(HostIdentity identity, TestStreamRouter router, Duration handshakeTimeout,
      UnaryOperator<TcpTransport.Builder> options) {
    TcpTransport t = options.apply(TcpTransport.builder(new TransportContext(identity, router, handshakeTimeout))
        .threads(2)).build();
    transports.add(t);
    return t;
  }

  private TcpTransport server(UnaryOperator<TcpTransport.Builder> options) {
    return transport(serverIdentity, serverRouter, WAIT, options);
  }

  private TcpTransport client(UnaryOperator<TcpTransport.Builder> options) {
    return transport(clientIdentity, clientRouter, WAIT, options);
  }

  @AfterEach
  void closeEverything() {
    for (TcpTransport t : transports) {
      t.close();
    }
    for (TcpTransport t : transports) {
      await(t.terminationFuture());
      assertEquals(List.of(), t.connections(), t + " kept connections after close");
    }
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return fail("failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      return fail("not done within " + WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }

  private static Throwable awaitFailure(CompletableFuture<?> f) {
    try {
      Object v = f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      return fail("should have failed but completed with " + v);
    } catch (ExecutionException e) {
      return Streams.unwrap(e.getCause());
    } catch (TimeoutException e) {
      return fail("did not fail within " + WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }

  /** Answers identify like the built-in responder, recording the connection asked on and the stream's close. */
  private static final class RecordingResponder implements StreamHandler {
    final CompletableFuture<NetConn> askedOn = new CompletableFuture<>();
    final CompletableFuture<Void> streamClosed = new CompletableFuture<>();
    private final StreamHandler answer;

    RecordingResponder(HostIdentity identity) {
      this.answer = Identify.responder(identity, List::of, List.of(Identify.PROTOCOL));
    }

    @Override
    public void handle(io.braid.api.NetStream stream) {
      askedOn.complete(stream.connection());
      stream.closeFuture().whenComplete((v, e) -> streamClosed.complete(null));
      answer.handle(stream);
    }
  }

  @Test
  void byDefaultBothEndsOfANewConnectionIdentifyEachOtherAndTheAnswersAreVisible() {
    TcpTransport server = server(b -> b);
    RecordingInboundHandler handler = new RecordingInboundHandler();
    TransportListener l = await(server.listen(LOOPBACK, handler));

    NetConn conn = await(client(b -> b).dial(l.addresses().get(0), serverIdentity.peerId()));
    NetConn serverEnd = handler.awaitConnection(WAIT);

    IdentifyResult ofServer = await(TcpTransport.identify(conn));
    IdentifyResult ofClient = await(TcpTransport.identify(serverEnd));
    assertArrayEquals(serverIdentity.publicKey(), ofServer.publicKey());
    assertEquals(l.addresses(), ofServer.listenAddrs());
    assertEquals(conn.localAddress(), ofServer.observedAddr().orElseThrow());
    assertArrayEquals(clientIdentity.publicKey(), ofClient.publicKey());
    assertEquals(serverEnd.localAddress(), ofClient.observedAddr().orElseThrow());
    assertSame(TcpTransport.identify(conn), TcpTransport.identify(conn), "one run per connection");
  }

  @Test
  void identifyStartsWithoutBeingAskedOnBothSidesAndItsStreamsStopCountingOnceItFinished() {
    RecordingResponder atServer = new RecordingResponder(serverIdentity);
    RecordingResponder atClient = new RecordingResponder(clientIdentity);
    serverRouter.register(Identify.PROTOCOL, atServer);
    clientRouter.register(Identify.PROTOCOL, atClient);
    TcpTransport server = server(b -> b);
    RecordingInboundHandler handler = new RecordingInboundHandler();
    TransportListener l = await(server.listen(LOOPBACK, handler));

    NetConn conn = await(client(b -> b).dial(l.addresses().get(0), serverIdentity.peerId()));
    NetConn serverEnd = handler.awaitConnection(WAIT);

    // Awaited before this test calls identify(), which would otherwise start a run itself.
    assertSame(serverEnd, await(atServer.askedOn), "the dialer asked the listener on its own");
    assertSame(conn, await(atClient.askedOn), "the listener asked the dialer on its own");
    assertArrayEquals(serverIdentity.publicKey(), await(TcpTransport.identify(conn)).publicKey());
    assertArrayEquals(clientIdentity.publicKey(), await(TcpTransport.identify(serverEnd)).publicKey());
    await(atServer.streamClosed);
    await(atClient.streamClosed);
    assertEquals(0, conn.streamCount(), "the dialer still counts an identify stream");
    assertEquals(0, serverEnd.streamCount(), "the listener still counts an identify stream");
    assertTrue(conn.isOpen() && serverEnd.isOpen());
  }

  @Test
  void whenTheIdentifyFutureCompletesTheAskingSideNoLongerCountsItsStream() {
    TcpTransport server = server(b -> b.identifyOnConnect(false));
    TransportListener l = await(server.listen(LOOPBACK, new RecordingInboundHandler()));
    NetConn conn = await(client(b -> b).dial(l.addresses().get(0), serverIdentity.peerId()));

    CompletableFuture<Integer> countWhenDone = TcpTransport.identify(conn).thenApply(r -> conn.streamCount());

    assertEquals(0, await(countWhenDone), "the identify stream still counted when its future completed");
  }

  @Test
  void aListenerThatDoesNotServeIdentifyFailsTheDialersIdentifyButNotTheConnection() {
    TcpTransport server = server(b -> b.serveIdentify(false).identifyOnConnect(false));
    RecordingInboundHandler handler = new RecordingInboundHandler();
    TransportListener l = await(server.listen(LOOPBACK, handler));

    NetConn conn = await(client(b -> b).dial(l.addresses().get(0), serverIdentity.peerId()));

    assertInstanceOf(ProtocolNegotiationException.class, awaitFailure(TcpTransport.identify(conn)));
    assertEquals(0, conn.streamCount(), "the refused identify stream still counts");
    assertTrue(conn.isOpen());
    await(TcpTransport.ping(conn));
    assertTrue(handler.awaitConnection(WAIT).isOpen());
  }

  @Test
  void aDialerThatDoesNotServeIdentifyFailsTheListenersIdentifyButNotTheConnection() {
    TcpTransport server = server(b -> b);
    RecordingInboundHandler handler = new RecordingInboundHandler();
    TransportListener l = await(server.listen(LOOPBACK, handler));

    NetConn conn = await(client(b -> b.serveIdentify(false).identifyOnConnect(false))
        .dial(l.addresses().get(0), serverIdentity.peerId()));
    NetConn serverEnd = handler.awaitConnection(WAIT);

    assertInstanceOf(ProtocolNegotiationException.class, awaitFailure(TcpTransport.identify(serverEnd)));
    assertTrue(serverEnd.isOpen());
    await(TcpTransport.ping(serverEnd));
    assertTrue(conn.isOpen());
  }

  @Test
  void anIdentifyThatIsNeverAnsweredTimesOutReleasesItsStreamAndKeepsTheConnection() {
    CompletableFuture<NetConn> held = new CompletableFuture<>();
    serverRouter.register(Identify.PROTOCOL, s -> held.complete(s.connection())); // never answers
    TcpTransport server = server(b -> b.identifyOnConnect(false));
    TransportListener l = await(server.listen(LOOPBACK, new RecordingInboundHandler()));
    Duration timeout = Duration.ofMillis(500);
    TcpTransport client = transport(clientIdentity, clientRouter, timeout, b -> b);

    NetConn conn = await(client.dial(l.addresses().get(0), serverIdentity.peerId()));
    await(held);

    assertInstanceOf(ConnectionTimeoutException.class, awaitFailure(TcpTransport.identify(conn)));
    assertEquals(0, conn.streamCount(), "the timed-out identify stream still counts");
    assertTrue(conn.isOpen());
    await(TcpTransport.ping(conn));
  }

  @Test
  void turnedOffNoIdentifyRunsUntilAsked() {
    RecordingResponder atServer = new RecordingResponder(serverIdentity);
    serverRouter.register(Identify.PROTOCOL, atServer);
    TcpTransport server = server(b -> b.identifyOnConnect(false));
    TransportListener l = await(server.listen(LOOPBACK, new RecordingInboundHandler()));

    NetConn conn = await(client(b -> b.identifyOnConnect(false)).dial(l.addresses().get(0),
        serverIdentity.peerId()));
    // A ping round trip after the dial: an identify opened on connect would have reached the server first.
    await(TcpTransport.ping(conn));

    assertFalse(atServer.askedOn.isDone(), "identify ran although it was turned off");
    await(TcpTransport.identify(conn));
    assertTrue(atServer.askedOn.isDone());
  }

  @Test
  void identifyAnnouncesTheRoutersProtocolsAsTheyAreAtEachIdentify() {
    serverRouter.register("/echo/1.0.0", stream -> stream.close());
    TcpTransport server = server(b -> b);
    TransportListener l = await(server.listen(LOOPBACK, new RecordingInboundHandler()));
    TcpTransport client = client(b -> b);

    IdentifyResult first = await(TcpTransport.identify(await(client.dial(l.addresses().get(0),
        serverIdentity.peerId()))));
    assertTrue(first.protocols().containsAll(List.of("/echo/1.0.0", Identify.PROTOCOL, "/ipfs/ping/1.0.0")),
        first.protocols().toString());
    assertFalse(first.protocols().contains("/perf/1.0.0"), first.protocols().toString());

    serverRouter.register("/perf/1.0.0", stream -> stream.close());
    IdentifyResult second = await(TcpTransport.identify(await(client.dial(l.addresses().get(0),
        serverIdentity.peerId()))));
    assertTrue(second.protocols().containsAll(List.of("/echo/1.0.0", "/perf/1.0.0")), second.protocols().toString());
  }

  @Test
  void aWildcardListenerAnnouncesOneDialableAddressPerInterfaceAddress() {
    TcpTransport server = server(b -> b);
    TransportListener l = await(server.listen(Multiaddr.fromString("/ip4/0.0.0.0/tcp/0"),
        new RecordingInboundHandler()));
    String port = l.addresses().get(0).valueOf("tcp").orElseThrow();
    List<String> dialable = server.dialableListenAddresses().stream().map(Multiaddr::toString).toList();
    assertTrue(dialable.contains("/ip4/127.0.0.1/tcp/" + port), dialable.toString());
    assertTrue(dialable.stream().noneMatch(a -> a.startsWith("/ip4/0.0.0.0/")), dialable.toString());

    NetConn conn = await(client(b -> b).dial(Multiaddr.fromString("/ip4/127.0.0.1/tcp/" + port),
        serverIdentity.peerId()));
    List<String> announced = await(TcpTransport.identify(conn)).listenAddrs().stream()
        .map(Multiaddr::toString).toList();
    assertEquals(dialable, announced);
  }
}
