package io.braid.protocols;

import static io.braid.protocols.MemoryPair.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.NetStream;
import io.braid.api.StreamResetException;
import io.braid.testkit.Streams;
import io.braid.testkit.TestVectors;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PerfTest {
  private MemoryPair pair;

  @BeforeEach
  void connect() throws Exception {
    pair = new MemoryPair();
  }

  @AfterEach
  void close() {
    pair.close();
  }

  private Throwable failure(java.util.concurrent.CompletableFuture<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(f));
    return Streams.unwrap(e.getCause());
  }

  @Test
  void roundTripMovesExactlyTheRequestedBytesEachWay() throws Exception {
    pair.serverRouter.register(Perf.PROTOCOL, Perf.server());
    PerfResult r = await(Perf.client(pair.open(Perf.PROTOCOL), 8L << 20, 4L << 20));
    assertEquals(8L << 20, r.uploadBytes());
    assertEquals(4L << 20, r.downloadBytes());
    assertTrue(r.uploadGbps() >= 0 && r.downloadGbps() >= 0);
  }

  @Test
  void zeroBytesEachWayStillCompletesTheExchange() throws Exception {
    pair.serverRouter.register(Perf.PROTOCOL, Perf.server());
    PerfResult r = await(Perf.client(pair.open(Perf.PROTOCOL), 0, 0));
    assertEquals(0, r.uploadBytes());
    assertEquals(0, r.downloadBytes());
    assertEquals(4096, await(Perf.client(pair.open(Perf.PROTOCOL), 0, 4096)).downloadBytes());
    assertEquals(4096, await(Perf.client(pair.open(Perf.PROTOCOL), 4096, 0)).uploadBytes());
  }

  @Test
  void serverSendsBackExactlyTheRequestedCountAfterDrainingTheUpload() throws Exception {
    pair.serverRouter.register(Perf.PROTOCOL, Perf.server());
    NetStream s = pair.open(Perf.PROTOCOL);
    byte[] request = new byte[8 + 100_000];
    System.arraycopy(Perf.requestHeader(12_345), 0, request, 0, 8);
    byte[] back = await(Streams.exchange(s, request, 1 << 20));
    assertEquals(12_345, back.length);
  }

  @Test
  void headerSplitAcrossWritesIsReassembled() throws Exception {
    pair.serverRouter.register(Perf.PROTOCOL, Perf.server());
    NetStream s = pair.open(Perf.PROTOCOL);
    var response = Streams.readFully(s, 1 << 20);
    for (byte b : Perf.requestHeader(777)) {
      await(s.write(ByteBuffer.wrap(new byte[] {b})));
    }
    await(s.closeWrite());
    assertEquals(777, await(response).length);
  }

  @Test
  void requestOverTheCapIsRefusedWithAReset() throws Exception {
    pair.serverRouter.register(Perf.PROTOCOL, Perf.server(1024));
    assertInstanceOf(StreamResetException.class, failure(Perf.client(pair.open(Perf.PROTOCOL), 0, 1025)));
    // The cap itself is allowed.
    assertEquals(1024, await(Perf.client(pair.open(Perf.PROTOCOL), 0, 1024)).downloadBytes());
  }

  @Test
  void truncatedRequestHeaderIsRefusedWithAReset() throws Exception {
    pair.serverRouter.register(Perf.PROTOCOL, Perf.server());
    NetStream s = pair.open(Perf.PROTOCOL);
    Throwable t = failure(Streams.exchange(s, new byte[] {0, 0, 1}, 1 << 20));
    assertInstanceOf(StreamResetException.class, t);
  }

  @Test
  void emptyRequestIsRefusedWithAReset() throws Exception {
    pair.serverRouter.register(Perf.PROTOCOL, Perf.server());
    Throwable t = failure(Streams.exchange(pair.open(Perf.PROTOCOL), new byte[0], 1 << 20));
    assertInstanceOf(StreamResetException.class, t);
  }

  @Test
  void clientRejectsAServerThatSendsTooFewBytes() throws Exception {
    // A broken server: reads the request, sends 10 bytes whatever was asked.
    pair.serverRouter.register(Perf.PROTOCOL, stream -> Streams.discard(stream)
        .thenCompose(n -> stream.write(ByteBuffer.allocate(10)))
        .thenCompose(v -> stream.closeWrite()));
    Throwable t = failure(Perf.client(pair.open(Perf.PROTOCOL), 0, 100));
    assertInstanceOf(ProtocolViolationException.class, t);
  }

  @Test
  void clientResetsAServerThatSendsMoreThanAskedFor() throws Exception {
    pair.serverRouter.register(Perf.PROTOCOL, stream -> Streams.discard(stream)
        .thenCompose(n -> stream.write(ByteBuffer.allocate(101)))
        .thenCompose(v -> stream.closeWrite()));
    Throwable t = failure(Perf.client(pair.open(Perf.PROTOCOL), 0, 100));
    assertInstanceOf(ProtocolViolationException.class, t);
  }

  @Test
  void durationsComeFromTheInjectedClock() throws Exception {
    pair.serverRouter.register(Perf.PROTOCOL, Perf.server());
    AtomicLong ticks = new AtomicLong();
    // start = 0, half-close = 1 ms, end = 2 ms
    PerfResult r = await(Perf.client(pair.open(Perf.PROTOCOL), 125_000, 250_000,
        () -> ticks.getAndIncrement() * 1_000_000L));
    assertEquals(Duration.ofMillis(1), r.uploadTime());
    assertEquals(Duration.ofMillis(1), r.downloadTime());
    assertEquals(1.0, r.uploadGbps(), 1e-9);
    assertEquals(2.0, r.downloadGbps(), 1e-9);
  }

  @Test
  void negativeSizesAreRejectedAtOnce() throws Exception {
    pair.serverRouter.register(Echo.PROTOCOL, Echo.server());
    NetStream s = pair.open(Echo.PROTOCOL);
    assertThrows(IllegalArgumentException.class, () -> Perf.client(s, -1, 0));
    assertThrows(IllegalArgumentException.class, () -> Perf.client(s, 0, -1));
    assertThrows(IllegalArgumentException.class, () -> Perf.requestHeader(-1));
    assertThrows(IllegalArgumentException.class, () -> Perf.server(-1));
  }

  private static final Pattern VECTOR = Pattern.compile("^PERF .*?\\b([0-9a-f]{16})\\b");

  private static List<byte[]> vectorHeaders() {
    List<byte[]> out = new ArrayList<>();
    for (String line : TestVectors.lines("vectors-mss-yamux.txt")) {
      Matcher m = VECTOR.matcher(line);
      if (m.find()) {
        out.add(HexFormat.of().parseHex(m.group(1)));
      }
    }
    assertEquals(3, out.size(), "the vector file has three perf examples");
    return out;
  }

  @Test
  void requestHeaderMatchesTheVectorsByteForByte() {
    List<byte[]> v = vectorHeaders();
    assertArrayEquals(v.get(0), Perf.requestHeader(1L << 30));
    assertArrayEquals(v.get(1), Perf.requestHeader(0));
  }

  @Test
  void downloadForeverVectorIsRefusedByTheCap() throws Exception {
    pair.serverRouter.register(Perf.PROTOCOL, Perf.server());
    byte[] forever = vectorHeaders().get(2);
    Throwable t = failure(Streams.exchange(pair.open(Perf.PROTOCOL), forever, 1 << 20));
    assertInstanceOf(StreamResetException.class, t);
  }

  @Test
  void vectorRequestsAreServedWithTheCountTheyName() throws Exception {
    pair.serverRouter.register(Perf.PROTOCOL, Perf.server());
    byte[] uploadTest = vectorHeaders().get(1);
    byte[] request = new byte[uploadTest.length + 5000];
    System.arraycopy(uploadTest, 0, request, 0, uploadTest.length);
    assertEquals(0, await(Streams.exchange(pair.open(Perf.PROTOCOL), request, 1 << 20)).length);
    // 1 GiB is within the default cap: the server starts sending; read the first bytes and reset.
    NetStream s = pair.open(Perf.PROTOCOL);
    await(Streams.writeAllAndClose(s, vectorHeaders().get(0)));
    ByteBuffer first = await(s.read());
    assertTrue(first.hasRemaining());
    s.reset();
  }
}
