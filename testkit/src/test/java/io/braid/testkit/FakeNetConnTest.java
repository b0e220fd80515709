package io.braid.testkit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.CloseReason;
import io.braid.api.ConnectionClosedException;
import io.braid.api.Direction;
import io.braid.api.LimitExceededException;
import io.braid.api.Multiaddr;
import io.braid.api.NetStream;
import io.braid.api.StreamResetException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class FakeNetConnTest {

  @Test
  void theBuilderSetsEveryPropertyAndDefaultsAreSensible() {
    Multiaddr local = Multiaddr.fromString("/ip4/10.0.0.1/tcp/1");
    Multiaddr remote = Multiaddr.fromString("/ip4/10.0.0.2/tcp/2");
    FakeNetConn conn = FakeNetConn.builder().id("c-1").localPeer(FakeNetConn.testPeer(7))
        .remotePeer(FakeNetConn.testPeer(8)).localAddress(local).remoteAddress(remote)
        .direction(Direction.INBOUND).streamCount(3).build();
    assertEquals("c-1", conn.id());
    assertEquals(FakeNetConn.testPeer(7), conn.localPeer());
    assertEquals(FakeNetConn.testPeer(8), conn.remotePeer());
    assertEquals(local, conn.localAddress());
    assertEquals(remote, conn.remoteAddress());
    assertEquals(Direction.INBOUND, conn.direction());
    assertEquals(3, conn.streamCount());
    assertTrue(conn.isOpen());

    FakeNetConn plain = FakeNetConn.create();
    assertNotEquals(plain.id(), FakeNetConn.create().id(), "default ids are unique");
    assertEquals(Direction.OUTBOUND, plain.direction());
    assertEquals(0, plain.streamCount());
    assertEquals(FakeNetConn.testPeer(1), plain.remotePeer());
  }

  @Test
  void testPeersAreDeterministicAndDistinct() {
    assertEquals(FakeNetConn.testPeer(42), FakeNetConn.testPeer(42));
    assertNotEquals(FakeNetConn.testPeer(42), FakeNetConn.testPeer(43));
    assertTrue(FakeNetConn.testPeer(42).toBase58().startsWith("Qm"), "a sha2-256 peer id");
  }

  @Test
  void invalidSettingsAreRejectedAtOnce() {
    assertEquals("streamCount must be >= 0, was -1",
        assertThrows(IllegalArgumentException.class, () -> FakeNetConn.withStreamCount(-1)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> FakeNetConn.create().setStreamCount(-5));
    assertThrows(IllegalArgumentException.class, () -> FakeNetConn.builder().id(""));
    assertThrows(NullPointerException.class, () -> FakeNetConn.builder().remotePeer(null));
    assertThrows(IllegalArgumentException.class, () -> FakeNetConn.create().newStream());
    assertThrows(IllegalArgumentException.class, () -> FakeNetConn.create().newStream((String[]) null));
    assertThrows(IllegalArgumentException.class, () -> FakeNetConn.create().newStream("/a", ""));
  }

  @Test
  void theStreamCountCanBeSetAndStubStreamsCountUntilDone() throws Exception {
    FakeNetConn conn = FakeNetConn.withStreamCount(2);
    conn.setStreamCount(5);
    assertEquals(5, conn.streamCount());
    NetStream stream = conn.newStream("/echo/1.0.0", "/other").get(5, SECONDS);
    assertEquals(6, conn.streamCount(), "an open stub stream counts");
    assertEquals("/echo/1.0.0", stream.protocol());
    assertSame(conn, stream.connection());
    stream.closeWrite().get(5, SECONDS);
    stream.closeFuture().get(5, SECONDS);
    assertEquals(5, conn.streamCount(), "a done stream stops counting");
    stream.close();
    assertEquals(5, conn.streamCount(), "closing again changes nothing");
  }

  @Test
  void aStubStreamEchoesWhatItWritesThenReadsEndOfStream() throws Exception {
    NetStream stream = FakeNetConn.create().newStream("/echo/1.0.0").get(5, SECONDS);
    CompletableFuture<ByteBuffer> pending = stream.read();
    assertFalse(pending.isDone(), "nothing to read yet");
    assertThrows(IllegalStateException.class, stream::read, "one outstanding read at a time");
    ByteBuffer data = ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8));
    stream.write(data).get(5, SECONDS);
    assertFalse(data.hasRemaining(), "write consumes the buffer");
    assertEquals("hello", text(pending.get(5, SECONDS)));
    stream.write(ByteBuffer.wrap("again".getBytes(StandardCharsets.UTF_8))).get(5, SECONDS);
    stream.closeWrite().get(5, SECONDS);
    assertEquals("again", text(stream.read().get(5, SECONDS)));
    assertEquals(0, stream.read().get(5, SECONDS).remaining(), "end of stream");
    assertEquals(0, stream.read().get(5, SECONDS).remaining(), "end of stream again");
    ExecutionException afterClose = assertThrows(ExecutionException.class,
        () -> stream.write(ByteBuffer.allocate(1)).get(5, SECONDS));
    assertInstanceOf(IllegalStateException.class, afterClose.getCause());
    assertFalse(stream.isOpen());
  }

  @Test
  void resetFailsPendingAndLaterOperationsAndStopsCounting() throws Exception {
    FakeNetConn conn = FakeNetConn.create();
    NetStream stream = conn.newStream("/p").get(5, SECONDS);
    CompletableFuture<ByteBuffer> pending = stream.read();
    stream.reset();
    assertInstanceOf(StreamResetException.class, assertThrows(ExecutionException.class,
        () -> pending.get(5, SECONDS)).getCause());
    assertInstanceOf(StreamResetException.class, assertThrows(ExecutionException.class,
        () -> stream.write(ByteBuffer.allocate(1)).get(5, SECONDS)).getCause());
    assertInstanceOf(StreamResetException.class, assertThrows(ExecutionException.class,
        () -> stream.closeFuture().get(5, SECONDS)).getCause());
    assertEquals(0, conn.streamCount());
    stream.reset();
    assertEquals(0, conn.streamCount(), "reset is idempotent");
  }

  @Test
  void newStreamFailsWithTheChosenExceptionUntilToldToSucceed() throws Exception {
    LimitExceededException limit = new LimitExceededException("maxStreams", 1, "stream refused");
    FakeNetConn conn = FakeNetConn.builder().failNewStreamsWith(limit).build();
    ExecutionException e = assertThrows(ExecutionException.class, () -> conn.newStream("/p").get(5, SECONDS));
    assertSame(limit, e.getCause());
    assertEquals(0, conn.streamCount(), "a failed open does not count");
    conn.succeedNewStreams();
    conn.newStream("/p").get(5, SECONDS);
    conn.failNewStreamsWith(new ConnectionClosedException("gone"));
    assertInstanceOf(ConnectionClosedException.class, assertThrows(ExecutionException.class,
        () -> conn.newStream("/p").get(5, SECONDS)).getCause());
  }

  @Test
  void closingFailsOpenStreamsZeroesTheCountAndCompletesCloseFutureOnce() throws Exception {
    FakeNetConn conn = FakeNetConn.withStreamCount(3);
    NetStream stream = conn.newStream("/p").get(5, SECONDS);
    CompletableFuture<ByteBuffer> pending = stream.read();
    conn.closeWith(CloseReason.REMOTE);
    assertFalse(conn.isOpen());
    assertEquals(0, conn.streamCount());
    assertSame(CloseReason.REMOTE, conn.closeFuture().get(5, SECONDS));
    assertInstanceOf(ConnectionClosedException.class, assertThrows(ExecutionException.class,
        () -> pending.get(5, SECONDS)).getCause());
    assertInstanceOf(ConnectionClosedException.class, assertThrows(ExecutionException.class,
        () -> conn.newStream("/p").get(5, SECONDS)).getCause());
    conn.close();
    assertSame(CloseReason.REMOTE, conn.closeFuture().get(5, SECONDS), "the first reason stays");
  }

  @Test
  void concurrentOpensAndACloseLeaveNoStreamCounting() throws Exception {
    FakeNetConn conn = FakeNetConn.create();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 2_000; i++) {
            boolean resetIt = i % 2 == 0;
            conn.newStream("/p").handle((s, err) -> {
              if (s != null && resetIt) {
                s.reset();
              }
              return null;
            });
          }
          return null;
        }));
      }
      futures.add(pool.submit(() -> {
        start.await();
        conn.close();
        return null;
      }));
      start.countDown();
      for (Future<?> f : futures) {
        f.get(30, SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertFalse(conn.isOpen());
    assertEquals(0, conn.streamCount(), "nothing counts after close");
    assertSame(CloseReason.LOCAL, conn.closeFuture().get(5, SECONDS));
  }

  private static String text(ByteBuffer b) {
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
