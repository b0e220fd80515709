package io.braid.transport.tcp.internal.noise;

import static io.braid.transport.tcp.internal.noise.NoiseTestSupport.channel;
import static io.braid.transport.tcp.internal.noise.NoiseTestSupport.drainOutbound;
import static io.braid.transport.tcp.internal.noise.NoiseTestSupport.finish;
import static io.braid.transport.tcp.internal.noise.NoiseTestSupport.move;
import static io.braid.transport.tcp.internal.noise.NoiseTestSupport.pump;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ConnectionClosedException;
import io.braid.api.ConnectionTimeoutException;
import io.braid.api.PeerIdMismatchException;
import io.braid.identity.Identity;
import io.braid.identity.KeyType;
import io.braid.transport.tcp.internal.TrackingAllocator;
import io.braid.transport.tcp.internal.noise.NoiseTestSupport.Sink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class NoiseHandshakeHandlerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Identity ALICE = Identity.generate();
  private static final Identity BOB = Identity.generate();

  private final TrackingAllocator allocator = new TrackingAllocator();
  private final Sink initiatorSink = new Sink();
  private final Sink responderSink = new Sink();
  private EmbeddedChannel initiatorChannel;
  private EmbeddedChannel responderChannel;

  @AfterEach
  void releaseEverything() {
    if (initiatorChannel != null) {
      finish(initiatorChannel);
    }
    if (responderChannel != null) {
      finish(responderChannel);
    }
    allocator.assertAllReleased();
  }

  private NoiseHandshakeHandler connect(NoiseHandshakeHandler initiator, NoiseHandshakeHandler responder) {
    responderChannel = channel(allocator, responder, responderSink);
    initiatorChannel = channel(allocator, initiator, initiatorSink);
    return initiator;
  }

  private static <T> Throwable failure(CompletableFuture<T> f) {
    assertTrue(f.isCompletedExceptionally(), "the handshake should have failed");
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, SECONDS));
    return e.getCause();
  }

  private static ByteBuf bytes(byte[] b) {
    return Unpooled.wrappedBuffer(b);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(KeyType.class)
  void bothSidesLearnTheRemotePeerIdAndTheCodecReplacesTheHandler(KeyType type) throws Exception {
    Identity a = Identity.generate(type);
    Identity b = Identity.generate(type);
    NoiseHandshakeHandler initiator = NoiseHandshakeHandler.initiator(a, b.peerId(), TIMEOUT);
    NoiseHandshakeHandler responder = NoiseHandshakeHandler.responder(b, TIMEOUT);
    connect(initiator, responder);
    pump(initiatorChannel, responderChannel);

    NoiseHandshakeResult atInitiator = initiator.handshakeFuture().get(5, SECONDS);
    NoiseHandshakeResult atResponder = responder.handshakeFuture().get(5, SECONDS);
    assertEquals(b.peerId(), atInitiator.remotePeerId());
    assertEquals(b.verifyingKey(), atInitiator.remotePublicKey());
    assertEquals(a.peerId(), atResponder.remotePeerId());
    assertNull(initiatorChannel.pipeline().get(NoiseHandshakeHandler.class));
    assertNotNull(initiatorChannel.pipeline().get(NoiseHandshakeHandler.CODEC_NAME));
    assertNotNull(responderChannel.pipeline().get(NoiseCodec.class));

    initiatorChannel.writeOutbound(bytes("ping".getBytes()));
    responderChannel.writeOutbound(bytes("pong".getBytes()));
    pump(initiatorChannel, responderChannel);
    assertArrayEquals("ping".getBytes(), responderSink.bytes());
    assertArrayEquals("pong".getBytes(), initiatorSink.bytes());
  }

  @Test
  void aMebibyteEachWayArrivesIntactInFramesOfAtMost65535Bytes() throws Exception {
    NoiseHandshakeHandler initiator = connect(
        NoiseHandshakeHandler.initiator(ALICE, BOB.peerId(), TIMEOUT), NoiseHandshakeHandler.responder(BOB, TIMEOUT));
    pump(initiatorChannel, responderChannel);
    initiator.handshakeFuture().get(5, SECONDS);

    byte[] big = new byte[1 << 20];
    new Random(1).nextBytes(big);
    byte[] other = new byte[1 << 20];
    new Random(2).nextBytes(other);
    ByteBuf plainOut = bytes(big);
    initiatorChannel.writeOutbound(plainOut);
    assertEquals(0, plainOut.refCnt(), "the codec releases what it encrypts");
    responderChannel.writeOutbound(bytes(other));

    // Check the framing on the wire of the initiator's write before handing it over. The codec writes it
    // in direct buffers of at most 32 KiB (what the pooled allocator caches per thread).
    ByteBuf wire = io.netty.buffer.Unpooled.buffer();
    for (ByteBuf piece; (piece = initiatorChannel.readOutbound()) != null; ) {
      assertTrue(piece.readableBytes() <= 32 * 1024, "outbound buffer of " + piece.readableBytes() + " bytes");
      wire.writeBytes(piece);
      piece.release();
    }
    int frames = 0;
    int plaintext = 0;
    for (int at = wire.readerIndex(); at < wire.writerIndex(); frames++) {
      int length = wire.getUnsignedShort(at);
      assertTrue(length <= 65535 && length > 16, "frame length " + length);
      plaintext += length - 16;
      at += 2 + length;
    }
    assertEquals(big.length, plaintext);
    assertEquals((big.length + NoiseCodec.MAX_PLAINTEXT - 1) / NoiseCodec.MAX_PLAINTEXT, frames);
    responderChannel.writeInbound(wire);
    pump(initiatorChannel, responderChannel);

    assertArrayEquals(big, responderSink.bytes());
    assertArrayEquals(other, initiatorSink.bytes());
    assertEquals(frames, responderSink.reads, "one decrypted buffer per frame");
  }

  @Test
  void theInitiatorsFirstTransportFrameInTheSameReadAsMessageThreeReachesTheCodec() throws Exception {
    NoiseHandshakeHandler responder = NoiseHandshakeHandler.responder(BOB, TIMEOUT);
    NoiseHandshakeHandler initiator = connect(NoiseHandshakeHandler.initiator(ALICE, BOB.peerId(), TIMEOUT), responder);
    move(initiatorChannel, responderChannel); // message 1
    move(responderChannel, initiatorChannel); // message 2; the initiator answers with message 3 and is done
    initiator.handshakeFuture().get(5, SECONDS);
    initiatorChannel.writeOutbound(bytes("early".getBytes()));
    byte[] wire = drainOutbound(initiatorChannel); // message 3 and the first transport frame, back to back
    // Deliver everything in one read, as TCP may.
    responderChannel.writeInbound(bytes(wire));
    assertEquals(ALICE.peerId(), responder.handshakeFuture().get(5, SECONDS).remotePeerId());
    assertArrayEquals("early".getBytes(), responderSink.bytes());
  }

  @Test
  void aListenerRegisteredBeforeCompletionCanAddTheNextHandlerAndSeeTheEarlyBytes() throws Exception {
    NoiseHandshakeHandler responder = NoiseHandshakeHandler.responder(BOB, TIMEOUT);
    Sink late = new Sink();
    responder.handshakeFuture().thenAccept(r -> responderChannel.pipeline().addAfter(NoiseHandshakeHandler.CODEC_NAME, "next", late));
    NoiseHandshakeHandler initiator = connect(NoiseHandshakeHandler.initiator(ALICE, BOB.peerId(), TIMEOUT), responder);
    move(initiatorChannel, responderChannel);
    move(responderChannel, initiatorChannel);
    initiatorChannel.writeOutbound(bytes("early".getBytes()));
    responderChannel.writeInbound(bytes(drainOutbound(initiatorChannel)));
    assertTrue(initiator.handshakeFuture().isDone());
    assertArrayEquals("early".getBytes(), late.bytes());
    assertEquals(0, responderSink.bytes().length);
  }

  @Test
  void handshakeMessagesSplitIntoSingleBytesStillComplete() throws Exception {
    NoiseHandshakeHandler responder = NoiseHandshakeHandler.responder(BOB, TIMEOUT);
    NoiseHandshakeHandler initiator = connect(NoiseHandshakeHandler.initiator(ALICE, BOB.peerId(), TIMEOUT), responder);
    for (int round = 0; round < 3; round++) {
      byte[] a = drainOutbound(initiatorChannel);
      for (byte x : a) {
        responderChannel.writeInbound(bytes(new byte[] {x}));
      }
      byte[] b = drainOutbound(responderChannel);
      for (byte x : b) {
        initiatorChannel.writeInbound(bytes(new byte[] {x}));
      }
    }
    assertEquals(BOB.peerId(), initiator.handshakeFuture().get(5, SECONDS).remotePeerId());
    assertEquals(ALICE.peerId(), responder.handshakeFuture().get(5, SECONDS).remotePeerId());
  }

  @Test
  void dialingTheWrongPeerFailsWithPeerIdMismatchAndClosesTheConnection() {
    Identity expected = Identity.generate();
    NoiseHandshakeHandler initiator = connect(
        NoiseHandshakeHandler.initiator(ALICE, expected.peerId(), TIMEOUT), NoiseHandshakeHandler.responder(BOB, TIMEOUT));
    pump(initiatorChannel, responderChannel);
    PeerIdMismatchException e = assertInstanceOf(PeerIdMismatchException.class, failure(initiator.handshakeFuture()));
    assertEquals(BOB.peerId(), e.actual());
    assertFalse(e.isRetryable());
    assertFalse(initiatorChannel.isOpen());
    assertInstanceOf(PeerIdMismatchException.class, initiator.handshakeFuture().handle((r, t) -> t).join(),
        "dependent actions see the cause itself, not a CompletionException");
  }

  @Test
  void aBadSignatureFailsTheInitiatorWithANonRetryableNoiseHandshakeException() {
    NoiseKeyPair s = NoiseKeyPair.generate();
    Libp2pNoiseHandshake liar = new Libp2pNoiseHandshake(HandshakeState.responder(new byte[0], s),
        Libp2pNoiseHandshake.payloadFor(BOB, NoiseKeyPair.generate().publicKey()), null);
    NoiseHandshakeHandler initiator = connect(
        NoiseHandshakeHandler.initiator(ALICE, BOB.peerId(), TIMEOUT), new NoiseHandshakeHandler(liar, TIMEOUT));
    pump(initiatorChannel, responderChannel);
    NoiseHandshakeException e = assertInstanceOf(NoiseHandshakeException.class, failure(initiator.handshakeFuture()));
    assertFalse(e.isRetryable());
    assertFalse(initiatorChannel.isOpen());
    assertTrue(initiatorSink.exceptions.isEmpty(), "failures go to the future, not down the pipeline");
  }

  @Test
  void aTruncatedHandshakeMessageFailsTheResponder() {
    NoiseHandshakeHandler responder = NoiseHandshakeHandler.responder(BOB, TIMEOUT);
    responderChannel = channel(allocator, responder, responderSink);
    ByteBuf m = Unpooled.buffer();
    m.writeShort(20).writeBytes(new byte[20]); // message 1 must hold a 32-byte key
    responderChannel.writeInbound(m);
    assertEquals(0, m.refCnt());
    assertInstanceOf(NoiseHandshakeException.class, failure(responder.handshakeFuture()));
    assertFalse(responderChannel.isOpen());
  }

  @Test
  void garbageInPlaceOfMessageTwoFailsTheInitiator() {
    NoiseHandshakeHandler initiator = NoiseHandshakeHandler.initiator(ALICE, BOB.peerId(), TIMEOUT);
    initiatorChannel = channel(allocator, initiator, initiatorSink);
    assertEquals(34, drainOutbound(initiatorChannel).length, "message 1: length prefix and 32-byte key");
    byte[] garbage = new byte[2 + 200];
    new Random(3).nextBytes(garbage);
    garbage[0] = 0;
    garbage[1] = (byte) 200;
    initiatorChannel.writeInbound(bytes(garbage));
    assertInstanceOf(NoiseHandshakeException.class, failure(initiator.handshakeFuture()));
    assertFalse(initiatorChannel.isOpen());
  }

  @Test
  void aPartialFrameWaitsForTheRestAndALengthOf65535DoesNotAllocateUpFront() {
    NoiseHandshakeHandler responder = NoiseHandshakeHandler.responder(BOB, TIMEOUT);
    responderChannel = channel(allocator, responder, responderSink);
    int before = allocator.count();
    responderChannel.writeInbound(bytes(new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3}));
    assertFalse(responder.handshakeFuture().isDone());
    assertTrue(responderChannel.isOpen());
    assertEquals(before, allocator.count(), "nothing allocated for the announced 65535 bytes");
  }

  @Test
  void aHandshakeThatNeverCompletesTimesOutAndClosesTheChannel() {
    NoiseHandshakeHandler responder = NoiseHandshakeHandler.responder(BOB, Duration.ofSeconds(3));
    responderChannel = channel(allocator, responder, responderSink);
    responderChannel.writeInbound(bytes(new byte[] {0, 40, 1, 2}));
    responderChannel.advanceTimeBy(2, TimeUnit.SECONDS);
    responderChannel.runScheduledPendingTasks();
    assertFalse(responder.handshakeFuture().isDone());
    responderChannel.advanceTimeBy(2, TimeUnit.SECONDS);
    responderChannel.runScheduledPendingTasks();
    ConnectionTimeoutException e = assertInstanceOf(ConnectionTimeoutException.class, failure(responder.handshakeFuture()));
    assertEquals(Duration.ofSeconds(3), e.timeout());
    assertFalse(responderChannel.isOpen());
  }

  @Test
  void aCompletedHandshakeCancelsItsTimeout() throws Exception {
    NoiseHandshakeHandler initiator = connect(
        NoiseHandshakeHandler.initiator(ALICE, BOB.peerId(), TIMEOUT), NoiseHandshakeHandler.responder(BOB, TIMEOUT));
    pump(initiatorChannel, responderChannel);
    initiatorChannel.advanceTimeBy(1, TimeUnit.MINUTES);
    initiatorChannel.runScheduledPendingTasks();
    assertTrue(initiatorChannel.isOpen());
    assertEquals(BOB.peerId(), initiator.handshakeFuture().get(5, SECONDS).remotePeerId());
  }

  @Test
  void theConnectionClosingMidHandshakeFailsTheFuture() {
    NoiseHandshakeHandler initiator = NoiseHandshakeHandler.initiator(ALICE, BOB.peerId(), TIMEOUT);
    initiatorChannel = channel(allocator, initiator, initiatorSink);
    initiatorChannel.writeInbound(bytes(new byte[] {0, 100, 1, 2, 3}));
    initiatorChannel.close();
    assertInstanceOf(ConnectionClosedException.class, failure(initiator.handshakeFuture()));
  }

  @Test
  void writesBeforeTheHandshakeCompletesAreRefusedAndReleased() {
    NoiseHandshakeHandler initiator = NoiseHandshakeHandler.initiator(ALICE, BOB.peerId(), TIMEOUT);
    initiatorChannel = channel(allocator, initiator, initiatorSink);
    drainOutbound(initiatorChannel);
    ByteBuf secret = Unpooled.copiedBuffer("secret".getBytes());
    ChannelFuture f = initiatorChannel.writeAndFlush(secret);
    assertFalse(f.isSuccess());
    assertInstanceOf(IllegalStateException.class, f.cause());
    assertEquals(0, secret.refCnt());
    assertNull(initiatorChannel.readOutbound(), "no plaintext reaches the wire");
  }

  @Test
  void timeoutsMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> NoiseHandshakeHandler.responder(BOB, Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> NoiseHandshakeHandler.initiator(ALICE, null, Duration.ofSeconds(-1)));
  }

  @Test
  void bytesAfterAFailureAreReleasedAndIgnored() {
    NoiseHandshakeHandler responder = NoiseHandshakeHandler.responder(BOB, TIMEOUT);
    responderChannel = channel(allocator, responder, responderSink);
    ByteBuf bad = Unpooled.wrappedBuffer(new byte[] {0, 0});
    ByteBuf more = Unpooled.wrappedBuffer(new byte[] {0, 0, 5});
    // Both in one read loop: the second arrives while the failed handler is still in the pipeline.
    responderChannel.writeInbound(bad, more);
    assertTrue(responder.handshakeFuture().isCompletedExceptionally());
    assertEquals(0, bad.refCnt());
    assertEquals(0, more.refCnt());
    assertTrue(Arrays.equals(new byte[0], responderSink.bytes()));
  }

  @Test
  void aTruncatedMessageTwoFailsTheInitiator() {
    NoiseHandshakeHandler initiator = NoiseHandshakeHandler.initiator(ALICE, BOB.peerId(), TIMEOUT);
    NoiseHandshakeHandler responder = NoiseHandshakeHandler.responder(BOB, TIMEOUT);
    connect(initiator, responder);
    move(initiatorChannel, responderChannel);
    byte[] second = drainOutbound(responderChannel);
    // Re-frame the message without its last byte: the length prefix is honest, the message is short.
    int length = second.length - 2 - 1;
    ByteBuf cut = Unpooled.buffer().writeShort(length).writeBytes(second, 2, length);
    initiatorChannel.writeInbound(cut);
    NoiseHandshakeException e = assertInstanceOf(NoiseHandshakeException.class, failure(initiator.handshakeFuture()));
    assertFalse(initiatorChannel.isOpen());
    assertNull(initiatorChannel.readOutbound(), "no message 3 (and so no identity) was sent");
    assertTrue(e.getMessage().contains("message 2") || e.getMessage().contains("authenticate"), e.getMessage());
  }
}
