package io.braid.transport.tcp;

import io.braid.api.TransportException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.braid.api.ConnectionTimeoutException;
import io.braid.api.HostIdentity;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.PeerIdMismatchException;
import io.braid.api.ProtocolNegotiationException;
import io.braid.api.StreamHandler;
import io.braid.api.TransportContext;
import io.braid.api.TransportListener;
import io.braid.api.TransportProvider;
import io.braid.identity.Identity;
import io.braid.identity.PublicKeys;
import io.braid.testkit.RecordingInboundHandler;
import io.braid.testkit.Streams;
import io.braid.testkit.TestStreamRouter;
import io.braid.transport.tcp.internal.protocols.Identify;
import io.braid.transport.tcp.internal.protocols.Ping;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the TCP transport does beyond the testkit's contract: ping, identify, hostile clients, addresses. */
@ExtendWith(LeakCheck.class)
class TcpTransportFeaturesTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Multiaddr LOOPBACK = Multiaddr.fromString("/ip4/127.0.0.1/tcp/0");

  private final Identity serverIdentity = Identity.generate();
  private final Identity clientIdentity = Identity.generate();
  private final TestStreamRouter serverRouter = new TestStreamRouter();
  private final TestStreamRouter clientRouter = new TestStreamRouter();
  private final List<TcpTransport> transports = new ArrayList<>();
  private final List<Socket> sockets = new ArrayList<>();

  private TcpTransport transport(HostIdentity identity, TestStreamRouter router, Duration handshakeTimeout,
      boolean identifyOnConnect) {
    TcpTransport t = TcpTransport.builder(new TransportContext(identity, router, handshakeTimeout))
        .threads(2).identifyOnConnect(identifyOnConnect).build();
    transports.add(t);
    return t;
  }

  // Identify on connect is off in server() and client(): each test here then sees only the streams it opens
  // (and can serve identify its own way). IdentifyOnConnectTest covers the default.
  private TcpTransport server() {
    return transport(serverIdentity, serverRouter, WAIT, false);
  }

  private TcpTransport client() {
    return transport(clientIdentity, clientRouter, WAIT, false);
  }

  @AfterEach
  void closeEverything() throws Exception {
    for (Socket s : sockets) {
      s.close();
    }
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

  private static TransportListener listen(TcpTransport t, RecordingInboundHandler handler) {
    return await(t.listen(LOOPBACK, handler));
  }

  private Socket rawSocket(TransportListener l) throws IOException {
    Multiaddr a = l.addresses().get(0);
    Socket s = new Socket();
    sockets.add(s);
    s.connect(new InetSocketAddress(a.valueOf("ip4").orElseThrow(),
        Integer.parseInt(a.valueOf("tcp").orElseThrow())), (int) WAIT.toMillis());
    s.setSoTimeout((int) WAIT.toMillis());
    return s;
  }

  /** Reads until the server closes the socket; fails if it stays open past the socket timeout. */
  private static byte[] readUntilClosed(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    try {
      return in.readAllBytes();
    } catch (java.net.SocketTimeoutException e) {
      return fail("the server did not close the connection within " + WAIT);
    } catch (java.net.SocketException e) {
      return new byte[0]; // reset by the server: closed as well
    }
  }

  // ---- ping ----

  @Test
  void pingBetweenTwoTransportsMeasuresARoundTripAndLeavesNoStream() {
    TcpTransport server = server();
    RecordingInboundHandler handler = new RecordingInboundHandler();
    TransportListener l = listen(server, handler);
    NetConn conn = await(client().dial(l.addresses().get(0), serverIdentity.peerId()));

    for (int i = 0; i < 3; i++) {
      Duration rtt = await(TcpTransport.ping(conn));
      assertFalse(rtt.isNegative() || rtt.isZero(), "rtt " + rtt);
      assertTrue(rtt.compareTo(WAIT) < 0);
    }
    NetConn serverEnd = handler.awaitConnection(WAIT);
    // The server pings back over the same connection.
    await(TcpTransport.ping(serverEnd));
    assertTrue(conn.isOpen());
  }

  @Test
  void thePingResponderStillEchoesAfterTheRemoteHalfClosesItsWriteSide() {
    TcpTransport server = server();
    TransportListener l = listen(server, new RecordingInboundHandler());
    NetConn conn = await(client().dial(l.addresses().get(0), serverIdentity.peerId()));
    NetStream s = await(conn.newStream(Ping.PROTOCOL));
    byte[] two = Streams.randomBytes(2 * Ping.SIZE, 7);

    // As js-libp2p's ping client does: write, then half-close at once, then read the echo.
    byte[] echo = await(Streams.exchange(s, two, 1024));

    assertArrayEquals(two, echo, "both 32-byte chunks come back, then end of stream");
    await(s.closeFuture());
  }

  @Test
  void aRouterHandlerForPingTakesPrecedenceOverTheBuiltInOne() {
    CompletableFuture<byte[]> received = new CompletableFuture<>();
    serverRouter.register(Ping.PROTOCOL, Streams.collectInto(1024, received));
    TcpTransport server = server();
    TransportListener l = listen(server, new RecordingInboundHandler());
    NetConn conn = await(client().dial(l.addresses().get(0), serverIdentity.peerId()));
    NetStream s = await(conn.newStream(Ping.PROTOCOL));

    await(Streams.writeAllAndClose(s, "not a ping".getBytes(StandardCharsets.UTF_8)));

    assertEquals("not a ping", new String(await(received), StandardCharsets.UTF_8));
    s.reset();
  }

  // ---- identify ----

  @Test
  void identifyReportsThePeersKeyListenAddressesObservedAddressAndProtocols() {
    TcpTransport server = server();
    TransportListener l = listen(server, new RecordingInboundHandler());
    NetConn conn = await(client().dial(l.addresses().get(0), serverIdentity.peerId()));

    IdentifyResult id = await(TcpTransport.identify(conn));

    assertArrayEquals(serverIdentity.publicKey(), id.publicKey());
    assertEquals(serverIdentity.peerId(), PublicKeys.unmarshal(id.publicKey()).toPeerId());
    assertEquals(Identify.PROTOCOL_VERSION, id.protocolVersion());
    assertEquals(Identify.AGENT_VERSION, id.agentVersion());
    assertEquals(l.addresses(), id.listenAddrs());
    assertEquals(conn.localAddress(), id.observedAddr().orElseThrow(), "the server saw our address");
    assertTrue(id.protocols().containsAll(List.of(Ping.PROTOCOL, Identify.PROTOCOL)), id.protocols().toString());
    assertTrue(id.signedPeerRecord().isEmpty());
    assertSame(TcpTransport.identify(conn).getNow(null), TcpTransport.identify(conn).getNow(null),
        "identify runs once per connection and is cached");
    assertEquals(id, await(TcpTransport.identify(conn)));
  }

  @Test
  void identifyOnConnectRunsIdentifyOnEveryOutboundConnectionAndARouterHandlerServesIt() {
    CompletableFuture<NetConn> askedOn = new CompletableFuture<>();
    StreamHandler builtInLike = Identify.responder(serverIdentity, List::of, List.of("/custom/1.0.0"));
    serverRouter.register(Identify.PROTOCOL, s -> {
      askedOn.complete(s.connection());
      builtInLike.handle(s);
    });
    TcpTransport server = server();
    RecordingInboundHandler handler = new RecordingInboundHandler();
    TransportListener l = listen(server, handler);
    TcpTransport client = transport(clientIdentity, clientRouter, WAIT, true);

    NetConn conn = await(client.dial(l.addresses().get(0), serverIdentity.peerId()));

    assertSame(handler.awaitConnection(WAIT), await(askedOn), "the client asked without being told to");
    IdentifyResult id = await(TcpTransport.identify(conn));
    assertEquals(List.of("/custom/1.0.0"), id.protocols(), "the router's handler answered, not the built-in");
    assertEquals(List.of(), id.listenAddrs());
  }

  @Test
  void identifyRefusesAConnectionNotMadeByTheTcpTransport() {
    assertThrows(IllegalArgumentException.class,
        () -> TcpTransport.identify(io.braid.testkit.FakeNetConn.create()));
  }

  // ---- peers and addresses ----

  @Test
  void anAddressWhosePeerIdIsNotTheExpectedPeerFailsWithoutConnecting() {
    TcpTransport server = server();
    RecordingInboundHandler handler = new RecordingInboundHandler();
    TransportListener l = listen(server, handler);
    Multiaddr other = l.addresses().get(0).encapsulate("/p2p/" + Identity.generate().peerId());

    Throwable t = awaitFailure(client().dial(other, serverIdentity.peerId()));

    PeerIdMismatchException e = assertInstanceOf(PeerIdMismatchException.class, t);
    assertFalse(e.isRetryable());
    assertEquals(0, handler.acceptCalls(), "nothing was dialed");
  }

  @Test
  void dialingTheWrongPeerClosesTheServerSideToo() {
    TcpTransport server = server();
    RecordingInboundHandler handler = new RecordingInboundHandler();
    TransportListener l = listen(server, handler);

    Throwable t = awaitFailure(client().dial(l.addresses().get(0), clientIdentity.peerId()));

    assertInstanceOf(PeerIdMismatchException.class, t);
    handler.awaitFailure(WAIT);
    assertTrue(handler.connections().isEmpty());
  }

  @Test
  void supportsTcpOverIpAndDnsWithAnOptionalPeerIdAndNothingElse() {
    TcpTransport t = client();
    for (String ok : List.of("/ip4/1.2.3.4/tcp/1", "/ip6/::1/tcp/4001", "/dns/example.com/tcp/443",
        "/dns4/localhost/tcp/1", "/dns6/localhost/tcp/1",
        "/ip4/1.2.3.4/tcp/1/p2p/" + serverIdentity.peerId())) {
      assertTrue(t.supports(Multiaddr.fromString(ok)), ok);
    }
    for (String no : List.of("/ip4/1.2.3.4/udp/1", "/ip4/1.2.3.4/tcp/1/ws", "/tcp/1",
        "/ip4/1.2.3.4/udp/1/quic-v1", "/p2p/" + serverIdentity.peerId(), "/memory/1",
        "/ip4/1.2.3.4/tcp/1/p2p/" + serverIdentity.peerId() + "/p2p-circuit")) {
      Multiaddr m = Multiaddr.fromString(no);
      assertFalse(t.supports(m), no);
      assertThrows(IllegalArgumentException.class, () -> t.dial(m, serverIdentity.peerId()), no);
    }
    assertFalse(t.supports(null));
  }

  @Test
  void listensAndDialsOverIpv6Loopback() {
    TcpTransport server = server();
    RecordingInboundHandler handler = new RecordingInboundHandler();
    TransportListener l = await(server.listen(Multiaddr.fromString("/ip6/::1/tcp/0"), handler));
    Multiaddr a = l.addresses().get(0);
    assertEquals("ip6", a.components().get(0).name());
    assertNotEquals("0", a.valueOf("tcp").orElseThrow());

    NetConn conn = await(client().dial(a, serverIdentity.peerId()));

    assertEquals(a, conn.remoteAddress());
    assertEquals(a, handler.awaitConnection(WAIT).localAddress());
    await(TcpTransport.ping(conn));
  }

  @Test
  void dialFromBindsEveryOutboundConnectionToTheGivenLocalAddress() throws Exception {
    TcpTransport server = server();
    RecordingInboundHandler handler = new RecordingInboundHandler();
    TransportListener l = listen(server, handler);
    TcpTransport from3 = TcpTransport.builder(new TransportContext(clientIdentity, clientRouter, WAIT))
        .threads(1).identifyOnConnect(false).dialFrom(java.net.InetAddress.getByName("127.0.0.3")).build();
    transports.add(from3);

    NetConn conn = await(from3.dial(l.addresses().get(0), serverIdentity.peerId()));

    assertEquals("127.0.0.3", conn.localAddress().valueOf("ip4").orElseThrow());
    assertEquals("127.0.0.3", handler.awaitConnection(WAIT).remoteAddress().valueOf("ip4").orElseThrow());
    await(TcpTransport.ping(conn));
    Throwable wrongFamily = awaitFailure(from3.dial(Multiaddr.fromString("/ip6/::1/tcp/1"), serverIdentity.peerId()));
    assertInstanceOf(TransportException.class, wrongFamily);
    assertTrue(wrongFamily.getMessage().contains("address families differ"), wrongFamily.getMessage());
  }

  @Test
  void dialsADns4NameAndReportsTheDialedAddress() {
    TcpTransport server = server();
    TransportListener l = listen(server, new RecordingInboundHandler());
    String port = l.addresses().get(0).valueOf("tcp").orElseThrow();
    Multiaddr byName = Multiaddr.fromString("/dns4/localhost/tcp/" + port + "/p2p/" + serverIdentity.peerId());

    NetConn conn = await(client().dial(byName, serverIdentity.peerId()));

    assertEquals(byName.withoutPeerId(), conn.remoteAddress());
    assertEquals(serverIdentity.peerId(), conn.remotePeer());
  }

  @Test
  void listensOnADns4NameAndReportsTheBoundIpAddress() {
    TcpTransport server = server();
    TransportListener l = await(server.listen(Multiaddr.fromString("/dns4/localhost/tcp/0"),
        new RecordingInboundHandler()));
    Multiaddr bound = l.addresses().get(0);
    assertEquals("ip4", bound.components().get(0).name(), bound.toString());
    assertNotEquals("0", bound.valueOf("tcp").orElseThrow());
    await(TcpTransport.ping(await(client().dial(bound, serverIdentity.peerId()))));
  }

  @Test
  void threeConnectionsToOnePeerFromOneTransportAreDistinctAndEachCarriesStreams() {
    serverRouter.register("/echo", Streams.echo());
    TcpTransport server = server();
    RecordingInboundHandler handler = new RecordingInboundHandler();
    TransportListener l = listen(server, handler);
    TcpTransport client = client();

    List<NetConn> conns = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      conns.add(await(client.dial(l.addresses().get(0), serverIdentity.peerId())));
    }
    for (int i = 0; i < 3; i++) {
      assertEquals(clientIdentity.peerId(), handler.awaitConnection(WAIT).remotePeer());
    }

    assertEquals(3, new HashSet<>(conns.stream().map(NetConn::id).toList()).size());
    assertEquals(3, new HashSet<>(conns.stream().map(NetConn::localAddress).toList()).size(),
        "each connection has its own local port");
    assertEquals(3, client.connections().size());
    assertEquals(3, server.connections().size());
    for (int i = 0; i < conns.size(); i++) {
      byte[] data = Streams.randomBytes(50_000, i);
      assertArrayEquals(data, await(Streams.exchange(await(conns.get(i).newStream("/echo")), data, data.length)));
    }
    conns.get(1).close();
    await(conns.get(1).closeFuture());
    assertTrue(conns.get(0).isOpen() && conns.get(2).isOpen(), "closing one leaves the others open");
  }

  // ---- hostile clients ----

  @Test
  void aClientThatConnectsAndSendsNothingIsClosedAtTheHandshakeTimeoutWhileOthersAreServed() throws Exception {
    TcpTransport server = transport(serverIdentity, serverRouter, Duration.ofMillis(700), false);
    RecordingInboundHandler handler = new RecordingInboundHandler();
    TransportListener l = listen(server, handler);
    Socket silent = rawSocket(l);
    long start = System.nanoTime();

    NetConn other = await(client().dial(l.addresses().get(0), serverIdentity.peerId()));
    NetConn otherServerEnd = handler.awaitConnection(WAIT);
    RecordingInboundHandler.Failure failure = handler.awaitFailure(WAIT);
    byte[] got = readUntilClosed(silent);
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;

    assertInstanceOf(ConnectionTimeoutException.class, failure.cause());
    assertEquals(0, got.length, "a responder sends nothing before the dialer's header");
    assertTrue(elapsedMs >= 600, "closed only at the timeout, after " + elapsedMs + " ms");
    assertTrue(other.isOpen() && otherServerEnd.isOpen(), "the honest connection is unaffected");
    await(TcpTransport.ping(other));
  }

  @Test
  void garbageInsteadOfMultistreamClosesThatConnectionOnly() throws Exception {
    TcpTransport server = server();
    RecordingInboundHandler handler = new RecordingInboundHandler();
    TransportListener l = listen(server, handler);
    NetConn honest = await(client().dial(l.addresses().get(0), serverIdentity.peerId()));
    handler.awaitConnection(WAIT);
    Socket bad = rawSocket(l);

    OutputStream out = bad.getOutputStream();
    // 'G' reads as a 71-byte message; the request is longer, so the first message is complete and wrong.
    out.write(("GET / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/8.0\r\nAccept: */*\r\n"
        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    readUntilClosed(bad);

    RecordingInboundHandler.Failure failure = handler.awaitFailure(WAIT);
    assertInstanceOf(ProtocolNegotiationException.class, failure.cause(), String.valueOf(failure.cause()));
    assertTrue(honest.isOpen());
    await(TcpTransport.ping(honest));
  }

  @Test
  void aRefusedConnectionIsClosedBeforeAnyHandshakeByte() throws Exception {
    TcpTransport server = server();
    RecordingInboundHandler refusing = RecordingInboundHandler.refusingAll();
    TransportListener l = listen(server, refusing);
    Socket s;
    try {
      s = rawSocket(l);
    } catch (java.net.SocketException resetWhileConnecting) {
      s = null; // refused on the listening channel: the RST can come before connect() returns
    }

    if (s != null) {
      assertEquals(0, readUntilClosed(s).length);
    }
    assertEquals(1, refusing.acceptCalls());
    assertTrue(refusing.failures().isEmpty());
  }

  @Test
  void aRefusedConnectionIsResetNotClosedInOrder() throws Exception {
    TcpTransport server = server();
    TransportListener l = listen(server, RecordingInboundHandler.refusingAll());
    try (Socket s = rawSocket(l)) {
      // SO_LINGER 0: an RST, no FIN (and no TIME_WAIT left on the listener's side).
      java.net.SocketException reset = org.junit.jupiter.api.Assertions.assertThrows(java.net.SocketException.class,
          () -> s.getInputStream().read(), "a refused socket is reset, not closed in order");
      assertTrue(String.valueOf(reset.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("reset"),
          String.valueOf(reset.getMessage()));
    } catch (java.net.SocketException resetWhileConnecting) {
      // The RST came before connect() returned: reset all the same.
    }
  }

  @Test
  void anErrorNoHandlerTakesClosesTheChannelAndGoesNoFurther() {
    io.netty.channel.embedded.EmbeddedChannel alone = new io.netty.channel.embedded.EmbeddedChannel(
        TcpTransport.LAST_RESORT);
    alone.pipeline().fireExceptionCaught(new java.io.IOException("connection reset"));
    alone.checkException(); // nothing reached the tail
    assertFalse(alone.isOpen(), "closed");

    java.util.List<Throwable> seen = new java.util.ArrayList<>();
    io.netty.channel.embedded.EmbeddedChannel withMore = new io.netty.channel.embedded.EmbeddedChannel(
        TcpTransport.LAST_RESORT, new io.netty.channel.ChannelInboundHandlerAdapter() {
          @Override
          public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
            seen.add(cause);
          }
        });
    withMore.pipeline().fireExceptionCaught(new java.io.IOException("bad frame"));
    assertEquals(1, seen.size(), "passed on to the handler after it");
    assertTrue(withMore.isOpen(), "that handler decides");
    withMore.finishAndReleaseAll();
  }

  @Test
  void cancellingADialClosesItsSocket() throws Exception {
    try (java.net.ServerSocket silentServer = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      silentServer.setSoTimeout((int) WAIT.toMillis());
      Multiaddr address = Multiaddr.fromString("/ip4/127.0.0.1/tcp/" + silentServer.getLocalPort());
      // A handshake timeout far beyond the socket's read timeout: only the cancellation can close it in time.
      TcpTransport client = transport(clientIdentity, clientRouter, Duration.ofSeconds(120), false);
      CompletableFuture<NetConn> dial = client.dial(address, serverIdentity.peerId());
      Socket accepted = silentServer.accept();
      sockets.add(accepted);
      accepted.setSoTimeout((int) WAIT.toMillis());

      assertTrue(dial.cancel(true));

      readUntilClosed(accepted);
      assertTrue(dial.isCancelled());
      assertEquals(List.of(), client.connections());
    }
  }

  @Test
  void aDialToAServerThatNeverAnswersFailsRetryablyAtTheHandshakeTimeout() throws Exception {
    try (java.net.ServerSocket silentServer = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      silentServer.setSoTimeout((int) WAIT.toMillis());
      TcpTransport client = transport(clientIdentity, clientRouter, Duration.ofMillis(500), false);
      Multiaddr address = Multiaddr.fromString("/ip4/127.0.0.1/tcp/" + silentServer.getLocalPort());

      CompletableFuture<NetConn> dial = client.dial(address, serverIdentity.peerId());
      Socket accepted = silentServer.accept();
      sockets.add(accepted);
      accepted.setSoTimeout((int) WAIT.toMillis());
      Throwable t = awaitFailure(dial);

      assertInstanceOf(ConnectionTimeoutException.class, t);
      assertTrue(((ConnectionTimeoutException) t).isRetryable());
      readUntilClosed(accepted);
      assertEquals(List.of(), client.connections());
    }
  }

  @Test
  void anIdentifyAnswerLargerThanTheBoundFailsIdentifyButNotTheConnection() {
    serverRouter.register(Identify.PROTOCOL, s -> Streams.writeAllAndClose(s, new byte[Identify.MAX_BYTES + 1]));
    TcpTransport server = server();
    TransportListener l = listen(server, new RecordingInboundHandler());
    NetConn conn = await(client().dial(l.addresses().get(0), serverIdentity.peerId()));

    Throwable t = awaitFailure(TcpTransport.identify(conn));

    assertInstanceOf(io.braid.api.TransportException.class, t);
    assertTrue(conn.isOpen());
    await(TcpTransport.ping(conn));
  }

  @Test
  void anIdentifyAnswerWithAnotherPeersKeyIsRejected() {
    Identity impostor = Identity.generate();
    serverRouter.register(Identify.PROTOCOL, Identify.responder(impostor, List::of, List.of()));
    TcpTransport server = server();
    TransportListener l = listen(server, new RecordingInboundHandler());
    NetConn conn = await(client().dial(l.addresses().get(0), serverIdentity.peerId()));

    Throwable t = awaitFailure(TcpTransport.identify(conn));

    assertInstanceOf(io.braid.api.TransportException.class, t);
    assertTrue(t.getMessage().contains(impostor.peerId().toString()), t.getMessage());
  }

  @Test
  void aPingWhoseEchoDiffersFails() {
    // A broken responder: answers the first bytes it reads with 32 zero bytes.
    serverRouter.register(Ping.PROTOCOL, s -> s.read()
        .thenCompose(b -> s.write(java.nio.ByteBuffer.wrap(new byte[Ping.SIZE])))
        .thenCompose(v -> s.closeWrite()));
    TcpTransport server = server();
    TransportListener l = listen(server, new RecordingInboundHandler());
    NetConn conn = await(client().dial(l.addresses().get(0), serverIdentity.peerId()));

    Throwable t = awaitFailure(TcpTransport.ping(conn));

    assertInstanceOf(io.braid.api.TransportException.class, t);
    assertTrue(t.getMessage().contains("echo"), t.getMessage());
    assertTrue(conn.isOpen());
  }

  // ---- discovery and shutdown ----

  @Test
  void theProviderIsFoundByServiceLoaderAsTcp() {
    List<TransportProvider> tcp = ServiceLoader.load(TransportProvider.class).stream()
        .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("tcp")).toList();
    assertEquals(1, tcp.size());
    assertTrue(tcp.get(0).isAvailable());
    TransportContext context = new TransportContext(serverIdentity, serverRouter, WAIT);
    TcpTransport t = assertInstanceOf(TcpTransport.class, tcp.get(0).create(context));
    transports.add(t);
    assertEquals(TcpTransport.epollAvailable(), t.usesEpoll(), "epoll whenever it is available");
  }

  @Test
  void closingTheTransportStopsItsEventLoops() {
    TcpTransport t = server();
    listen(t, new RecordingInboundHandler());
    t.close();
    t.close();
    await(t.terminationFuture());
    assertTrue(t.isClosed());
    assertEquals(List.of(), t.listenAddresses());
  }

  @Test
  void builderRejectsANegativeKeepAliveAndAcceptsZeroToDisableIt() {
    TcpTransport.Builder b = TcpTransport.builder(new TransportContext(serverIdentity, serverRouter, WAIT));
    assertThrows(IllegalArgumentException.class, () -> b.keepAlive(Duration.ofSeconds(-1), Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> b.keepAlive(Duration.ofSeconds(1), Duration.ZERO));
    TcpTransport noKeepAlive = b.keepAlive(Duration.ZERO, Duration.ofSeconds(1)).threads(1).build();
    transports.add(noKeepAlive);
    TransportListener l = listen(noKeepAlive, new RecordingInboundHandler());
    await(TcpTransport.ping(await(client().dial(l.addresses().get(0), serverIdentity.peerId()))));
  }

  @Test
  void builderRejectsANegativeThreadCount() {
    TcpTransport.Builder b = TcpTransport.builder(new TransportContext(serverIdentity, serverRouter, WAIT));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.threads(-1));
    assertTrue(e.getMessage().contains("threads"));
  }
}
