package io.braid.transport.tcp.internal.yamux;

import static io.braid.transport.tcp.internal.yamux.YamuxFrame.FLAG_ACK;
import static io.braid.transport.tcp.internal.yamux.YamuxFrame.FLAG_FIN;
import static io.braid.transport.tcp.internal.yamux.YamuxFrame.FLAG_RST;
import static io.braid.transport.tcp.internal.yamux.YamuxFrame.FLAG_SYN;
import static io.braid.transport.tcp.internal.yamux.YamuxFrame.TYPE_DATA;
import static io.braid.transport.tcp.internal.yamux.YamuxFrame.TYPE_GO_AWAY;
import static io.braid.transport.tcp.internal.yamux.YamuxFrame.TYPE_PING;
import static io.braid.transport.tcp.internal.yamux.YamuxFrame.TYPE_WINDOW_UPDATE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ConnectionClosedException;
import io.braid.api.LimitExceededException;
import io.braid.api.StreamResetException;
import io.braid.transport.tcp.internal.TrackingAllocator;
import io.braid.transport.tcp.internal.yamux.YamuxFrame.Header;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Floods and frames that change nothing (see docs/HARDENING.md): a server session on an EmbeddedChannel fed
 * hand-made frames, its answers read back. Each case ends with the channel finished and every buffer
 * released.
 */
class YamuxFloodTest {

  private static final int EMPTY = 100;

  private final TrackingAllocator alloc = new TrackingAllocator();
  private final List<MuxedStream> accepted = new ArrayList<>();
  private YamuxSession server;
  private EmbeddedChannel ch;

  private void server(YamuxConfig config) {
    server = new YamuxSession(false, config, accepted::add);
    ch = YamuxHarness.channel(alloc, server);
  }

  @AfterEach
  void nothingEscapesAndNothingLeaks() {
    if (ch != null) {
      ch.checkException();
      ch.finishAndReleaseAll();
    }
    alloc.assertAllReleased();
  }

  private void feed(byte[]... parts) {
    ByteBuf b = alloc.buffer();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    ch.writeInbound(b);
  }

  private void feedRepeated(int times, byte[]... parts) {
    ByteBuf b = alloc.buffer();
    for (int i = 0; i < times; i++) {
      for (byte[] p : parts) {
        b.writeBytes(p);
      }
    }
    ch.writeInbound(b);
  }

  private static byte[] frame(int type, int flags, long id, long length) {
    return YamuxFrame.encodeHeader(new Header(type, flags, id, length));
  }

  private List<Header> answers() {
    List<Header> out = new ArrayList<>();
    ByteBuf b;
    while ((b = ch.readOutbound()) != null) {
      out.add(YamuxFrame.decodeHeader(b));
      b.release();
    }
    return out;
  }

  private static Throwable cause(CompletableFuture<?> f) {
    assertTrue(f.isCompletedExceptionally(), "expected a failed future");
    return assertThrows(CompletionException.class, f::join).getCause();
  }

  private void assertClosedWithProtocolError(String messagePart) {
    List<Header> a = answers();
    assertFalse(a.isEmpty(), "expected a GoAway");
    assertEquals(new Header(TYPE_GO_AWAY, 0, 0, YamuxFrame.GO_AWAY_PROTOCOL_ERROR), a.get(a.size() - 1));
    assertFalse(ch.isOpen(), "channel closed");
    Throwable c = cause(server.closeFuture());
    assertInstanceOf(YamuxProtocolException.class, c);
    assertTrue(c.getMessage().contains(messagePart), c.getMessage());
  }

  private MuxedStream acceptStream1() {
    feed(frame(TYPE_WINDOW_UPDATE, FLAG_SYN, 1, 0));
    assertEquals(List.of(new Header(TYPE_WINDOW_UPDATE, FLAG_ACK, 1, 0)), answers());
    return accepted.get(accepted.size() - 1);
  }

  @Test
  void zeroLengthDataFramesUpToTheBoundAreToleratedAndOneMoreIsAProtocolError() {
    server(YamuxHarness.NO_KEEPALIVE.withMaxEmptyFrames(EMPTY));
    MuxedStream s = acceptStream1();
    feedRepeated(EMPTY, frame(TYPE_DATA, 0, 1, 0));
    assertTrue(server.isOpen(), "exactly the bound is still tolerated");
    assertTrue(answers().isEmpty(), "empty frames get no answer");
    feed(frame(TYPE_DATA, 0, 1, 0));
    assertClosedWithProtocolError("frames in a row carried nothing");
    Throwable c = cause(s.closeFuture());
    assertInstanceOf(ConnectionClosedException.class, c);
    assertInstanceOf(YamuxProtocolException.class, c.getCause());
  }

  @Test
  void everyKindOfFrameThatChangesNothingCountsTowardsTheBound() {
    server(YamuxHarness.NO_KEEPALIVE.withMaxEmptyFrames(EMPTY).withMaxInboundStreams(1));
    acceptStream1();
    feed(frame(TYPE_GO_AWAY, 0, 0, YamuxFrame.GO_AWAY_NORMAL)); // news: it counts as progress
    List<byte[]> nothing = List.of(
        frame(TYPE_WINDOW_UPDATE, 0, 1, 0),          // zero credit, no flags, live stream
        frame(TYPE_DATA, 0, 99, 0),                  // zero-length data for an unknown stream
        frame(TYPE_WINDOW_UPDATE, FLAG_RST, 77, 0),  // RST for an unknown stream
        frame(TYPE_WINDOW_UPDATE, FLAG_ACK, 1, 0),   // ACK for an inbound stream: no news
        frame(TYPE_GO_AWAY, 0, 0, YamuxFrame.GO_AWAY_NORMAL), // a repeated GoAway(normal)
        frame(TYPE_PING, FLAG_ACK, 0, 12345));       // a pong nobody asked for
    ByteBuf b = alloc.buffer();
    for (int i = 0; i < EMPTY; i++) {
      b.writeBytes(nothing.get(i % nothing.size()));
    }
    ch.writeInbound(b);
    assertTrue(server.isOpen());
    feed(frame(TYPE_WINDOW_UPDATE, FLAG_SYN, 3, 0)); // refused (limit 1): no state kept, counts too
    assertClosedWithProtocolError("type 1, flags 1, stream 3");
  }

  @Test
  void anyFrameThatCarriesSomethingStartsTheCountAfresh() {
    server(YamuxHarness.NO_KEEPALIVE.withMaxEmptyFrames(EMPTY));
    MuxedStream s = acceptStream1();
    for (int round = 0; round < 5; round++) {
      feedRepeated(EMPTY, frame(TYPE_WINDOW_UPDATE, 0, 1, 0));
      feed(frame(TYPE_DATA, 0, 1, 1), new byte[] {(byte) round});
    }
    feedRepeated(EMPTY, frame(TYPE_DATA, 0, 1, 0));
    feed(frame(TYPE_PING, FLAG_SYN, 0, 7)); // an answered ping is progress as well
    feedRepeated(EMPTY, frame(TYPE_DATA, 0, 1, 0));
    assertTrue(server.isOpen(), "5 x (100 empty + 1 useful) never reaches the bound");
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    for (int i = 0; i < 5; i++) {
      ByteBuffer r = s.read().join();
      got.write(r.get());
    }
    assertArrayEquals(new byte[] {0, 1, 2, 3, 4}, got.toByteArray());
    answers();
  }

  @Test
  void theDefaultBoundLetsAPeerFinishManyStreamsWeResetWithoutTrouble() {
    // A conforming peer keeps sending frames for streams it has not yet learnt are gone: one FIN each for
    // 256 streams we reset is far below the default bound.
    server(YamuxHarness.NO_KEEPALIVE);
    ByteBuf syns = alloc.buffer();
    for (int i = 0; i < 256; i++) {
      syns.writeBytes(frame(TYPE_WINDOW_UPDATE, FLAG_SYN, 2L * i + 1, 0));
    }
    ch.writeInbound(syns);
    accepted.forEach(MuxedStream::reset);
    ByteBuf late = alloc.buffer();
    for (int i = 0; i < 256; i++) {
      late.writeBytes(frame(TYPE_WINDOW_UPDATE, FLAG_FIN, 2L * i + 1, 0));
      late.writeBytes(frame(TYPE_WINDOW_UPDATE, 0, 2L * i + 1, 0));
    }
    ch.writeInbound(late);
    assertTrue(server.isOpen());
    assertEquals(0, server.streamCount());
    answers();
  }

  @Test
  void aSynFloodFromAPeerThatNeverReadsGetsAtMostTheBoundedNumberOfRefusalsPerFlush() {
    server(YamuxHarness.NO_KEEPALIVE.withMaxInboundStreams(2).withMaxPendingRefusals(10));
    feedRepeated(1, frame(TYPE_WINDOW_UPDATE, FLAG_SYN, 1, 0), frame(TYPE_WINDOW_UPDATE, FLAG_SYN, 3, 0));
    ByteBuf flood = alloc.buffer();
    for (int i = 0; i < 50; i++) {
      flood.writeBytes(frame(TYPE_WINDOW_UPDATE, FLAG_SYN, 5 + 2L * i, 0));
    }
    ch.writeInbound(flood);
    List<Header> a = answers();
    assertEquals(2 + 10, a.size(), a.toString());
    assertEquals(10, a.stream().filter(h -> h.flags() == FLAG_RST).count());
    assertEquals(40, server.droppedRefusals());
    assertEquals(2, server.inboundStreamCount());
    assertTrue(server.isOpen(), "refusing is not a reason to close");
    feed(frame(TYPE_WINDOW_UPDATE, FLAG_SYN, 1001, 0));
    assertEquals(List.of(new Header(TYPE_WINDOW_UPDATE, FLAG_RST, 1001, 0)), answers(),
        "refusals resume once the earlier ones were written");
  }

  private void feedSyns(long firstId, int count) {
    ByteBuf b = alloc.buffer();
    for (int i = 0; i < count; i++) {
      b.writeBytes(frame(TYPE_WINDOW_UPDATE, FLAG_SYN, firstId + 2L * i, 0));
    }
    ch.writeInbound(b);
  }

  @Test
  void aPeerThatKeepsOpeningStreamsPastRefusalsIsClosedAsAFlood() {
    server(YamuxHarness.NO_KEEPALIVE.withMaxInboundStreams(2).withMaxRefusedStreams(20));
    feedSyns(1, 2);
    assertEquals(2, accepted.size());
    feedSyns(5, 20);
    List<Header> a = answers();
    assertEquals(20, a.stream().filter(h -> h.flags() == FLAG_RST).count(), a.toString());
    assertTrue(server.isOpen(), "exactly the bound of refusals is tolerated");
    assertEquals(20, server.refusedStreams());
    feedSyns(45, 1);
    a = answers();
    assertEquals(new Header(TYPE_GO_AWAY, 0, 0, YamuxFrame.GO_AWAY_PROTOCOL_ERROR), a.get(a.size() - 1));
    assertFalse(ch.isOpen(), "channel closed");
    LimitExceededException e = assertInstanceOf(LimitExceededException.class, cause(server.closeFuture()));
    assertEquals("refusedStreamsPerConnection", e.limit());
    assertEquals(20, e.value());
    assertEquals(20, e.current());
    assertEquals(io.braid.api.ResourceScope.CONNECTION, e.scope());
    for (MuxedStream s : accepted) {
      Throwable c = cause(s.closeFuture());
      assertInstanceOf(ConnectionClosedException.class, c);
      assertTrue(c.getMessage().contains("stream flood"), c.getMessage());
    }
  }

  @Test
  void theRefusalCountStartsAfreshInEachTenSecondWindow() {
    server(YamuxHarness.NO_KEEPALIVE.withMaxInboundStreams(0).withMaxRefusedStreams(20));
    long id = 1;
    for (int window = 0; window < 5; window++) {
      feedSyns(id, 20);
      id += 40;
      assertTrue(server.isOpen(), "window " + window);
      ch.advanceTimeBy(YamuxConfig.REFUSAL_WINDOW.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
      answers();
    }
    assertEquals(100, server.refusedStreams());
    feedSyns(id, 20);
    ch.advanceTimeBy(YamuxConfig.REFUSAL_WINDOW.toNanos() - 1, java.util.concurrent.TimeUnit.NANOSECONDS);
    feedSyns(id + 40, 1);
    assertFalse(server.isOpen(), "21 refusals within one window");
    answers();
  }

  @Test
  void streamsTheCallerRefusesCountOnceEachAndClosePastTheBound() {
    server(YamuxHarness.NO_KEEPALIVE.withMaxRefusedStreams(3));
    feedSyns(1, 4);
    answers();
    accepted.get(0).refuse();
    accepted.get(0).refuse(); // idempotent: counts once
    accepted.get(0).reset();
    accepted.get(1).reset(); // a plain reset is not a refusal
    accepted.get(2).refuse();
    accepted.get(3).refuse();
    assertTrue(server.isOpen());
    assertEquals(3, server.refusedStreams());
    List<Header> a = answers();
    assertEquals(4, a.stream().filter(h -> h.flags() == FLAG_RST).count(), a.toString());
    feedSyns(9, 1);
    accepted.get(4).refuse();
    assertFalse(server.isOpen(), "the fourth refusal closes");
    assertInstanceOf(LimitExceededException.class, cause(server.closeFuture()));
    answers();
  }

  /** Counts the flushes that reach the socket end of the pipeline (before the session, so it sees them all). */
  private static final class FlushCounter extends io.netty.channel.ChannelOutboundHandlerAdapter {
    int flushes;

    @Override
    public void flush(io.netty.channel.ChannelHandlerContext ctx) {
      flushes++;
      ctx.flush();
    }
  }

  @Test
  void whatABatchOfFramesMakesUsWriteIsFlushedOnceWhenTheReadEnds() {
    server(YamuxHarness.NO_KEEPALIVE.withMaxInboundStreams(32));
    FlushCounter counter = new FlushCounter();
    ch.pipeline().addFirst(counter);
    feedSyns(1, 64); // 32 accepted (an ACK each), 32 refused (an RST each), in one read
    assertEquals(1, counter.flushes, "one flush for the whole batch");
    List<Header> a = answers();
    assertEquals(32, a.stream().filter(h -> h.flags() == FLAG_ACK).count(), a.toString());
    assertEquals(32, a.stream().filter(h -> h.flags() == FLAG_RST).count(), a.toString());

    // Outside a read, a write is flushed at once.
    accepted.get(0).write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    ch.runPendingTasks();
    assertEquals(2, counter.flushes);
    assertEquals(1, answers().size());
  }

  @Test
  void aReadWithoutItsReadCompleteIsFlushedByTheQueuedTask() {
    // A handler that answers at once, inside the read: its write asks for a flush while the batch is read.
    server = new YamuxSession(false, YamuxHarness.NO_KEEPALIVE, s -> {
      accepted.add(s);
      s.write(ByteBuffer.wrap(new byte[] {9}));
    });
    ch = YamuxHarness.channel(alloc, server);
    FlushCounter counter = new FlushCounter();
    ch.pipeline().addFirst(counter);
    ByteBuf syn = alloc.buffer();
    syn.writeBytes(frame(TYPE_WINDOW_UPDATE, FLAG_SYN, 1, 0));
    ch.pipeline().fireChannelRead(syn); // no channelReadComplete after it
    assertEquals(0, counter.flushes, "deferred while reading");
    ch.runPendingTasks();
    assertEquals(1, counter.flushes, "the queued task flushed it");
    List<Header> a = answers();
    assertEquals(new Header(TYPE_WINDOW_UPDATE, FLAG_ACK, 1, 0), a.get(0), a.toString());
    assertEquals(new Header(TYPE_DATA, 0, 1, 1), a.get(1), a.toString());
    // The session is back to flushing at once outside reads.
    accepted.get(0).write(ByteBuffer.wrap(new byte[] {7}));
    ch.runPendingTasks();
    assertEquals(2, counter.flushes);
    answers();
  }

  @Test
  void aGoAwayWrittenInsideAReadIsFlushedBeforeTheClose() {
    server(YamuxHarness.NO_KEEPALIVE.withMaxInboundStreams(0).withMaxRefusedStreams(2));
    feedSyns(1, 3); // the third refusal closes the session from inside the read
    List<Header> a = answers();
    assertEquals(new Header(TYPE_GO_AWAY, 0, 0, YamuxFrame.GO_AWAY_PROTOCOL_ERROR), a.get(a.size() - 1), a.toString());
    assertFalse(ch.isOpen());
  }

  @Test
  void aRapidResetFloodKeepsNoStreamAndTheSessionServesTheNextStream() {
    server(YamuxHarness.NO_KEEPALIVE.withMaxInboundStreams(4));
    ByteBuf flood = alloc.buffer();
    for (int i = 0; i < 5000; i++) {
      long id = 2L * i + 1;
      flood.writeBytes(frame(TYPE_WINDOW_UPDATE, FLAG_SYN, id, 0));
      flood.writeBytes(frame(TYPE_DATA, FLAG_RST, id, 0));
    }
    ch.writeInbound(flood);
    assertEquals(5000, accepted.size(), "each SYN was under the limit when it came");
    assertEquals(0, server.streamCount(), "every one of them is gone");
    assertTrue(accepted.stream().allMatch(s -> cause(s.closeFuture()) instanceof StreamResetException));
    answers();
    feed(frame(TYPE_WINDOW_UPDATE, FLAG_SYN, 20001, 0), frame(TYPE_DATA, 0, 20001, 2), new byte[] {4, 2});
    assertArrayEquals(new byte[] {4, 2}, toArray(accepted.get(5000).read().join()));
    answers();
  }

  @Test
  void afterOurGoAwayNewStreamsAreRefusedWhileExistingOnesStillReceive() {
    server(YamuxHarness.NO_KEEPALIVE);
    MuxedStream s = acceptStream1();
    server.goAway();
    assertEquals(List.of(new Header(TYPE_GO_AWAY, 0, 0, YamuxFrame.GO_AWAY_NORMAL)), answers());
    feed(frame(TYPE_WINDOW_UPDATE, FLAG_SYN, 3, 0), frame(TYPE_DATA, 0, 1, 1), new byte[] {9});
    assertEquals(List.of(new Header(TYPE_WINDOW_UPDATE, FLAG_RST, 3, 0)), answers());
    assertArrayEquals(new byte[] {9}, toArray(s.read().join()));
    assertEquals(1, accepted.size());
    assertInstanceOf(ConnectionClosedException.class, cause(server.openStream()));
    // Data for the refused stream (in flight when the RST left) is skipped.
    feed(frame(TYPE_DATA, 0, 3, 4), new byte[4]);
    assertTrue(server.isOpen());
  }

  @Test
  void afterTheRemotesGoAwayItsStreamsGoOnAndAnErrorGoAwayStillClosesTheSession() {
    server(YamuxHarness.NO_KEEPALIVE);
    MuxedStream s = acceptStream1();
    feed(frame(TYPE_GO_AWAY, 0, 0, YamuxFrame.GO_AWAY_NORMAL), frame(TYPE_DATA, 0, 1, 1), new byte[] {7});
    assertTrue(server.isRemoteGoingAway());
    assertArrayEquals(new byte[] {7}, toArray(s.read().join()));
    s.write(ByteBuffer.wrap(new byte[] {8})).join();
    assertEquals(List.of(new Header(TYPE_DATA, 0, 1, 1)), answers().subList(0, 1));
    feed(frame(TYPE_GO_AWAY, 0, 0, YamuxFrame.GO_AWAY_PROTOCOL_ERROR));
    assertFalse(server.isOpen());
    assertInstanceOf(ConnectionClosedException.class, cause(s.closeFuture()));
    assertTrue(answers().isEmpty(), "no GoAway answers a GoAway");
  }

  @Test
  void outboundStreamsAreCappedPerConnectionAndAClosedOneFreesItsPlace() {
    YamuxHarness h = new YamuxHarness(YamuxHarness.NO_KEEPALIVE.withMaxOutboundStreams(3),
        YamuxHarness.NO_KEEPALIVE);
    try {
      MuxedStream a = h.open();
      h.open();
      h.open();
      CompletableFuture<MuxedStream> fourth = h.client.openStream();
      Throwable c = cause(fourth);
      assertInstanceOf(LimitExceededException.class, c);
      assertEquals("yamux outbound streams", ((LimitExceededException) c).limit());
      assertEquals(3, h.client.outboundStreamCount());
      a.reset();
      h.pump();
      assertTrue(h.open().isOpen(), "the reset stream's place is free again");
      assertEquals(3, h.client.outboundStreamCount());
    } finally {
      h.finish();
    }
  }

  @Test
  void aPeerThatNeverReadsOneStreamStallsOnlyThatStream() {
    YamuxHarness h = new YamuxHarness();
    try {
      MuxedStream stalled = h.open();
      MuxedStream other = h.open();
      MuxedStream stalledAtServer = h.serverAccepted.poll();
      MuxedStream otherAtServer = h.serverAccepted.poll();
      ByteBuffer big = YamuxHarness.bytes(1 << 20, 1);
      CompletableFuture<Void> stalledWrite = stalled.write(big.duplicate());
      ByteBuffer payload = YamuxHarness.bytes(1 << 20, 2);
      CompletableFuture<Void> otherWrite = other.write(payload.duplicate());
      other.closeWrite();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      CompletableFuture<Void> read = YamuxHarness.readAll(otherAtServer, got);
      h.pump();
      assertTrue(otherWrite.isDone() && read.isDone(), "the stream whose reader reads is not held back");
      assertArrayEquals(payload.array(), got.toByteArray());
      assertFalse(stalledWrite.isDone(), "the unread stream waits at its window");
      long delivered = h.toServer.stream().filter(x -> x.type() == TYPE_DATA && x.streamId() == stalled.id())
          .mapToLong(Header::length).sum();
      assertEquals(YamuxFrame.INITIAL_WINDOW, delivered, "exactly one window crossed for the unread stream");
      assertTrue(h.server.isOpen() && h.client.isOpen());
      stalledAtServer.reset();
      h.pump();
      assertInstanceOf(StreamResetException.class, cause(stalledWrite));
    } finally {
      h.finish();
    }
  }

  private static byte[] toArray(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.get(a);
    return a;
  }
}
