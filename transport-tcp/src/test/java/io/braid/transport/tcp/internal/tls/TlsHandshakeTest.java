package io.braid.transport.tcp.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
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
  private EmbeddedChannel client;
  private EmbeddedChannel server;

  @AfterEach
  void closeChannels() {
    for (EmbeddedChannel ch : new EmbeddedChannel[] {client, server}) {
      if (ch != null) {
        ch.finishAndReleaseAll();
      }
    }
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
    TlsHandshake s = TlsHandshake.install(server, serverKey, false, null, serverOpenSsl, serverMuxers, TIMEOUT);
    TlsHandshake c = TlsHandshake.install(client, clientKey, true, expected, clientOpenSsl, clientMuxers, TIMEOUT);
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
    TlsHandshake s = TlsHandshake.install(server, Libp2pCertificate.generate(serverIdentity), false, null, openSsl,
        List.of(YAMUX), TIMEOUT);

    server.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
    server.runPendingTasks();

    Throwable e = assertInstanceOf(TlsHandshakeException.class, failure(s.result()));
    assertTrue(e.getMessage().startsWith("the TLS handshake failed"), e.getMessage());
    assertFalse(server.isOpen());
  }

  @ParameterizedTest(name = "OpenSSL {0}")
  @MethodSource("openSsl")
  void aTruncatedRecordThenCloseFailsTheServerAsClosed(boolean openSsl) {
    server = new EmbeddedChannel();
    TlsHandshake s = TlsHandshake.install(server, Libp2pCertificate.generate(serverIdentity), false, null, openSsl,
        List.of(YAMUX), TIMEOUT);

    // A handshake record header announcing 512 bytes, and only 3 of them.
    server.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01}));
    assertFalse(s.result().isDone());
    server.close();
    server.runPendingTasks();

    Throwable e = failure(s.result());
    assertTrue(e instanceof ConnectionClosedException || e instanceof TlsHandshakeException, e.toString());
  }
}
