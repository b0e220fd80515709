package io.braid.transport.tcp.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.braid.api.ConnectionClosedException;
import io.braid.api.PeerIdMismatchException;
import io.braid.identity.Identity;
import io.braid.identity.KeyType;
import io.braid.transport.tcp.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TLS handshake between two in-memory channels, on the JDK's provider and on BoringSSL (where it
 * loads): who is proven, which muxer ALPN picks, and the error each side reports for each bad certificate.
 */
@ExtendWith(LeakCheck.class)
class TlsHandshakeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String YAMUX = "/yamux/1.0.0";

  private final Identity serverIdentity = Identity.generate();
  private final Identity clientIdentity = Identity.generate();
  private final List<TlsContexts> contexts = new ArrayList<>();
  private EmbeddedChannel client;
  private EmbeddedChannel server;

  @AfterEach
  void closeChannelsAndContexts() {
    releaseChannels();
    contexts.forEach(TlsContexts::close);
  }

  private void releaseChannels() {
    for (EmbeddedChannel ch : new EmbeddedChannel[] {client, server}) {
      if (ch != null) {
        ch.finishAndReleaseAll();
      }
    }
  }

  private TlsContexts contexts(Identity identity, boolean openSsl, List<String> muxers) {
    TlsContexts c = new TlsContexts(identity, openSsl, muxers);
    contexts.add(c);
    return c;
  }

  static List<Boolean> openSsl() {
    return TlsHandshake.openSslAvailable() ? List.of(false, true) : List.of(false);
  }

  static Stream<Arguments> providerPairs() {
    return openSsl().stream().flatMap(c -> openSsl().stream().map(s -> Arguments.of(c, s)));
  }

  private TlsHandshake[] start(boolean clientOpenSsl, boolean serverOpenSsl, Libp2pCertificate.CertifiedKey clientKey,
      Libp2pCertificate.CertifiedKey serverKey, io.braid.api.PeerId expected, List<String> clientMuxers,
      List<String> serverMuxers) {
    client = new EmbeddedChannel();
    server = new EmbeddedChannel();
    TlsHandshake s = TlsHandshake.install(server, contexts(serverIdentity, serverOpenSsl, serverMuxers), serverKey,
        false, null, TIMEOUT);
    TlsHandshake c = TlsHandshake.install(client, contexts(clientIdentity, clientOpenSsl, clientMuxers), clientKey,
        true, expected, TIMEOUT);
    pump();
    return new TlsHandshake[] {c, s};
  }

  private TlsHandshake[] start(boolean clientOpenSsl, boolean serverOpenSsl) {
    return start(clientOpenSsl, serverOpenSsl, Libp2pCertificate.generate(clientIdentity),
        Libp2pCertificate.generate(serverIdentity), serverIdentity.peerId(), List.of(YAMUX), List.of(YAMUX));
  }

  /** Moves bytes between the channels until neither has anything more to say. */
  private void pump() {
    for (int round = 0; round < 1000; round++) {
      boolean moved = move(client, server) | move(server, client);
      if (!moved) {
        return;
      }
    }
    fail("the handshake did not settle");
  }

  private static boolean move(EmbeddedChannel from, EmbeddedChannel to) {
    boolean moved = false;
    for (Object msg; (msg = from.readOutbound()) != null; ) {
      moved = true;
      if (to.isOpen()) {
        try {
          to.writeInbound(msg);
        } catch (RuntimeException e) {
          // After its handshake a side's exceptions (the peer's alert) reach the end of this bare pipeline,
          // where the upgrader would have put the muxer; the channel closes either way.
          to.close();
        }
      } else {
        io.netty.util.ReferenceCountUtil.release(msg);
      }
    }
    to.runPendingTasks();
    from.runPendingTasks();
    return moved;
  }

  private static <T> T done(CompletableFuture<T> f) {
    assertTrue(f.isDone(), "not complete");
    return f.join();
  }

  private static Throwable failure(CompletableFuture<?> f) {
    assertTrue(f.isDone(), "not complete");
    try {
      f.get();
      return fail("completed normally");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest(name = "client OpenSSL {0}, server OpenSSL {1}")
  @MethodSource("providerPairs")
  void bothSidesLearnTheOthersPeerAndAgreeOnYamuxThroughAlpn(boolean clientOpenSsl, boolean serverOpenSsl) {
    TlsHandshake[] hs = start(clientOpenSsl, serverOpenSsl);

    TlsHandshake.Result c = done(hs[0].result());
    TlsHandshake.Result s = done(hs[1].result());
    assertEquals(serverIdentity.peerId(), c.remotePeer());
    assertEquals(clientIdentity.peerId(), s.remotePeer());
    assertEquals(YAMUX, c.earlyMuxer());
    assertEquals(YAMUX, s.earlyMuxer());
    assertEquals(TlsHandshake.HANDLER_NAME, client.pipeline().names().get(0));
    assertNull(client.pipeline().get("tls-guard"), "the guard leaves once the handshake is done");

    // Application data crosses, encrypted.
    client.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII));
    pump();
    ByteBuf got = server.readInbound();
    try {
      assertEquals("hello", got.toString(StandardCharsets.US_ASCII));
    } finally {
      got.release();
    }
  }

  @ParameterizedTest(name = "client offers a muxer {0}")
  @ValueSource(booleans = {true, false})
  void withoutAMuxerOnOneSideAlpnSettlesOnLibp2pAndTheMuxerIsNegotiatedLater(boolean clientOffers) {
    TlsHandshake[] hs = start(false, openSsl().get(openSsl().size() - 1),
        Libp2pCertificate.generate(clientIdentity), Libp2pCertificate.generate(serverIdentity), null,
        clientOffers ? List.of(YAMUX) : List.of(), clientOffers ? List.of() : List.of(YAMUX));

    assertNull(done(hs[0].result()).earlyMuxer());
    assertNull(done(hs[1].result()).earlyMuxer());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keyTypes")
  void everyHostKeyTypeAuthenticates(KeyType type) {
    Identity s = Identity.generate(type);
    Identity c = Identity.generate(type);
    TlsHandshake[] hs = start(false, false, Libp2pCertificate.generate(c), Libp2pCertificate.generate(s),
        s.peerId(), List.of(YAMUX), List.of(YAMUX));

    assertEquals(s.peerId(), done(hs[0].result()).remotePeer());
    assertEquals(c.peerId(), done(hs[1].result()).remotePeer());
  }

  static Stream<KeyType> keyTypes() {
    return Stream.of(KeyType.values());
  }

  @ParameterizedTest(name = "OpenSSL {0}")
  @MethodSource("openSsl")
  void theDialerRejectsAServerThatProvesAnotherPeer(boolean openSsl) {
    Identity expected = Identity.generate();
    TlsHandshake[] hs = start(openSsl, openSsl, Libp2pCertificate.generate(clientIdentity),
        Libp2pCertificate.generate(serverIdentity), expected.peerId(), List.of(YAMUX), List.of(YAMUX));

    PeerIdMismatchException e = assertInstanceOf(PeerIdMismatchException.class, failure(hs[0].result()));
    assertEquals(expected.peerId(), e.expected());
    assertEquals(serverIdentity.peerId(), e.actual());
    assertFalse(client.isOpen());
    // The server hears an alert (or the close) and fails too.
    assertFalse(hs[1].result().isDone() && !hs[1].result().isCompletedExceptionally(),
        "the server must not hand out a connection to a client that rejected it");
  }

  @ParameterizedTest(name = "OpenSSL {0}")
  @MethodSource("openSsl")
  void theDialerRejectsAnExpiredServerCertificateWithAClearMessage(boolean openSsl) {
    Libp2pCertificate.CertifiedKey bad = CertificateForge.forIdentity(serverIdentity)
        .validity(Instant.now().minus(Duration.ofDays(3)), Instant.now().minus(Duration.ofDays(1))).build();
    TlsHandshake[] hs = start(openSsl, openSsl, Libp2pCertificate.generate(clientIdentity), bad,
        serverIdentity.peerId(), List.of(YAMUX), List.of(YAMUX));

    Throwable e = assertInstanceOf(TlsHandshakeException.class, failure(hs[0].result()));
    assertTrue(e.getMessage().contains("outside its validity period"), e.getMessage());
    assertFalse(client.isOpen());
  }

  @ParameterizedTest(name = "OpenSSL {0}")
  @MethodSource("openSsl")
  void theListenerRejectsAClientCertificateWithABadLibp2pSignature(boolean openSsl) {
    CertificateForge forge = CertificateForge.forIdentity(clientIdentity);
    byte[] wrongSignature = Libp2pCertificate.extensionValue(clientIdentity.publicKey(),
        clientIdentity.sign("something else".getBytes(StandardCharsets.US_ASCII)));
    Libp2pCertificate.CertifiedKey bad = forge.extension(wrongSignature).build();
    TlsHandshake[] hs = start(openSsl, openSsl, bad, Libp2pCertificate.generate(serverIdentity),
        serverIdentity.peerId(), List.of(YAMUX), List.of(YAMUX));

    Throwable e = assertInstanceOf(TlsHandshakeException.class, failure(hs[1].result()));
    assertTrue(e.getMessage().contains("libp2p signature in the peer's certificate does not verify"), e.getMessage());
    assertFalse(server.isOpen());
    // In TLS 1.3 the client finished first; it learns of the rejection from the alert and closes.
    assertFalse(client.isOpen() && hs[0].result().isDone() && !hs[0].result().isCompletedExceptionally()
        && client.pipeline().get(TlsHandshake.HANDLER_NAME) == null);
  }

  @ParameterizedTest(name = "OpenSSL {0}")
  @MethodSource("openSsl")
  void theListenerRejectsAClientCertificateWithoutTheExtension(boolean openSsl) {
    TlsHandshake[] hs = start(openSsl, openSsl, CertificateForge.forIdentity(clientIdentity).extension(null).build(),
        Libp2pCertificate.generate(serverIdentity), serverIdentity.peerId(), List.of(YAMUX), List.of(YAMUX));

    Throwable e = assertInstanceOf(TlsHandshakeException.class, failure(hs[1].result()));
    assertTrue(e.getMessage().contains("lacks the libp2p public key extension"), e.getMessage());
  }

  @ParameterizedTest(name = "OpenSSL {0}")
  @MethodSource("openSsl")
  void garbageInsteadOfAClientHelloFailsTheServerAndClosesIt(boolean openSsl) {
    server = new EmbeddedChannel();
    TlsContexts serverContexts = contexts(serverIdentity, openSsl, List.of(YAMUX));
    TlsHandshake s = TlsHandshake.install(server, serverContexts, false, null, TIMEOUT);

    server.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
    server.runPendingTasks();

    Throwable e = assertInstanceOf(TlsHandshakeException.class, failure(s.result()));
    assertTrue(e.getMessage().startsWith("the TLS handshake failed"), e.getMessage());
    assertFalse(server.isOpen());
    assertEquals(0, serverContexts.openSessions(), "the failed handshake's session is forgotten");
  }

  @ParameterizedTest(name = "OpenSSL {0}")
  @MethodSource("openSsl")
  void aTruncatedRecordThenCloseFailsTheServerAsClosed(boolean openSsl) {
    server = new EmbeddedChannel();
    TlsContexts serverContexts = contexts(serverIdentity, openSsl, List.of(YAMUX));
    TlsHandshake s = TlsHandshake.install(server, serverContexts, false, null, TIMEOUT);

    // A handshake record header announcing 512 bytes, and only 3 of them.
    server.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01}));
    assertFalse(s.result().isDone());
    server.close();
    server.runPendingTasks();

    Throwable e = failure(s.result());
    assertTrue(e instanceof ConnectionClosedException || e instanceof TlsHandshakeException, e.toString());
    assertEquals(0, serverContexts.openSessions(), "the closed handshake's session is forgotten");
  }

  @ParameterizedTest(name = "OpenSSL {0}")
  @MethodSource("openSsl")
  void oneContextPerRoleServesEveryConnectionWhileEachConnectionPresentsAFreshCertificate(boolean openSsl)
      throws Exception {
    TlsContexts clientContexts = contexts(clientIdentity, openSsl, List.of(YAMUX));
    TlsContexts serverContexts = contexts(serverIdentity, openSsl, List.of(YAMUX));
    List<byte[]> clientCertificates = new ArrayList<>();
    List<byte[]> serverCertificates = new ArrayList<>();
    io.netty.handler.ssl.SslContext firstClientContext = null;
    io.netty.handler.ssl.SslContext firstServerContext = null;
    for (int i = 0; i < 3; i++) {
      releaseChannels();
      client = new EmbeddedChannel();
      server = new EmbeddedChannel();
      TlsHandshake s = TlsHandshake.install(server, serverContexts, false, null, TIMEOUT);
      TlsHandshake c = TlsHandshake.install(client, clientContexts, true, serverIdentity.peerId(), TIMEOUT);
      pump();

      assertEquals(serverIdentity.peerId(), done(c.result()).remotePeer());
      assertEquals(clientIdentity.peerId(), done(s.result()).remotePeer());
      clientCertificates.add(peerCertificate(server));
      serverCertificates.add(peerCertificate(client));
      if (i == 0) {
        firstClientContext = clientContexts.context(true);
        firstServerContext = serverContexts.context(false);
      }
      assertSame(firstClientContext, clientContexts.context(true), "one client context for every connection");
      assertSame(firstServerContext, serverContexts.context(false), "one server context for every connection");
      assertEquals(0, clientContexts.openSessions() + serverContexts.openSessions(),
          "a finished handshake's session is forgotten");
    }
    for (List<byte[]> certificates : List.of(clientCertificates, serverCertificates)) {
      for (int a = 0; a < certificates.size(); a++) {
        for (int b = a + 1; b < certificates.size(); b++) {
          assertFalse(java.util.Arrays.equals(certificates.get(a), certificates.get(b)),
              "connections " + a + " and " + b + " presented the same certificate");
        }
      }
    }
  }

  /** The DER encoding of the certificate the peer of {@code channel} presented. */
  private static byte[] peerCertificate(EmbeddedChannel channel) throws Exception {
    return channel.pipeline().get(io.netty.handler.ssl.SslHandler.class).engine().getSession()
        .getPeerCertificates()[0].getEncoded();
  }

  @ParameterizedTest(name = "OpenSSL {0}")
  @MethodSource("openSsl")
  void closedContextsRefuseANewHandshakeWithAClearMessage(boolean openSsl) {
    TlsContexts closed = contexts(serverIdentity, openSsl, List.of(YAMUX));
    closed.context(false);
    closed.close();
    server = new EmbeddedChannel();

    TlsHandshakeException e = org.junit.jupiter.api.Assertions.assertThrows(TlsHandshakeException.class,
        () -> TlsHandshake.install(server, closed, false, null, TIMEOUT));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    assertEquals(0, closed.openSessions());
  }
}
