package io.braid.transport.tcp.internal.yamux;

import static io.braid.transport.tcp.internal.yamux.YamuxHarness.bytes;
import static io.braid.transport.tcp.internal.yamux.YamuxHarness.readAll;
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
import io.braid.api.LimitExceededException;
import io.braid.api.StreamResetException;
import io.braid.transport.tcp.internal.TrackingAllocator;
import io.braid.transport.tcp.internal.yamux.YamuxFrame.Header;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class YamuxSessionTest {

  private static final YamuxVectors VECTORS = YamuxVectors.load();

  private YamuxHarness h = new YamuxHarness();

  @AfterEach
  void noLeaks() {
    h.finish();
  }

  /**
   * Replaces the harness with one whose server runs {@code server}; the server pinged when it started and
   * the answer arrives 10 ms later, so its RTT is 10 ms.
   */
  private void restartWithRtt10ms(YamuxConfig server) {
    h.finish();
    h = new YamuxHarness(YamuxHarness.NO_KEEPALIVE, server);
    h.serverCh.advanceTimeBy(10, TimeUnit.MILLISECONDS);
    h.pump();
  }

  private static byte[] drainOne(EmbeddedChannel ch) {
    ByteBuf b = ch.readOutbound();
    assertNotNull(b, "expected an outbound frame");
    byte[] a = new byte[b.readableBytes()];
    b.readBytes(a);
    b.release();
    return a;
  }

  private static Throwable cause(CompletableFuture<?> f) {
    assertTrue(f.isCompletedExceptionally(), "expected a failed future");
    CompletionException e = assertThrows(CompletionException.class, f::join);
    return e.getCause();
  }

  @Test
  void openingWritingClosingAndResettingPutVectorBytesOnTheWire() {
    CompletableFuture<MuxedStream> open = h.client.openStream();
    assertArrayEquals(VECTORS.frame("open stream 1 via WindowUpdate|SYN"), drainOne(h.clientCh));
    MuxedStream s = open.join();
    assertEquals(1, s.id());
    s.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
    assertArrayEquals(VECTORS.frame("data on stream 1"), drainOne(h.clientCh));
    s.closeWrite();
    assertArrayEquals(VECTORS.frame("half-close stream 1 (WindowUpdate|FIN"), drainOne(h.clientCh));
    assertNull(h.clientCh.readOutbound());
    h.client.close();
    assertArrayEquals(VECTORS.frame("GoAway normal"), drainOne(h.clientCh));
    assertTrue(h.alloc.count() >= 4, "frames come from the channel's (tracking) allocator");
  }

  @Test
  void resetOfStreamThreeIsTheVectorFrame() {
    h.client.openStream();
    drainOne(h.clientCh);
    MuxedStream s3 = h.client.openStream().join();
    drainOne(h.clientCh);
    assertEquals(3, s3.id());
    s3.reset();
    assertArrayEquals(VECTORS.frame("reset stream 3"), drainOne(h.clientCh));
  }

  @Test
  void serverAcceptsWithTheVectorAckAndAnswersPingsByEchoingTheOpaqueValue() {
    h.serverCh.writeInbound(h.serverCh.alloc().buffer().writeBytes(
        VECTORS.frame("open stream 1 via Data|SYN carrying")));
    assertArrayEquals(VECTORS.frame("accept stream 1 via WindowUpdate|ACK"), drainOne(h.serverCh));
    MuxedStream accepted = h.serverAccepted.poll();
    assertNotNull(accepted);
    assertEquals("hi", StandardCharsets.US_ASCII.decode(accepted.read().join()).toString());
    h.serverCh.writeInbound(h.serverCh.alloc().buffer().writeBytes(VECTORS.frame("ping request")));
    assertArrayEquals(VECTORS.frame("ping response"), drainOne(h.serverCh));
    h.serverCh.writeInbound(h.serverCh.alloc().buffer().writeBytes(
        VECTORS.frame("half-close stream 1 (Data|FIN")));
    assertEquals(0, accepted.read().join().remaining(), "FIN reads as an empty buffer");
  }

  @Test
  void clientOpensOddIdsServerEvenIdsAndEachSideAcceptsTheOther() {
    MuxedStream c1 = h.open();
    MuxedStream c3 = h.open();
    CompletableFuture<MuxedStream> s = h.server.openStream();
    h.pump();
    assertEquals(List.of(1L, 3L, 2L), List.of(c1.id(), c3.id(), s.join().id()));
    assertEquals(2, h.serverAccepted.size());
    assertEquals(1, h.clientAccepted.size());
    assertEquals(2L, h.clientAccepted.peek().id());
    assertFalse(h.clientAccepted.peek().isOutbound());
    assertEquals(3, h.client.streamCount());
    assertEquals(3, h.server.streamCount());
    assertEquals(1, h.client.inboundStreamCount());
  }

  @Test
  void dataFlowsBothWaysAndHalfCloseLetsTheOtherDirectionContinue() {
    MuxedStream c = h.open();
    MuxedStream s = h.serverAccepted.poll();
    c.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    c.closeWrite();
    h.pump();
    assertArrayEquals(new byte[] {1, 2, 3}, toArray(s.read().join()));
    assertEquals(0, s.read().join().remaining());
    assertEquals(0, s.read().join().remaining(), "every read after EOF is EOF");
    assertTrue(s.isOpen(), "server may still write");
    s.write(ByteBuffer.wrap(new byte[] {4, 5}));
    h.pump();
    assertArrayEquals(new byte[] {4, 5}, toArray(c.read().join()));
    assertFalse(c.closeFuture().isDone());
    s.closeWrite();
    h.pump();
    assertEquals(0, c.read().join().remaining());
    c.closeFuture().join();
    s.closeFuture().join();
    assertFalse(c.isOpen());
    assertEquals(0, h.client.streamCount());
    assertEquals(0, h.server.streamCount());
  }

  @Test
  void writesAfterCloseWriteFailAndCloseWriteIsIdempotent() {
    MuxedStream c = h.open();
    CompletableFuture<Void> a = c.closeWrite();
    CompletableFuture<Void> b = c.closeWrite();
    h.pump();
    a.join();
    b.join();
    assertInstanceOf(IllegalStateException.class, cause(c.write(ByteBuffer.allocate(1))));
    assertEquals(1, h.toServer.stream().filter(x -> x.has(YamuxFrame.FLAG_FIN)).count());
  }

  @Test
  void secondConcurrentReadThrowsIllegalState() {
    MuxedStream c = h.open();
    CompletableFuture<ByteBuffer> first = c.read();
    assertThrows(IllegalStateException.class, c::read);
    assertFalse(first.isDone());
  }

  @Test
  void eightParallelStreamsCarryOneMebibyteEachByteIdentical() {
    int n = 8;
    int size = 1 << 20;
    List<MuxedStream> clients = new ArrayList<>();
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      MuxedStream c = h.client.openStream().join();
      clients.add(c);
      writes.add(c.write(bytes(size, i)));
      c.closeWrite();
    }
    h.pump();
    assertEquals(n, h.serverAccepted.size());
    List<ByteArrayOutputStream> sinks = new ArrayList<>();
    List<CompletableFuture<Void>> reads = new ArrayList<>();
    for (MuxedStream s : h.serverAccepted) {
      ByteArrayOutputStream sink = new ByteArrayOutputStream();
      sinks.add(sink);
      reads.add(readAll(s, sink));
      // echo back
    }
    h.pump();
    for (int i = 0; i < n; i++) {
      assertTrue(writes.get(i).isDone(), "write " + i + " accepted");
      assertTrue(reads.get(i).isDone(), "read " + i + " reached EOF");
      int idx = (int) (h.serverAccepted.stream().toList().get(i).id() - 1) / 2;
      assertArrayEquals(bytes(size, idx).array(), sinks.get(i).toByteArray(), "stream " + i);
    }
  }

  @Test
  void writerStallsAtTheReceiveWindowUntilTheReaderReads() {
    MuxedStream c = h.open();
    MuxedStream s = h.serverAccepted.poll();
    CompletableFuture<Void> w = c.write(bytes(1 << 20, 7));
    h.pump();
    assertFalse(w.isDone(), "1 MiB cannot fit a 256 KiB window");
    long sent = h.toServer.stream().filter(x -> x.type() == YamuxFrame.TYPE_DATA)
        .mapToLong(Header::length).sum();
    assertEquals(YamuxFrame.INITIAL_WINDOW, sent, "exactly one window of data was sent");
    CompletableFuture<Void> second = c.write(ByteBuffer.wrap(new byte[] {42}));
    h.pump();
    assertFalse(second.isDone(), "later writes queue behind");
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    CompletableFuture<Void> r = readAll(s, sink);
    h.pump();
    assertTrue(w.isDone());
    assertTrue(second.isDone());
    c.closeWrite();
    h.pump();
    assertTrue(r.isDone());
    byte[] got = sink.toByteArray();
    assertEquals((1 << 20) + 1, got.length);
    assertEquals(42, got[got.length - 1]);
    long maxDelta = h.toClient.stream().filter(x -> x.type() == YamuxFrame.TYPE_WINDOW_UPDATE)
        .mapToLong(Header::length).max().orElse(0);
    assertTrue(maxDelta <= YamuxFrame.INITIAL_WINDOW, "no RTT, so no auto-tuning: " + maxDelta);
  }

  @Test
  void unreadBytesNeverExceedTheWindowWhenTheReaderPausesMidStream() {
    MuxedStream c = h.open();
    MuxedStream s = h.serverAccepted.poll();
    c.write(bytes(2 << 20, 9));
    h.pump();
    long read = 0;
    while (read < 150_000) {
      read += s.read().join().remaining();
    }
    h.pump(); // the reader pauses here; the writer uses every byte of credit it was given
    assertTrue(h.server.isOpen());
    long sent = h.toServer.stream().filter(x -> x.type() == YamuxFrame.TYPE_DATA)
        .mapToLong(Header::length).sum();
    long granted = YamuxFrame.INITIAL_WINDOW + h.toClient.stream()
        .filter(x -> x.type() == YamuxFrame.TYPE_WINDOW_UPDATE && x.streamId() == 1)
        .mapToLong(Header::length).sum();
    assertTrue(granted > YamuxFrame.INITIAL_WINDOW, "credit was returned");
    assertEquals(granted, sent, "the writer used exactly the credit granted");
    assertTrue(sent - read <= YamuxFrame.INITIAL_WINDOW, "unread " + (sent - read));
  }

  @Test
  void windowAutoTunesUpwardWhenTheReaderDrainsWithinFewRoundTrips() {
    YamuxConfig keepAlive = YamuxConfig.defaults().withKeepAlive(Duration.ofHours(1), Duration.ofHours(1));
    restartWithRtt10ms(keepAlive);
    assertEquals(Duration.ofMillis(10), h.server.rtt());
    MuxedStream c = h.open();
    MuxedStream s = h.serverAccepted.poll();
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    CompletableFuture<Void> r = readAll(s, sink);
    int size = 8 << 20;
    CompletableFuture<Void> w = c.write(bytes(size, 3));
    c.closeWrite();
    h.pump();
    assertTrue(w.isDone());
    assertTrue(r.isDone());
    assertArrayEquals(bytes(size, 3).array(), sink.toByteArray());
    long maxDelta = h.toClient.stream().filter(x -> x.type() == YamuxFrame.TYPE_WINDOW_UPDATE)
        .mapToLong(Header::length).max().orElse(0);
    assertTrue(maxDelta > YamuxFrame.INITIAL_WINDOW, "window grew, largest update " + maxDelta);
    assertTrue(maxDelta <= YamuxConfig.DEFAULT_MAX_STREAM_WINDOW);
    long maxData = h.toServer.stream().filter(x -> x.type() == YamuxFrame.TYPE_DATA)
        .mapToLong(Header::length).max().orElse(0);
    assertTrue(maxData <= YamuxConfig.DEFAULT_MAX_SEND_FRAME);
  }

  @Test
  void theMemoryGuardDecidesEachGrowthOfTheReceiveWindow() {
    YamuxConfig keepAlive = YamuxConfig.defaults().withKeepAlive(Duration.ofHours(1), Duration.ofHours(1));
    restartWithRtt10ms(keepAlive);
    MuxedStream c = h.open();
    MuxedStream s = h.serverAccepted.poll();
    // The guard grants growth up to 768 KiB beyond the initial window, then refuses, as a stream scope at
    // its memory limit would.
    long budget = 768 * 1024;
    java.util.concurrent.atomic.AtomicLong granted = new java.util.concurrent.atomic.AtomicLong();
    List<Long> asked = new ArrayList<>();
    s.memoryGuard(n -> {
      asked.add(n);
      if (granted.get() + n > budget) {
        return false;
      }
      granted.addAndGet(n);
      return true;
    });
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    CompletableFuture<Void> r = readAll(s, sink);
    int size = 8 << 20;
    c.write(bytes(size, 5));
    c.closeWrite();
    h.pump();
    assertTrue(r.isDone());
    assertArrayEquals(bytes(size, 5).array(), sink.toByteArray(), "every byte arrives at the window it has");
    assertTrue(asked.size() > 2, "asked at each growth, and again after a refusal: " + asked);
    assertEquals(List.of(256L * 1024, 512L * 1024), asked.subList(0, 2), "256 KiB -> 512 KiB -> 1 MiB");
    assertEquals(budget, granted.get());
    long maxDelta = h.toClient.stream().filter(x -> x.type() == YamuxFrame.TYPE_WINDOW_UPDATE)
        .mapToLong(Header::length).max().orElse(0);
    assertTrue(maxDelta <= YamuxFrame.INITIAL_WINDOW + budget, "no credit beyond the guarded window: " + maxDelta);
  }

  @Test
  void theSumOfAConnectionsReceiveWindowsStaysWithinItsBoundWhileStreamsGrow() {
    long bound = 1 << 20;
    YamuxConfig server = YamuxConfig.defaults().withKeepAlive(Duration.ofHours(1), Duration.ofHours(1))
        .withReceiveWindows(YamuxConfig.DEFAULT_MAX_STREAM_WINDOW, bound);
    restartWithRtt10ms(server);
    List<CompletableFuture<Void>> reads = new ArrayList<>();
    List<MuxedStream> clients = new ArrayList<>();
    List<MuxedStream> servers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      clients.add(h.open());
      servers.add(h.serverAccepted.poll());
      reads.add(readAll(servers.get(i), new ByteArrayOutputStream()));
    }
    long most = 0;
    for (int round = 0; round < 64; round++) {
      for (MuxedStream c : clients) {
        c.write(bytes(128 * 1024, round));
      }
      h.pump();
      most = Math.max(most, h.server.totalReceiveWindowForTesting());
      assertTrue(h.server.totalReceiveWindowForTesting() <= bound,
          "windows sum to " + h.server.totalReceiveWindowForTesting());
    }
    assertTrue(most > 3 * YamuxFrame.INITIAL_WINDOW, "the windows grew, to " + most + " in all");
    for (MuxedStream c : clients) {
      c.closeWrite();
    }
    h.pump();
    assertTrue(reads.stream().allMatch(CompletableFuture::isDone));
    servers.forEach(MuxedStream::close);
    h.pump();
    assertEquals(0, h.server.totalReceiveWindowForTesting(), "closed streams give their windows back");
  }

  @Test
  void windowDoesNotGrowWhenTheReaderIsSlowerThanFourRoundTrips() {
    YamuxConfig keepAlive = YamuxConfig.defaults().withKeepAlive(Duration.ofHours(1), Duration.ofHours(1));
    restartWithRtt10ms(keepAlive);
    MuxedStream c = h.open();
    MuxedStream s = h.serverAccepted.poll();
    c.write(bytes(2 << 20, 3));
    h.pump();
    for (int i = 0; i < 200 && s.read().isDone(); i++) {
      h.serverCh.advanceTimeBy(50, TimeUnit.MILLISECONDS);
      h.pump();
    }
    long maxDelta = h.toClient.stream().filter(x -> x.type() == YamuxFrame.TYPE_WINDOW_UPDATE)
        .mapToLong(Header::length).max().orElse(0);
    assertTrue(maxDelta > 0 && maxDelta <= YamuxFrame.INITIAL_WINDOW, "largest update " + maxDelta);
  }

  @Test
  void resetFailsPendingOperationsOnBothSidesAndOtherStreamsGoOn() {
    MuxedStream c = h.open();
    MuxedStream s = h.serverAccepted.poll();
    MuxedStream other = h.open();
    MuxedStream otherServer = h.serverAccepted.poll();
    CompletableFuture<ByteBuffer> pendingRead = s.read();
    CompletableFuture<Void> stalled = s.write(bytes(1 << 20, 1));
    h.pump();
    c.reset();
    assertInstanceOf(StreamResetException.class, cause(c.closeFuture()));
    assertInstanceOf(StreamResetException.class, cause(c.read()));
    assertInstanceOf(StreamResetException.class, cause(c.write(ByteBuffer.allocate(1))));
    h.pump();
    assertInstanceOf(StreamResetException.class, cause(pendingRead));
    assertInstanceOf(StreamResetException.class, cause(stalled));
    assertInstanceOf(StreamResetException.class, cause(s.closeFuture()));
    assertFalse(s.isOpen());
    c.reset(); // idempotent
    other.write(ByteBuffer.wrap(new byte[] {9}));
    h.pump();
    assertArrayEquals(new byte[] {9}, toArray(otherServer.read().join()));
    assertEquals(1, h.client.streamCount());
    assertEquals(1, h.server.streamCount());
  }

  @Test
  void closeDiscardsInboundButKeepsTheWriterFlowing() {
    MuxedStream c = h.open();
    MuxedStream s = h.serverAccepted.poll();
    s.close();
    CompletableFuture<Void> w = c.write(bytes(2 << 20, 5));
    h.pump();
    assertTrue(w.isDone(), "discarded bytes return their credit at once");
    assertEquals(0, c.read().join().remaining(), "close half-closed the server's side");
    c.closeWrite();
    h.pump();
    s.closeFuture().join();
    assertEquals(0, h.server.streamCount());
  }

  @Test
  void keepalivePingsAndClosesTheSessionWhenThePongIsLate() {
    YamuxConfig ka = YamuxConfig.defaults().withKeepAlive(Duration.ofSeconds(30), Duration.ofSeconds(10));
    h.finish();
    h = new YamuxHarness(YamuxHarness.NO_KEEPALIVE, ka);
    h.pump(); // first ping answered
    assertEquals(1, h.toServer.stream().filter(x -> x.type() == YamuxFrame.TYPE_PING).count());
    h.serverCh.advanceTimeBy(30, TimeUnit.SECONDS);
    h.serverCh.runScheduledPendingTasks();
    h.pump();
    assertEquals(2, h.toClient.stream().filter(x -> x.type() == YamuxFrame.TYPE_PING).count(),
        "a second keepalive ping after the interval");
    MuxedStream c = h.open();
    MuxedStream s = h.serverAccepted.poll();
    h.serverCh.advanceTimeBy(30, TimeUnit.SECONDS);
    h.serverCh.runScheduledPendingTasks(); // third ping, never answered
    assertTrue(h.server.isOpen());
    h.serverCh.advanceTimeBy(10, TimeUnit.SECONDS);
    h.serverCh.runScheduledPendingTasks();
    assertFalse(h.server.isOpen());
    assertFalse(h.serverCh.isOpen());
    assertInstanceOf(ConnectionTimeoutException.class, cause(h.server.closeFuture()));
    assertInstanceOf(ConnectionClosedException.class, cause(s.closeFuture()));
    assertTrue(c.isOpen(), "the client has not noticed yet");
  }

  @Test
  void remoteGoAwayStopsNewStreamsButExistingOnesContinue() {
    MuxedStream c = h.open();
    MuxedStream s = h.serverAccepted.poll();
    h.server.goAway();
    h.pump();
    assertTrue(h.client.isRemoteGoingAway());
    assertInstanceOf(ConnectionClosedException.class, cause(h.client.openStream()));
    c.write(ByteBuffer.wrap(new byte[] {1}));
    h.pump();
    assertArrayEquals(new byte[] {1}, toArray(s.read().join()));
    assertTrue(h.client.isOpen());
  }

  @Test
  void closingTheSessionSendsGoAwayAndFailsStreamsWithConnectionClosed() {
    MuxedStream c = h.open();
    MuxedStream s = h.serverAccepted.poll();
    CompletableFuture<ByteBuffer> r = s.read();
    h.client.close();
    h.client.close();
    assertFalse(h.clientCh.isOpen());
    h.client.closeFuture().join();
    assertInstanceOf(ConnectionClosedException.class, cause(c.closeFuture()));
    assertInstanceOf(ConnectionClosedException.class, cause(h.client.openStream()));
    h.pump();
    assertTrue(h.server.isRemoteGoingAway());
    h.serverCh.close(); // the TCP connection goes down
    assertInstanceOf(ConnectionClosedException.class, cause(r));
    h.server.closeFuture().join();
    assertEquals(0, h.server.streamCount());
  }

  @Test
  void opensBeyondTheAckBacklogWaitForAcksAndBeyondThePendingLimitFail() {
    h.finish();
    h = new YamuxHarness(YamuxHarness.NO_KEEPALIVE.withMaxAckBacklog(2, 1), YamuxHarness.NO_KEEPALIVE);
    CompletableFuture<MuxedStream> a = h.client.openStream();
    CompletableFuture<MuxedStream> b = h.client.openStream();
    CompletableFuture<MuxedStream> c = h.client.openStream();
    CompletableFuture<MuxedStream> d = h.client.openStream();
    assertTrue(a.isDone() && b.isDone());
    assertFalse(c.isDone(), "waits for an ACK");
    assertInstanceOf(LimitExceededException.class, cause(d));
    h.pump();
    assertEquals(5, c.join().id());
    assertEquals(3, h.serverAccepted.size());
  }

  @Test
  void inboundStreamsBeyondTheLimitAreResetAndTheOthersKeepWorking() {
    h.finish();
    h = new YamuxHarness(YamuxHarness.NO_KEEPALIVE, YamuxHarness.NO_KEEPALIVE.withMaxInboundStreams(2));
    MuxedStream a = h.open();
    MuxedStream b = h.open();
    MuxedStream refused = h.open();
    assertInstanceOf(StreamResetException.class, cause(refused.closeFuture()));
    assertEquals(2, h.server.inboundStreamCount());
    a.write(ByteBuffer.wrap(new byte[] {1}));
    h.pump();
    assertArrayEquals(new byte[] {1}, toArray(h.serverAccepted.poll().read().join()));
    b.reset();
    h.pump();
    MuxedStream again = h.open();
    assertTrue(again.isOpen(), "a slot was freed by the reset");
    assertEquals(2, h.server.inboundStreamCount());
  }

  @Test
  void listenerThatThrowsGetsItsStreamResetAndTheSessionGoesOn() {
    TrackingAllocator alloc = new TrackingAllocator();
    YamuxSession server = new YamuxSession(false, YamuxHarness.NO_KEEPALIVE, st -> {
      throw new IllegalStateException("boom");
    });
    EmbeddedChannel ch = YamuxHarness.channel(alloc, server);
    ch.writeInbound(alloc.buffer().writeBytes(VECTORS.frame("open stream 1 via WindowUpdate|SYN")));
    assertArrayEquals(VECTORS.frame("accept stream 1"), drainOne(ch));
    Header rst = YamuxFrame.decodeHeader(io.netty.buffer.Unpooled.wrappedBuffer(drainOne(ch)));
    assertEquals(new Header(YamuxFrame.TYPE_WINDOW_UPDATE, YamuxFrame.FLAG_RST, 1, 0), rst);
    assertTrue(server.isOpen());
    assertEquals(0, server.streamCount());
    ch.checkException();
    ch.finishAndReleaseAll();
    alloc.assertAllReleased();
  }

  private static byte[] toArray(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.get(a);
    return a;
  }
}
