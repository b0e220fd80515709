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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ConnectionClosedException;
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

/** A server session fed hand-made (mostly hostile) frames; what it answers is read back and checked. */
class YamuxHostileFrameTest {

  private static final YamuxVectors VECTORS = YamuxVectors.load();

  private final TrackingAllocator alloc = new TrackingAllocator();
  private final List<MuxedStream> accepted = new ArrayList<>();
  private final YamuxSession server =
      new YamuxSession(false, YamuxHarness.NO_KEEPALIVE, accepted::add);
  private final EmbeddedChannel ch = YamuxHarness.channel(alloc, server);

  @AfterEach
  void nothingEscapesAndNothingLeaks() {
    ch.checkException();
    ch.finishAndReleaseAll();
    alloc.assertAllReleased();
  }

  private void feed(byte[]... parts) {
    ByteBuf b = alloc.buffer();
    for (byte[] p : parts) {
      b.writeBytes(p);
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

  private void assertClosedWithProtocolError(List<Header> answers) {
    assertFalse(answers.isEmpty(), "expected a GoAway");
    assertEquals(new Header(TYPE_GO_AWAY, 0, 0, YamuxFrame.GO_AWAY_PROTOCOL_ERROR),
        answers.get(answers.size() - 1));
    assertFalse(ch.isOpen(), "channel closed");
    assertFalse(server.isOpen());
    assertInstanceOf(YamuxProtocolException.class, cause(server.closeFuture()));
  }

  private MuxedStream openStream1() {
    feed(VECTORS.frame("open stream 1 via WindowUpdate|SYN"));
    assertEquals(List.of(new Header(TYPE_WINDOW_UPDATE, FLAG_ACK, 1, 0)), answers());
    return accepted.get(accepted.size() - 1);
  }

  @Test
  void badVersionSendsGoAwayProtocolErrorClosesAndFailsOpenStreams() {
    MuxedStream s = openStream1();
    feed(VECTORS.bad("version 1").get(0));
    assertClosedWithProtocolError(answers());
    Throwable c = cause(s.closeFuture());
    assertInstanceOf(ConnectionClosedException.class, c);
    assertInstanceOf(YamuxProtocolException.class, c.getCause());
    assertInstanceOf(ConnectionClosedException.class, cause(s.read()));
  }

  @Test
  void unknownFrameTypeIsAProtocolError() {
    feed(VECTORS.bad("unknown type 4").get(0));
    assertClosedWithProtocolError(answers());
  }

  @Test
  void duplicateSynForALiveStreamIsAProtocolError() {
    byte[] syn = VECTORS.bad("duplicate SYN").get(0);
    feed(syn);
    feed(syn);
    List<Header> a = answers();
    assertEquals(new Header(TYPE_WINDOW_UPDATE, FLAG_ACK, 1, 0), a.get(0));
    assertClosedWithProtocolError(a);
  }

  @Test
  void synReusingTheIdOfAFinishedStreamIsAProtocolError() {
    openStream1();
    feed(frame(TYPE_WINDOW_UPDATE, FLAG_RST, 1, 0));
    assertEquals(0, server.streamCount());
    feed(frame(TYPE_WINDOW_UPDATE, FLAG_SYN, 1, 0));
    assertClosedWithProtocolError(answers());
  }

  @Test
  void synWithThisSidesParityOrIdZeroIsAProtocolError() {
    feed(frame(TYPE_WINDOW_UPDATE, FLAG_SYN, 2, 0));
    assertClosedWithProtocolError(answers());
  }

  @Test
  void synOnStreamZeroIsAProtocolError() {
    feed(frame(TYPE_DATA, FLAG_SYN, 0, 0));
    assertClosedWithProtocolError(answers());
  }

  @Test
  void dataSynLargerThanTheInitialWindowFailsBeforeItsBodyArrives() {
    byte[] header = VECTORS.bad("Data|SYN with len 262145").get(0);
    assertEquals(new Header(TYPE_DATA, FLAG_SYN, 1, 262145),
        YamuxFrame.decodeHeader(io.netty.buffer.Unpooled.wrappedBuffer(header)));
    feed(header); // the body never comes
    List<Header> a = answers();
    assertClosedWithProtocolError(a);
    assertEquals(accepted.size(), 1);
    assertInstanceOf(ConnectionClosedException.class, cause(accepted.get(0).closeFuture()));
  }

  @Test
  void windowCreditOverflowingTwoToTheThirtyTwoIsAProtocolError() {
    List<byte[]> v = VECTORS.bad("WindowUpdate credit overflowing");
    assertEquals(2, v.size());
    feed(v.get(0));
    assertEquals(new Header(TYPE_WINDOW_UPDATE, FLAG_ACK, 1, 0), answers().get(0));
    feed(v.get(1));
    assertClosedWithProtocolError(answers());
  }

  @Test
  void creditUpToExactlyTwoToTheThirtyTwoMinusOneIsAccepted() {
    openStream1();
    feed(frame(TYPE_WINDOW_UPDATE, 0, 1, YamuxFrame.MAX_U32 - YamuxFrame.INITIAL_WINDOW));
    assertTrue(server.isOpen());
    feed(frame(TYPE_WINDOW_UPDATE, 0, 1, 1));
    assertClosedWithProtocolError(answers());
  }

  @Test
  void dataExceedingTheRemainingReceiveWindowIsAProtocolErrorWithoutBuffering() {
    MuxedStream s = openStream1();
    feed(frame(TYPE_DATA, 0, 1, 200_000), new byte[200_000]);
    assertTrue(server.isOpen(), "within the window");
    feed(frame(TYPE_DATA, 0, 1, 100_000)); // 62144 bytes of credit left
    assertClosedWithProtocolError(answers());
    assertInstanceOf(ConnectionClosedException.class, cause(s.read()));
  }

  @Test
  void goYamuxWindowOverflowCaseOfTwiceTheMaximumWindowIsRefusedAtTheHeader() {
    openStream1();
    feed(frame(TYPE_DATA, 0, 1, 2 * YamuxConfig.DEFAULT_MAX_STREAM_WINDOW));
    assertClosedWithProtocolError(answers());
  }

  @Test
  void headerClaimingFourGibibytesForAnUnknownStreamHitsTheFrameSizeCap() {
    List<byte[]> v = VECTORS.bad("header claiming len 0xffffffff");
    feed(v.get(0));
    assertClosedWithProtocolError(answers());
  }

  @Test
  void headerClaimingFourGibibytesForALiveStreamIsRefusedByItsWindow() {
    openStream1();
    feed(VECTORS.bad("header claiming len 0xffffffff").get(0));
    assertClosedWithProtocolError(answers());
  }

  @Test
  void dataForAnUnknownStreamIsSkippedAndTheNextFrameIsParsed() {
    MuxedStream s = openStream1();
    feed(frame(TYPE_DATA, 0, 99, 5), "junk!".getBytes(), frame(TYPE_DATA, 0, 1, 2), new byte[] {7, 8});
    assertTrue(server.isOpen());
    assertArrayEquals(new byte[] {7, 8}, toArray(s.read().join()));
  }

  @Test
  void framesSplitIntoSingleBytesParseTheSame() {
    byte[] all = concat(frame(TYPE_DATA, FLAG_SYN, 1, 3), new byte[] {1, 2, 3},
        frame(TYPE_DATA, FLAG_FIN, 1, 2), new byte[] {4, 5});
    for (byte b : all) {
      feed(new byte[] {b});
    }
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    assertTrue(YamuxHarness.readAll(accepted.get(0), sink).isDone());
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, sink.toByteArray());
  }

  @Test
  void synFloodPastTheInboundLimitGetsResetsWhileAcceptedStreamsKeepWorking() {
    int limit = YamuxConfig.defaults().maxInboundStreams();
    ByteBuf flood = alloc.buffer();
    for (int i = 0; i < limit + 100; i++) {
      flood.writeBytes(frame(TYPE_WINDOW_UPDATE, FLAG_SYN, 2L * i + 1, 0));
    }
    ch.writeInbound(flood);
    List<Header> a = answers();
    assertEquals(limit + 100, a.size());
    assertEquals(limit, a.stream().filter(h -> h.flags() == FLAG_ACK).count());
    assertEquals(100, a.stream().filter(h -> h.flags() == FLAG_RST).count());
    assertTrue(a.subList(limit, a.size()).stream().allMatch(h -> h.flags() == FLAG_RST),
        "the streams past the limit are the refused ones");
    assertEquals(limit, server.inboundStreamCount());
    assertTrue(server.isOpen());
    feed(frame(TYPE_DATA, 0, 1, 1), new byte[] {5});
    assertArrayEquals(new byte[] {5}, toArray(accepted.get(0).read().join()));
    // Data for a refused stream is skipped without harm.
    feed(frame(TYPE_DATA, 0, 2L * limit + 1, 3), new byte[3]);
    assertTrue(server.isOpen());
  }

  @Test
  void pingFloodGetsAtMostTheBoundedNumberOfAnswersPerFlush() {
    int max = YamuxConfig.defaults().maxPendingPongs();
    ByteBuf flood = alloc.buffer();
    for (int i = 0; i < 1000; i++) {
      flood.writeBytes(frame(TYPE_PING, FLAG_SYN, 0, i));
    }
    ch.writeInbound(flood);
    List<Header> a = answers();
    assertEquals(max, a.size());
    assertEquals(new Header(TYPE_PING, FLAG_ACK, 0, 0), a.get(0));
    assertEquals(1000 - max, server.droppedPings());
    assertTrue(server.isOpen());
    feed(VECTORS.frame("ping request"));
    assertArrayEquals(VECTORS.frame("ping response"), YamuxFrame.encodeHeader(answers().get(0)),
        "answers resume once the earlier ones were written");
  }

  @Test
  void dataAfterTheRemoteFinResetsOnlyThatStream() {
    MuxedStream s = openStream1();
    feed(frame(TYPE_DATA, FLAG_SYN, 3, 0));
    MuxedStream other = accepted.get(1);
    answers();
    feed(VECTORS.frame("half-close stream 1 (Data|FIN"), frame(TYPE_DATA, 0, 1, 2), new byte[] {1, 2});
    assertEquals(List.of(new Header(TYPE_WINDOW_UPDATE, FLAG_RST, 1, 0)), answers());
    assertInstanceOf(StreamResetException.class, cause(s.closeFuture()));
    assertTrue(server.isOpen());
    feed(frame(TYPE_DATA, 0, 3, 1), new byte[] {3});
    assertArrayEquals(new byte[] {3}, toArray(other.read().join()));
  }

  @Test
  void remoteGoAwayWithAnErrorCodeClosesTheSessionWithoutAnsweringGoAway() {
    MuxedStream s = openStream1();
    feed(VECTORS.frame("GoAway protocol error"));
    assertTrue(answers().isEmpty());
    assertFalse(ch.isOpen());
    assertInstanceOf(ConnectionClosedException.class, cause(server.closeFuture()));
    assertInstanceOf(ConnectionClosedException.class, cause(s.closeFuture()));
  }

  @Test
  void remoteGoAwayInternalErrorAlsoClosesTheSession() {
    feed(VECTORS.frame("GoAway internal error"));
    assertTrue(answers().isEmpty());
    assertFalse(server.isOpen());
    Throwable c = cause(server.closeFuture());
    assertInstanceOf(ConnectionClosedException.class, c);
    assertTrue(c.getMessage().contains("error code 2"), c.getMessage());
  }

  @Test
  void remoteGoAwayNormalKeepsTheSessionOpenButRefusesNewOutboundStreams() {
    MuxedStream s = openStream1();
    feed(VECTORS.frame("GoAway normal"));
    assertTrue(server.isOpen());
    assertTrue(server.isRemoteGoingAway());
    assertInstanceOf(ConnectionClosedException.class, cause(server.openStream()));
    feed(VECTORS.frame("data on stream 1"));
    assertEquals("hello", new String(toArray(s.read().join()), java.nio.charset.StandardCharsets.US_ASCII));
  }

  @Test
  void frameSizeCapIsConfigurableAndCheckedBeforeTheBody() {
    TrackingAllocator a2 = new TrackingAllocator();
    YamuxSession small = new YamuxSession(false, YamuxHarness.NO_KEEPALIVE.withMaxFrameSize(1024), s -> {});
    EmbeddedChannel c2 = YamuxHarness.channel(a2, small);
    c2.writeInbound(a2.buffer().writeBytes(frame(TYPE_DATA, 0, 7, 1024)).writeBytes(new byte[1024]));
    assertTrue(small.isOpen(), "1024 bytes for an unknown stream are skipped");
    c2.writeInbound(a2.buffer().writeBytes(frame(TYPE_DATA, 0, 7, 1025)));
    assertFalse(small.isOpen());
    ByteBuf goAway = c2.readOutbound();
    assertNotNull(goAway);
    assertEquals(new Header(TYPE_GO_AWAY, 0, 0, 1), YamuxFrame.decodeHeader(goAway));
    goAway.release();
    c2.checkException();
    c2.finishAndReleaseAll();
    a2.assertAllReleased();
  }

  @Test
  void bytesAfterAProtocolErrorAreDroppedAndReleased() {
    feed(VECTORS.bad("version 1").get(0), frame(TYPE_DATA, FLAG_SYN, 1, 0));
    assertClosedWithProtocolError(answers());
    assertTrue(accepted.isEmpty(), "the SYN after the bad frame was not processed");
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      o.writeBytes(p);
    }
    return o.toByteArray();
  }

  private static byte[] toArray(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.get(a);
    return a;
  }

}
