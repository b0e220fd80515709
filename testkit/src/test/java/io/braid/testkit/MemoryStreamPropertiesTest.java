package io.braid.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.NetConn;
import io.braid.api.NetStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Stream invariants of the in-memory transport over arbitrary windows and write patterns. */
class MemoryStreamPropertiesTest {

  @Property(tries = 150)
  void bytesArriveExactlyAndInOrderWhateverTheWindowAndWriteSizes(
      @ForAll @IntRange(min = 1, max = 5_000) int window,
      @ForAll @Size(max = 25) List<@IntRange(min = 0, max = 3_000) Integer> writeSizes,
      @ForAll @IntRange(min = 0, max = 4) int readsBetweenRuns) {
    FakeClockNodes nodes = new FakeClockNodes(window);
    try {
      List<NetStream> held = new ArrayList<>();
      nodes.serverRouter.register("/p", held::add);
      NetConn[] c = nodes.connect(new RecordingInboundHandler());
      CompletableFuture<NetStream> f = c[0].newStream("/p");
      nodes.run();
      NetStream out = nodes.done(f);
      NetStream in = held.get(0);

      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      List<CompletableFuture<Void>> writes = new ArrayList<>();
      int seed = 0;
      for (int size : writeSizes) {
        byte[] b = Streams.randomBytes(size, seed++);
        expected.write(b, 0, b.length);
        writes.add(out.write(ByteBuffer.wrap(b)));
      }
      CompletableFuture<Void> fin = out.closeWrite();
      nodes.run();
      assertTrue(((MemoryStream) in).bufferedBytes() <= window, "the receive buffer never exceeds the window");

      ByteArrayOutputStream got = new ByteArrayOutputStream();
      // Read in the pattern jqwik chose: a few reads, then let the writer move, until end of stream.
      boolean end = false;
      for (int rounds = 0; !end && rounds < 100_000; rounds++) {
        for (int i = 0; i <= readsBetweenRuns && !end; i++) {
          CompletableFuture<ByteBuffer> r = in.read();
          nodes.run();
          ByteBuffer b = nodes.done(r);
          end = !b.hasRemaining();
          byte[] bytes = Streams.toBytes(b);
          got.write(bytes, 0, bytes.length);
          assertTrue(((MemoryStream) in).bufferedBytes() <= window);
        }
      }
      assertTrue(end, "end of stream arrives");
      assertArrayEquals(expected.toByteArray(), got.toByteArray());
      for (CompletableFuture<Void> w : writes) {
        assertTrue(w.isDone() && !w.isCompletedExceptionally());
      }
      assertTrue(fin.isDone());
      in.closeWrite();
      nodes.run();
      assertEquals(0, c[0].streamCount());
      assertEquals(0, c[1].streamCount());
    } finally {
      nodes.close();
    }
  }
}
