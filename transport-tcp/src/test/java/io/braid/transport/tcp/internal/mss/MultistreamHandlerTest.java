package io.braid.transport.tcp.internal.mss;

import static io.braid.transport.tcp.internal.mss.Bytes.concat;
import static io.braid.transport.tcp.internal.mss.Bytes.hex;
import static io.braid.transport.tcp.internal.mss.Bytes.messages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ConnectionClosedException;
import io.braid.api.ConnectionTimeoutException;
import io.braid.api.ProtocolNegotiationException;
import io.braid.api.TransportException;
import io.braid.transport.tcp.internal.TrackingAllocator;
import io.braid.transport.tcp.internal.mss.MultistreamFormatException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MultistreamHandlerTest {
  private static final String HEADER = MultistreamCodec.PROTOCOL_ID;
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  /** Stands in for the remote's first Noise handshake message: 2-byte length, 32 bytes. */
  private static final byte[] NOISE_MESSAGE = Bytes.hex("0020" + "e1".repeat(32));

  private final TrackingAllocator alloc = new TrackingAllocator();
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  @AfterEach
  void everyBufferIsReleased() {
    for (EmbeddedChannel ch : channels) {
      assertTrue(ch.inboundMessages().isEmpty(), "unread inbound messages: " + ch.inboundMessages());
      ch.finishAndReleaseAll();
    }
    alloc.assertAllReleased();
  }

  private EmbeddedChannel channel(MultistreamHandler handler) {
    EmbeddedChannel ch = new EmbeddedChannel();
    channels.add(ch);
    ch.config().setAllocator(alloc);
    ch.freezeTime();
    ch.pipeline().addLast("mss", handler);
    return ch;
  }

  /** A buffer from the tracking allocator, so the leak check covers what the handler is given too. */
  private ByteBuf in(byte[] bytes) {
    ByteBuf buf = alloc.buffer(bytes.length);
    buf.writeBytes(bytes);
    return buf;
  }

  /** Every outbound write, each as bytes, released. */
  private static List<byte[]> writes(EmbeddedChannel ch) {
    List<byte[]> out = new ArrayList<>();
    Object m;
    while ((m = ch.readOutbound()) != null) {
      out.add(Bytes.drain((ByteBuf) m));
    }
    return out;
  }

  private static String written(EmbeddedChannel ch) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    writes(ch).forEach(all::writeBytes);
    return hex(all.toByteArray());
  }

  private static byte[] readInbound(EmbeddedChannel ch) {
    ByteBuf buf = ch.readInbound();
    assertNotNull(buf, "nothing was forwarded");
    return Bytes.drain(buf);
  }

  private static Throwable failure(CompletableFuture<String> f) {
    assertTrue(f.isCompletedExceptionally(), "expected a failed future, got " + f);
    return assertThrows(CompletionException.class, f::join).getCause();
  }

  @Nested
  @DisplayName("on success")
  class Success {
    @Test
    void theInitiatorWritesTheHeaderAndFirstProposalInOneWriteAsSoonAsItIsAdded() {
      MssVectors.Transcript noise = MssVectors.transcripts().get(0);
      EmbeddedChannel ch = channel(MultistreamHandler.initiator(List.of("/noise"), TIMEOUT));
      List<byte[]> writes = writes(ch);
      assertEquals(1, writes.size());
      assertEquals(hex(noise.packets().get(0).bytes()), hex(writes.get(0)));
    }

    @Test
    void startsOnceWhenAddedBeforeTheChannelIsRegisteredAndActivated() throws Exception {
      MultistreamHandler handler = MultistreamHandler.initiator(List.of("/noise"), TIMEOUT);
      EmbeddedChannel ch = new EmbeddedChannel(false, false, handler);
      channels.add(ch);
      ch.config().setAllocator(alloc);
      ch.register();
      assertEquals(1, writes(ch).size(), "handlerAdded and channelActive must not both start it");
    }

    @Test
    void theInitiatorCompletesRemovesItselfAndForwardsTheBytesAfterTheEcho() {
      MultistreamHandler handler = MultistreamHandler.initiator(List.of("/noise"), TIMEOUT);
      EmbeddedChannel ch = channel(handler);
      writes(ch);
      ByteBuf packet = in(concat(messages(HEADER, "/noise"), NOISE_MESSAGE));

      ch.writeInbound(packet);

      assertEquals("/noise", handler.result().getNow(null));
      assertNull(ch.pipeline().get(MultistreamHandler.class), "removed itself");
      assertEquals(hex(NOISE_MESSAGE), hex(readInbound(ch)));
      assertTrue(ch.isOpen());
      assertEquals("", written(ch));
    }

    @Test
    void theResponderForwardsTheRemotesFirstNoiseMessageArrivingInTheSamePacketAsItsProposal() {
      MssVectors.Transcript noise = MssVectors.transcripts().get(0);
      MultistreamHandler handler = MultistreamHandler.responder(Set.of("/noise"), TIMEOUT);
      EmbeddedChannel ch = channel(handler);
      assertEquals("", written(ch), "a responder waits for the initiator");

      ch.writeInbound(in(concat(noise.packets().get(0).bytes(), NOISE_MESSAGE)));

      List<byte[]> writes = writes(ch);
      assertEquals(1, writes.size(), "header and echo go out in one write");
      assertEquals(hex(noise.packets().get(1).bytes()), hex(writes.get(0)));
      assertEquals("/noise", handler.result().getNow(null));
      assertEquals(hex(NOISE_MESSAGE), hex(readInbound(ch)));
      assertNull(ch.pipeline().get("mss"));
    }

    @Test
    void aHandlerInstalledWhenTheFutureCompletesReceivesTheEarlyBytes() {
      MultistreamHandler handler = MultistreamHandler.responder(Set.of("/noise"), TIMEOUT);
      EmbeddedChannel ch = channel(handler);
      List<byte[]> seen = new ArrayList<>();
      handler.result().thenAccept(protocol -> ch.pipeline().addAfter("mss", "noise", new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          seen.add(Bytes.drain((ByteBuf) msg));
        }
      }));

      ch.writeInbound(in(concat(messages(HEADER, "/noise"), NOISE_MESSAGE)));

      assertEquals(1, seen.size());
      assertEquals(hex(NOISE_MESSAGE), hex(seen.get(0)));
      assertNull(ch.readInbound(), "nothing reached the tail");
      assertNotNull(ch.pipeline().get("noise"));
      assertNull(ch.pipeline().get("mss"));
      writes(ch);
    }

    @Test
    void nothingIsForwardedWhenNoBytesFollowTheLastMessage() {
      MultistreamHandler handler = MultistreamHandler.responder(Set.of("/yamux/1.0.0"), TIMEOUT);
      EmbeddedChannel ch = channel(handler);
      MssVectors.Transcript yamux = MssVectors.transcripts().get(2);
      ch.writeInbound(in(yamux.packets().get(0).bytes()));
      assertEquals("/yamux/1.0.0", handler.result().getNow(null));
      assertNull(ch.readInbound());
      assertEquals(hex(yamux.packets().get(1).bytes()), written(ch));
    }

    @Test
    void theInitiatorFollowsTheRefusedThenAcceptedTranscriptFedOneByteAtATime() {
      MssVectors.Transcript tlsThenNoise = MssVectors.transcripts().get(1);
      MultistreamHandler handler = MultistreamHandler.initiator(List.of("/tls/1.0.0", "/noise"), TIMEOUT);
      EmbeddedChannel ch = channel(handler);
      StringBuilder sent = new StringBuilder(written(ch));
      for (MssVectors.Packet p : tlsThenNoise.packets()) {
        if (p.fromInitiator()) {
          continue;
        }
        for (byte b : p.bytes()) {
          ch.writeInbound(in(new byte[] {b}));
        }
        sent.append(written(ch));
      }
      assertEquals(hex(Transcripts.all(tlsThenNoise, true)), sent.toString());
      assertEquals("/noise", handler.result().getNow(null));
    }

    @Test
    void twoHandlersAgreeOverAPairOfChannels() {
      MultistreamHandler initiator = MultistreamHandler.initiator(List.of("/mplex/6.7.0", "/yamux/1.0.0"), TIMEOUT);
      MultistreamHandler responder = MultistreamHandler.responder(Set.of("/yamux/1.0.0"), TIMEOUT);
      EmbeddedChannel a = channel(initiator);
      EmbeddedChannel b = channel(responder);
      for (int i = 0; i < 8 && !(initiator.result().isDone() && responder.result().isDone()); i++) {
        for (byte[] w : writes(a)) {
          b.writeInbound(in(w));
        }
        for (byte[] w : writes(b)) {
          a.writeInbound(in(w));
        }
      }
      assertEquals("/yamux/1.0.0", initiator.result().getNow(null));
      assertEquals("/yamux/1.0.0", responder.result().getNow(null));
    }

    @Test
    void theTimeoutNoLongerFiresOnceNegotiated() {
      MultistreamHandler handler = MultistreamHandler.responder(Set.of("/noise"), TIMEOUT);
      EmbeddedChannel ch = channel(handler);
      ch.writeInbound(in(messages(HEADER, "/noise")));
      ch.advanceTimeBy(TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
      ch.runScheduledPendingTasks();
      assertTrue(ch.isOpen());
      assertEquals("/noise", handler.result().getNow(null));
      writes(ch);
    }
  }

  @Nested
  @DisplayName("on failure")
  class Failure {
    @Test
    void garbageFailsTheFutureClosesTheChannelAndReleasesTheInput() {
      MultistreamHandler handler = MultistreamHandler.responder(Set.of("/noise"), TIMEOUT);
      EmbeddedChannel ch = channel(handler);
      ByteBuf garbage = in(concat(messages("hello"), messages(HEADER, "/noise")));

      ch.writeInbound(garbage);

      Throwable cause = failure(handler.result());
      assertInstanceOf(ProtocolNegotiationException.class, cause);
      assertFalse(ch.isOpen());
      assertEquals(0, garbage.refCnt());
      assertEquals("", written(ch), "nothing is answered to a peer that does not speak multistream");
    }

    @Test
    void anOversizedMessageFailsAsTooLargeBeforeItsBodyArrives() {
      MultistreamHandler handler = MultistreamHandler.responder(Set.of("/noise"), TIMEOUT);
      EmbeddedChannel ch = channel(handler);
      ch.writeInbound(in(concat(messages(HEADER), Bytes.hex("8108"))));
      MultistreamFormatException e = assertInstanceOf(MultistreamFormatException.class, failure(handler.result()));
      assertEquals(Reason.TOO_LARGE, e.reason());
      assertFalse(ch.isOpen());
      writes(ch);
    }

    @Test
    void refusalOfEveryProposalFailsWithTheOfferedProtocols() {
      MultistreamHandler handler = MultistreamHandler.initiator(List.of("/tls/1.0.0", "/noise"), TIMEOUT);
      EmbeddedChannel ch = channel(handler);
      ch.writeInbound(in(messages(HEADER, "na")));
      ch.writeInbound(in(messages("na")));
      ProtocolNegotiationException e =
          assertInstanceOf(ProtocolNegotiationException.class, failure(handler.result()));
      assertEquals(List.of("/tls/1.0.0", "/noise"), e.offered());
      assertFalse(ch.isOpen());
      writes(ch);
    }

    @Test
    void aPeerThatProposesForeverIsCutOffAfterTheBound() {
      MultistreamHandler handler = MultistreamHandler.responder(Set.of("/noise"), TIMEOUT);
      EmbeddedChannel ch = channel(handler);
      ch.writeInbound(in(messages(HEADER)));
      int sent = 0;
      while (ch.isOpen() && sent < 1000) {
        ch.writeInbound(in(messages("/never/" + sent++)));
      }
      assertEquals(MultistreamLimits.DEFAULT_MAX_PROPOSALS + 1, sent);
      assertInstanceOf(ProtocolNegotiationException.class, failure(handler.result()));
      assertEquals(1 + MultistreamLimits.DEFAULT_MAX_PROPOSALS, writes(ch).size(), "the header and one na each");
    }

    @Test
    void theTimeoutFailsTheFutureAndClosesTheChannel() {
      MultistreamHandler handler = MultistreamHandler.initiator(List.of("/noise"), TIMEOUT);
      EmbeddedChannel ch = channel(handler);
      writes(ch);
      ch.writeInbound(in(Bytes.hex("132f6d")));

      ch.advanceTimeBy(TIMEOUT.toMillis() - 1, TimeUnit.MILLISECONDS);
      ch.runScheduledPendingTasks();
      assertFalse(handler.result().isDone());
      assertTrue(ch.isOpen());

      ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
      ch.runScheduledPendingTasks();
      ConnectionTimeoutException e = assertInstanceOf(ConnectionTimeoutException.class, failure(handler.result()));
      assertEquals(TIMEOUT, e.timeout());
      assertTrue(e.isRetryable());
      assertFalse(ch.isOpen());
    }

    @Test
    void aChannelClosedInsideAMessageFailsAsClosedWithATruncatedCause() {
      MultistreamHandler handler = MultistreamHandler.responder(Set.of("/noise"), TIMEOUT);
      EmbeddedChannel ch = channel(handler);
      ch.writeInbound(in(Bytes.hex("132f6d756c")));
      ch.close();
      ConnectionClosedException e = assertInstanceOf(ConnectionClosedException.class, failure(handler.result()));
      MultistreamFormatException cause = assertInstanceOf(MultistreamFormatException.class, e.getCause());
      assertEquals(Reason.TRUNCATED, cause.reason());
    }

    @Test
    void aChannelClosedBetweenMessagesFailsAsClosed() {
      MultistreamHandler handler = MultistreamHandler.initiator(List.of("/noise"), TIMEOUT);
      EmbeddedChannel ch = channel(handler);
      writes(ch);
      ch.writeInbound(in(messages(HEADER)));
      ch.close();
      assertInstanceOf(ConnectionClosedException.class, failure(handler.result()));
    }

    @Test
    void anIoErrorFailsTheFutureAndClosesTheChannel() {
      MultistreamHandler handler = MultistreamHandler.initiator(List.of("/noise"), TIMEOUT);
      EmbeddedChannel ch = channel(handler);
      writes(ch);
      IOException reset = new IOException("connection reset by peer");
      ch.pipeline().fireExceptionCaught(reset);
      TransportException e = assertInstanceOf(TransportException.class, failure(handler.result()));
      assertSame(reset, e.getCause());
      assertFalse(ch.isOpen());
    }

    @Test
    void aFailedWriteFailsTheFuture() {
      EmbeddedChannel ch = new EmbeddedChannel();
      channels.add(ch);
      ch.config().setAllocator(alloc);
      IOException broken = new IOException("broken pipe");
      ch.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
          ReferenceCountUtil.release(msg);
          promise.setFailure(broken);
        }
      });
      MultistreamHandler handler = MultistreamHandler.initiator(List.of("/noise"), TIMEOUT);
      ch.pipeline().addLast(handler);
      TransportException e = assertInstanceOf(TransportException.class, failure(handler.result()));
      assertSame(broken, e.getCause());
      assertFalse(ch.isOpen());
    }

    @Test
    void aMessageThatIsNotBytesIsReleasedAndFailsTheNegotiation() {
      MultistreamHandler handler = MultistreamHandler.responder(Set.of("/noise"), TIMEOUT);
      EmbeddedChannel ch = channel(handler);
      DefaultByteBufHolder holder = new DefaultByteBufHolder(in(messages(HEADER)));
      ch.writeInbound(holder);
      assertEquals(0, holder.refCnt());
      assertInstanceOf(ProtocolNegotiationException.class, failure(handler.result()));
      assertFalse(ch.isOpen());
    }

    @Test
    void removalByAnotherHandlerBeforeTheEndFailsTheFuture() {
      MultistreamHandler handler = MultistreamHandler.responder(Set.of("/noise"), TIMEOUT);
      EmbeddedChannel ch = channel(handler);
      ch.pipeline().remove(handler);
      assertInstanceOf(ProtocolNegotiationException.class, failure(handler.result()));
    }

    @Test
    void arbitraryGarbageInSmallPiecesNeverLeaksAndFailsOnlyAsDocumented() {
      Random random = new Random(42);
      for (int round = 0; round < 200; round++) {
        MultistreamHandler handler = round % 2 == 0
            ? MultistreamHandler.initiator(List.of("/noise"), TIMEOUT)
            : MultistreamHandler.responder(Set.of("/noise"), TIMEOUT);
        EmbeddedChannel ch = channel(handler);
        writes(ch);
        byte[] junk = new byte[1 + random.nextInt(300)];
        random.nextBytes(junk);
        byte[] input = random.nextBoolean() ? concat(messages(HEADER), junk) : junk;
        for (int pos = 0; pos < input.length && ch.isOpen(); ) {
          int n = Math.min(input.length - pos, 1 + random.nextInt(16));
          byte[] piece = Arrays.copyOfRange(input, pos, pos + n);
          ch.writeInbound(in(piece));
          pos += n;
        }
        ch.close();
        if (handler.result().isCompletedExceptionally()) {
          Throwable cause = failure(handler.result());
          assertTrue(cause instanceof ProtocolNegotiationException || cause instanceof ConnectionClosedException,
              "round " + round + ": " + cause);
        } else {
          // Random bytes after the header can only succeed by echoing "/noise" exactly; then the rest moved on.
          assertEquals("/noise", handler.result().getNow(null));
          Object forwarded;
          while ((forwarded = ch.readInbound()) != null) {
            ReferenceCountUtil.release(forwarded);
          }
        }
        writes(ch);
      }
    }
  }

  @Test
  void rejectsANonPositiveTimeoutAndAFinishedNegotiator() {
    assertThrows(IllegalArgumentException.class,
        () -> MultistreamHandler.initiator(List.of("/noise"), Duration.ZERO));
    assertThrows(IllegalArgumentException.class,
        () -> MultistreamHandler.responder(Set.of("/noise"), Duration.ofSeconds(-1)));
    MultistreamNegotiator failed = MultistreamNegotiator.initiator(List.of("/noise"));
    Drive.start(failed);
    assertThrows(ProtocolNegotiationException.class, failed::endOfInput);
    assertThrows(IllegalArgumentException.class, () -> new MultistreamHandler(failed, TIMEOUT));
  }
}
