package io.braid.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ConnectionClosedException;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.TransportContext;
import io.braid.api.TransportListener;
import io.braid.identity.Identity;
import io.braid.testkit.RecordingInboundHandler;
import io.braid.testkit.Streams;
import io.braid.testkit.TestStreamRouter;
import io.braid.transport.tcp.internal.tls.TlsHandshakeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * libp2p TLS between real sockets on loopback, on each provider: the muxer negotiated with
 * multistream-select after the handshake when one side offers no muxer through ALPN, and a TLS-only
 * listener facing a client that sends garbage, a truncated handshake or closes mid-handshake (and a dialer
 * facing a server that closes mid-handshake): each fails with a clear exception, its socket closed, no
 * buffer leaked (paranoid leak detection, {@link LeakCheck}), and the listener goes on serving.
 */
@ExtendWith(LeakCheck.class)
class TlsOverTcpTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String ECHO = "/braid/test/echo/1.0.0";

  private final List<TcpTransport> transports = new ArrayList<>();

  @AfterEach
  void closeTransports() throws Exception {
    for (TcpTransport t : transports) {
      t.close();
    }
    for (TcpTransport t : transports) {
      t.terminationFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private TcpTransport transport(Identity identity, TlsProvider provider, boolean alpnMuxer) {
    TcpTransport t = TcpTransport.builder(new TransportContext(identity,
            new TestStreamRouter().register(ECHO, Streams.echo()), WAIT))
        .identifyOnConnect(false).threads(1)
        .security(List.of(SecurityProtocol.TLS)).tlsProvider(provider).earlyMuxerNegotiation(alpnMuxer).build();
    transports.add(t);
    return t;
  }

  static List<TlsProvider> providers() {
    return TlsTestSupport.providers();
  }

  static Stream<Arguments> providersAndSilentSide() {
    return providers().stream().flatMap(p -> Stream.of(Arguments.of(p, "dialer"), Arguments.of(p, "listener")));
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static int port(Multiaddr address) {
    String[] parts = address.toString().split("/");
    return Integer.parseInt(parts[4]);
  }

  /** 64 KiB there and back on a new stream of {@code conn}, through the echo handler. */
  private static void echoes(NetConn conn) throws Exception {
    byte[] data = Streams.randomBytes(64 * 1024, 7);
    NetStream s = await(conn.newStream(ECHO));
    assertArrayEquals(data, await(Streams.exchange(s, data, data.length)));
  }

  @ParameterizedTest(name = "{0}, no muxer in ALPN on the {1}")
  @MethodSource("providersAndSilentSide")
  void withoutAMuxerInAlpnTheMuxerIsNegotiatedWithMultistreamSelectAfterTheHandshake(TlsProvider provider,
      String silent) throws Exception {
    Identity serverId = Identity.generate();
    TcpTransport server = transport(serverId, provider, !silent.equals("listener"));
    TcpTransport client = transport(Identity.generate(), provider, !silent.equals("dialer"));
    RecordingInboundHandler inbound = new RecordingInboundHandler();
    TransportListener listener = await(server.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"), inbound));

    NetConn conn = await(client.dial(listener.addresses().get(0), serverId.peerId()));
    NetConn accepted = inbound.awaitConnection(WAIT);

    assertEquals(SecurityProtocol.TLS, TcpTransport.security(conn));
    assertEquals(SecurityProtocol.TLS, TcpTransport.security(accepted));
    assertFalse(TcpTransport.earlyMuxerNegotiated(conn), "ALPN settled on \"libp2p\": Yamux came later");
    assertFalse(TcpTransport.earlyMuxerNegotiated(accepted));
    echoes(conn);
    conn.close();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void withAMuxerInAlpnOnBothSidesMultistreamSelectIsSkipped(TlsProvider provider) throws Exception {
    Identity serverId = Identity.generate();
    TcpTransport server = transport(serverId, provider, true);
    TcpTransport client = transport(Identity.generate(), provider, true);
    TransportListener listener = await(server.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"),
        new RecordingInboundHandler()));

    NetConn conn = await(client.dial(listener.addresses().get(0), serverId.peerId()));

    assertTrue(TcpTransport.earlyMuxerNegotiated(conn));
    echoes(conn);
  }

  // ---- hostile peers ----

  /** A TLS-only listener, the raw socket of a client that negotiated /tls/1.0.0, and what the listener saw. */
  private record Hostile(TcpTransport server, Identity serverId, TransportListener listener,
      RecordingInboundHandler inbound, Socket socket) {}

  private Hostile hostileClient(TlsProvider provider) throws Exception {
    Identity serverId = Identity.generate();
    TcpTransport server = transport(serverId, provider, true);
    RecordingInboundHandler inbound = new RecordingInboundHandler();
    TransportListener listener = await(server.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"), inbound));
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port(listener.addresses().get(0)));
    socket.setSoTimeout((int) WAIT.toMillis());
    OutputStream out = socket.getOutputStream();
    out.write(mss("/multistream/1.0.0"));
    out.write(mss("/tls/1.0.0"));
    out.flush();
    assertEquals("/multistream/1.0.0", readMss(socket.getInputStream()));
    assertEquals("/tls/1.0.0", readMss(socket.getInputStream()));
    return new Hostile(server, serverId, listener, inbound, socket);
  }

  /** The listener closed the socket: reading ends (or the connection is reset) within the bound. */
  private static void assertClosedByPeer(Socket socket) throws IOException {
    try (socket) {
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[4096];
      try {
        while (in.read(buf) >= 0) {
          // the listener's alert, if any
        }
      } catch (SocketException reset) {
        // closed with unread data: a reset is a close too
      }
    }
  }

  /** After a hostile client, an honest dialer still gets a working connection. */
  private void stillServes(Hostile h, TlsProvider provider) throws Exception {
    TcpTransport honest = transport(Identity.generate(), provider, true);
    NetConn conn = await(honest.dial(h.listener().addresses().get(0), h.serverId().peerId()));
    echoes(conn);
    conn.close();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void garbageInsteadOfAClientHelloFailsThatConnectionClearlyAndTheListenerGoesOn(TlsProvider provider)
      throws Exception {
    Hostile h = hostileClient(provider);

    OutputStream out = h.socket().getOutputStream();
    out.write("GET / HTTP/1.1\r\nHost: braid\r\n\r\n".repeat(20).getBytes(StandardCharsets.US_ASCII));
    out.flush();

    RecordingInboundHandler.Failure failure = h.inbound().awaitFailure(WAIT);
    TlsHandshakeException e = assertInstanceOf(TlsHandshakeException.class, failure.cause());
    assertTrue(e.getMessage().startsWith("the TLS handshake failed"), e.getMessage());
    assertClosedByPeer(h.socket());
    stillServes(h, provider);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void aTruncatedClientHelloThenEndOfStreamFailsAsClosedAndTheListenerGoesOn(TlsProvider provider)
      throws Exception {
    Hostile h = hostileClient(provider);
    byte[] hello = clientHello();

    OutputStream out = h.socket().getOutputStream();
    out.write(Arrays.copyOf(hello, hello.length / 2));
    out.flush();
    h.socket().shutdownOutput();

    Throwable cause = h.inbound().awaitFailure(WAIT).cause();
    assertTrue(cause instanceof ConnectionClosedException || cause instanceof TlsHandshakeException, cause.toString());
    assertTrue(cause.getMessage().contains("TLS handshake"), cause.getMessage());
    assertClosedByPeer(h.socket());
    stillServes(h, provider);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void aClientThatClosesAfterTheServersFirstFlightFailsAsClosedAndTheListenerGoesOn(TlsProvider provider)
      throws Exception {
    Hostile h = hostileClient(provider);

    OutputStream out = h.socket().getOutputStream();
    out.write(clientHello());
    out.flush();
    InputStream in = h.socket().getInputStream();
    assertEquals(0x16, in.read(), "the listener answers with a TLS handshake record (its ServerHello)");
    h.socket().close();

    Throwable cause = h.inbound().awaitFailure(WAIT).cause();
    assertTrue(cause instanceof ConnectionClosedException || cause instanceof TlsHandshakeException, cause.toString());
    assertTrue(cause.getMessage().contains("TLS handshake"), cause.getMessage());
    stillServes(h, provider);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void aServerThatClosesMidHandshakeFailsTheDialClearly(TlsProvider provider) throws Exception {
    TcpTransport client = transport(Identity.generate(), provider, true);
    try (ServerSocket raw = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      raw.setSoTimeout((int) WAIT.toMillis());
      CompletableFuture<NetConn> dial = client.dial(
          Multiaddr.fromString("/ip4/127.0.0.1/tcp/" + raw.getLocalPort()), Identity.generate().peerId());
      try (Socket s = raw.accept()) {
        s.setSoTimeout((int) WAIT.toMillis());
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        out.write(mss("/multistream/1.0.0"));
        out.flush();
        assertEquals("/multistream/1.0.0", readMss(in));
        assertEquals("/tls/1.0.0", readMss(in));
        out.write(mss("/tls/1.0.0"));
        out.flush();
        assertEquals(0x16, in.read(), "the dialer sends its ClientHello");
      } // closed mid-handshake

      ExecutionException e = assertThrows(ExecutionException.class, () -> dial.get(WAIT.toSeconds(), TimeUnit.SECONDS));
      Throwable cause = e.getCause();
      assertTrue(cause instanceof ConnectionClosedException || cause instanceof TlsHandshakeException, cause.toString());
      assertTrue(cause.getMessage().contains("TLS handshake") || cause.getMessage().contains("closed"),
          cause.getMessage());
    }
  }

  // ---- wire helpers ----

  /** A multistream-select message: uvarint length, the protocol, a newline. */
  private static byte[] mss(String protocol) {
    byte[] body = (protocol + "\n").getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int n = body.length;
    while (n >= 0x80) {
      out.write((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    out.write(n);
    out.writeBytes(body);
    return out.toByteArray();
  }

  private static String readMss(InputStream in) throws IOException {
    int length = 0;
    for (int shift = 0; ; shift += 7) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("end of stream in a multistream-select length");
      }
      length |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    byte[] body = in.readNBytes(length);
    if (body.length != length || length == 0 || body[length - 1] != '\n') {
      throw new IOException("bad multistream-select message");
    }
    return new String(body, 0, length - 1, StandardCharsets.US_ASCII);
  }

  /** The bytes of a real TLS 1.3 ClientHello, from the JDK's engine. */
  private static byte[] clientHello() throws Exception {
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(null, null, null);
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(true);
    engine.beginHandshake();
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] hello = new byte[out.remaining()];
    out.get(hello);
    return hello;
  }
}
