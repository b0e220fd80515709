package io.braid.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The default {@link NetStream#receiveAll}: a read loop with the push contract. */
class NetStreamReceiveAllTest {

  /** Reads come from a script of futures; only read() and reset() are used. */
  private static final class Scripted implements NetStream {
    final ArrayDeque<CompletableFuture<ByteBuffer>> reads = new ArrayDeque<>();
    int readCalls;
    boolean reset;

    @Override public long id() { return 1; }
    @Override public NetConn connection() { throw new UnsupportedOperationException(); }
    @Override public String protocol() { return "/t"; }
    @Override public Direction direction() { return Direction.INBOUND; }
    @Override public CompletableFuture<ByteBuffer> read() {
      readCalls++;
      return reads.poll();
    }
    @Override public CompletableFuture<Void> write(ByteBuffer data) { throw new UnsupportedOperationException(); }
    @Override public CompletableFuture<Void> closeWrite() { throw new UnsupportedOperationException(); }
    @Override public void reset() { reset = true; }
    @Override public void close() {}
    @Override public boolean isOpen() { return true; }
    @Override public CompletableFuture<Void> closeFuture() { return new CompletableFuture<>(); }
  }

  private static ByteBuffer text(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void deliversEveryChunkInOrderThenCompletesAtEndOfStreamWithoutDeepStacks() {
    Scripted s = new Scripted();
    for (int i = 0; i < 100_000; i++) {
      s.reads.add(CompletableFuture.completedFuture(text("x")));
    }
    s.reads.add(CompletableFuture.completedFuture(ByteBuffer.allocate(0)));
    int[] n = {0};
    CompletableFuture<Void> done = s.receiveAll(chunk -> {
      n[0] += chunk.remaining();
      return null;
    });
    assertTrue(done.isDone() && !done.isCompletedExceptionally());
    assertEquals(100_000, n[0]);
  }

  @Test
  void anIncompleteStagePausesUntilItCompletesAndLateReadsContinue() {
    Scripted s = new Scripted();
    CompletableFuture<ByteBuffer> late = new CompletableFuture<>();
    s.reads.add(CompletableFuture.completedFuture(text("a")));
    s.reads.add(late);
    s.reads.add(CompletableFuture.completedFuture(ByteBuffer.allocate(0)));
    CompletableFuture<Void> gate = new CompletableFuture<>();
    List<String> got = new ArrayList<>();
    CompletableFuture<Void> done = s.receiveAll(chunk -> {
      got.add(StandardCharsets.US_ASCII.decode(chunk).toString());
      return got.size() == 1 ? gate : null;
    });
    assertEquals(1, s.readCalls, "no read while paused");
    gate.complete(null);
    assertEquals(2, s.readCalls);
    assertFalse(done.isDone());
    late.complete(text("b"));
    assertTrue(done.isDone() && !done.isCompletedExceptionally());
    assertEquals(List.of("a", "b"), got);
  }

  @Test
  void aThrowingReceiverResetsTheStreamAndAFailedReadFailsTheFuture() {
    Scripted s = new Scripted();
    s.reads.add(CompletableFuture.completedFuture(text("a")));
    IllegalStateException boom = new IllegalStateException("boom");
    CompletableFuture<Void> done = s.receiveAll(chunk -> {
      throw boom;
    });
    assertSame(boom, assertThrows(CompletionException.class, done::join).getCause());
    assertTrue(s.reset);

    Scripted t = new Scripted();
    StreamResetException reset = new StreamResetException("gone");
    t.reads.add(CompletableFuture.failedFuture(reset));
    CompletableFuture<Void> failed = t.receiveAll(chunk -> null);
    assertSame(reset, assertThrows(CompletionException.class, failed::join).getCause());
  }
}
