package io.braid.transport.tcp.internal.yamux;

import static io.braid.transport.tcp.internal.yamux.YamuxHarness.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ConnectionClosedException;
import io.braid.api.StreamResetException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link MuxedStream#receiveAll}: the push reading API. Every byte in order, borrowed views valid for as
 * long as the contract says, the held slice of a paused receiver released exactly once (the harness's
 * tracking allocator and Netty's paranoid leak detector both check), backpressure through the window, and
 * the ways it ends.
 */
class YamuxReceiveTest {

  private final YamuxHarness h = new YamuxHarness();

  @AfterEach
  void noLeaks() {
    h.finish();
  }

  private static byte[] array(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.duplicate().get(a);
    return a;
  }

  private static Throwable cause(CompletableFuture<?> f) {
    assertTrue(f.isCompletedExceptionally(), "expected a failed future");
    return assertThrows(CompletionException.class, f::join).getCause();
  }

  @Test
  void everyByteArrivesInOrderAsReadOnlyViewsThenEndOfStreamCompletes() {
    MuxedStream c = h.open();
    MuxedStream s = h.serverAccepted.poll();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    List<Boolean> readOnly = new ArrayList<>();
    CompletableFuture<Void> done = s.receiveAll(chunk -> {
      assertTrue(chunk.hasRemaining(), "never an empty chunk");
      readOnly.add(chunk.isReadOnly());
      got.writeBytes(array(chunk));
      return null;
    });
    ByteBuffer data = bytes(1 << 20, 7); // four times the initial window: credit must come back
    byte[] expected = array(data);
    for (int i = 0; i < 16; i++) {
      ByteBuffer part = data.duplicate();
      part.position(i * 65536).limit((i + 1) * 65536);
      c.write(part);
      h.pump();
    }
    c.closeWrite();
    h.pump();
    assertTrue(done.isDone() && !done.isCompletedExceptionally(), "end of stream completes the future");
    assertArrayEquals(expected, got.toByteArray());
    assertFalse(readOnly.contains(false), "every chunk is read-only");
    long granted = YamuxFrame.INITIAL_WINDOW + h.toClient.stream()
        .filter(x -> x.type() == YamuxFrame.TYPE_WINDOW_UPDATE && x.streamId() == c.id())
        .mapToLong(YamuxFrame.Header::length).sum();
    assertTrue(granted <= expected.length + YamuxFrame.INITIAL_WINDOW,
        "credit granted (" + granted + ") is what was read plus the window, never more");
  }

  @Test
  void aPausedReceiverKeepsItsChunkValidHoldsTheBytesAndStopsTheWriterUntilItsStageCompletes() {
    MuxedStream c = h.open();
    MuxedStream s = h.serverAccepted.poll();
    List<ByteBuffer> chunks = new ArrayList<>();
    List<byte[]> atDelivery = new ArrayList<>();
    CompletableFuture<Void> gate = new CompletableFuture<>();
    CompletableFuture<Void> done = s.receiveAll(chunk -> {
      chunks.add(chunk);
      atDelivery.add(array(chunk));
      return chunks.size() == 1 ? gate : null;
    });
    ByteBuffer first = bytes(40_000, 1);
    c.write(first.duplicate());
    h.pump();
    assertEquals(1, chunks.size());
    // More than the rest of the 256 KiB window: the writer must stall while the receiver is paused.
    CompletableFuture<Void> big = c.write(bytes(300_000, 2));
    h.pump();
    assertEquals(1, chunks.size(), "nothing more is delivered while the receiver is paused");
    assertFalse(big.isDone(), "the writer is held back by the window");
    assertArrayEquals(atDelivery.get(0), array(chunks.get(0)), "the borrowed chunk is intact while paused");
    assertThrows(AssertionError.class, h.alloc::assertAllReleased, "the paused chunk's frame is held");

    gate.complete(null);
    h.pump();
    assertTrue(big.isDone(), "credit returned after the stage completed");
    c.closeWrite();
    h.pump();
    assertTrue(done.isDone() && !done.isCompletedExceptionally());
    long total = 0;
    for (byte[] a : atDelivery) {
      total += a.length;
    }
    assertEquals(340_000, total);
    assertArrayEquals(array(first), atDelivery.get(0));
  }

  @Test
  void bytesThatArrivedBeforeTheReceiverComeFirstAndInOrder() {
    MuxedStream c = h.open();
    MuxedStream s = h.serverAccepted.poll();
    ByteBuffer early = bytes(10_000, 3);
    ByteBuffer late = bytes(70_000, 4);
    c.write(early.duplicate());
    h.pump();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    CompletableFuture<Void> done = s.receiveAll(chunk -> {
      got.writeBytes(array(chunk));
      return null;
    });
    c.write(late.duplicate());
    c.closeWrite();
    h.pump();
    assertTrue(done.isDone() && !done.isCompletedExceptionally());
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.writeBytes(array(early));
    expected.writeBytes(array(late));
    assertArrayEquals(expected.toByteArray(), got.toByteArray());
  }

  @Test
  void aReceiverThatThrowsResetsTheStreamAndFailsWithWhatItThrew() {
    MuxedStream c = h.open();
    MuxedStream s = h.serverAccepted.poll();
    IllegalStateException boom = new IllegalStateException("boom");
    CompletableFuture<Void> done = s.receiveAll(chunk -> {
      throw boom;
    });
    CompletableFuture<Void> clientDone = c.closeFuture();
    c.write(bytes(1000, 5));
    h.pump();
    assertSame(boom, cause(done));
    assertInstanceOf(StreamResetException.class, cause(clientDone), "the remote sees the reset");
    assertFalse(s.isOpen());
  }

  @Test
  void oneWayOfReadingPerStream() {
    MuxedStream c = h.open();
    MuxedStream s = h.serverAccepted.poll();
    CompletableFuture<ByteBuffer> pending = s.read();
    assertThrows(IllegalStateException.class, () -> s.receiveAll(chunk -> null), "a read is outstanding");
    c.write(bytes(10, 6));
    h.pump();
    assertTrue(pending.isDone());
    s.receiveAll(chunk -> null);
    assertThrows(IllegalStateException.class, s::read);
    assertThrows(IllegalStateException.class, () -> s.receiveAll(chunk -> null));
  }

  @Test
  void aRemoteResetFailsTheFutureWithStreamResetException() {
    MuxedStream c = h.open();
    MuxedStream s = h.serverAccepted.poll();
    CompletableFuture<Void> gate = new CompletableFuture<>();
    CompletableFuture<Void> done = s.receiveAll(chunk -> gate);
    c.write(bytes(50_000, 8));
    h.pump();
    c.reset();
    h.pump();
    assertInstanceOf(StreamResetException.class, cause(done));
    gate.complete(null); // releases the held slice; the stream is gone, nothing else happens
    h.pump();
  }

  @Test
  void theSessionClosingFailsTheFutureWithConnectionClosedException() {
    h.open();
    MuxedStream s = h.serverAccepted.poll();
    CompletableFuture<Void> done = s.receiveAll(chunk -> null);
    h.server.close();
    h.pump();
    assertInstanceOf(ConnectionClosedException.class, cause(done));
  }

  @Test
  void closingLocallyEndsReceivingNormally() {
    MuxedStream c = h.open();
    MuxedStream s = h.serverAccepted.poll();
    CompletableFuture<Void> done = s.receiveAll(chunk -> null);
    c.write(bytes(100, 9));
    h.pump();
    s.close();
    h.pump();
    assertTrue(done.isDone() && !done.isCompletedExceptionally());
  }
}
