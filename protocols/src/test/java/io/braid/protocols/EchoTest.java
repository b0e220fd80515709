package io.braid.protocols;

import static io.braid.protocols.MemoryPair.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.braid.api.NetStream;
import io.braid.testkit.Streams;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EchoTest {
  private MemoryPair pair;

  @BeforeEach
  void connect() throws Exception {
    pair = new MemoryPair();
    pair.serverRouter.register(Echo.PROTOCOL, Echo.server());
  }

  @AfterEach
  void close() {
    pair.close();
  }

  private static Throwable failure(CompletableFuture<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(f));
    return Streams.unwrap(e.getCause());
  }

  @Test
  void serverEchoesOneMebibyteByteForByte() throws Exception {
    byte[] data = Streams.randomBytes(1 << 20, 42);
    byte[] back = await(Streams.exchange(pair.open(Echo.PROTOCOL), data, 2 << 20));
    assertArrayEquals(data, back);
  }

  @Test
  void clientVerifiesItsOwnBytes() throws Exception {
    byte[] data = Streams.randomBytes(300_001, 7);
    assertEquals(300_001, await(Echo.client(pair.open(Echo.PROTOCOL), data)).bytes());
  }

  @Test
  void generatedClientVerifiesSizesThatAreNotWholeChunks() throws Exception {
    for (long n : new long[] {0, 1, 65_535, 65_536, 65_537, 3 * 65_536 + 17}) {
      assertEquals(n, await(Echo.client(pair.open(Echo.PROTOCOL), n)).bytes());
    }
  }

  @Test
  void emptyEchoCompletes() throws Exception {
    assertEquals(0, await(Echo.client(pair.open(Echo.PROTOCOL), new byte[0])).bytes());
  }

  @Test
  void serverHalfClosesAfterTheClientDoesAndTheStreamCloses() throws Exception {
    NetStream s = pair.open(Echo.PROTOCOL);
    await(s.write(ByteBuffer.wrap(new byte[] {1, 2, 3})));
    await(s.closeWrite());
    assertArrayEquals(new byte[] {1, 2, 3}, await(Streams.readFully(s, 100)));
    await(s.closeFuture());
    assertFalse(s.isOpen());
  }

  @Test
  void serverKeepsEchoingWhileTheClientHasNotHalfClosed() throws Exception {
    NetStream s = pair.open(Echo.PROTOCOL);
    for (int i = 0; i < 3; i++) {
      await(s.write(ByteBuffer.wrap(new byte[] {(byte) i})));
      assertArrayEquals(new byte[] {(byte) i}, Streams.toBytes(await(s.read())));
    }
    s.reset();
  }

  @Test
  void clientRejectsAnEchoThatDiffers() throws Exception {
    String liar = "/braid/test/liar/1.0.0";
    // Flips the first byte of everything it echoes.
    pair.serverRouter.register(liar, stream -> Streams.readFully(stream, 1 << 20).thenCompose(b -> {
      b[0] ^= 1;
      return Streams.writeAllAndClose(stream, b);
    }));
    Throwable t = failure(Echo.client(pair.open(liar), new byte[] {5, 6, 7}));
    assertInstanceOf(ProtocolViolationException.class, t);
  }

  @Test
  void clientRejectsAShortEcho() throws Exception {
    String shorty = "/braid/test/short/1.0.0";
    pair.serverRouter.register(shorty, stream -> Streams.readFully(stream, 1 << 20)
        .thenCompose(b -> Streams.writeAllAndClose(stream, new byte[] {b[0]})));
    assertInstanceOf(ProtocolViolationException.class, failure(Echo.client(pair.open(shorty), 1000)));
  }

  @Test
  void negativeSizeIsRejectedAtOnce() throws Exception {
    NetStream s = pair.open(Echo.PROTOCOL);
    assertThrows(IllegalArgumentException.class, () -> Echo.client(s, -1));
    s.reset();
  }
}
