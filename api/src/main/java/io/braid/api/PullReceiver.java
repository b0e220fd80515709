package io.braid.api;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The default {@link NetStream#receiveAll(NetStream.Receiver)}: a {@link NetStream#read()} loop. It runs
 * iteratively while reads and the receiver's stages are already complete, so a transport that completes
 * reads synchronously cannot overflow the stack.
 */
final class PullReceiver {
  private PullReceiver() {}

  static void pull(NetStream stream, NetStream.Receiver receiver, CompletableFuture<ByteBuffer> first,
      CompletableFuture<Void> done) {
    CompletableFuture<ByteBuffer> read = first;
    while (true) {
      if (!read.isDone()) {
        read.whenComplete((b, e) -> step(stream, receiver, b, e, done));
        return;
      }
      ByteBuffer chunk;
      try {
        chunk = read.join();
      } catch (CompletionException | java.util.concurrent.CancellationException e) {
        done.completeExceptionally(e.getCause() != null ? e.getCause() : e);
        return;
      }
      CompletionStage<?> pause = deliver(stream, receiver, chunk, done);
      if (done.isDone()) {
        return;
      }
      if (pause != null && !pause.toCompletableFuture().isDone()) {
        pause.whenComplete((v, e) -> next(stream, receiver, done));
        return;
      }
      try {
        read = stream.read();
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
        return;
      }
    }
  }

  private static void step(NetStream stream, NetStream.Receiver receiver, ByteBuffer chunk, Throwable error,
      CompletableFuture<Void> done) {
    CompletableFuture<ByteBuffer> f = new CompletableFuture<>();
    if (error != null) {
      f.completeExceptionally(error);
    } else {
      f.complete(chunk);
    }
    pull(stream, receiver, f, done);
  }

  private static void next(NetStream stream, NetStream.Receiver receiver, CompletableFuture<Void> done) {
    CompletableFuture<ByteBuffer> read;
    try {
      read = stream.read();
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
      return;
    }
    pull(stream, receiver, read, done);
  }

  /** Hands one chunk to the receiver; completes {@code done} at end of stream or on failure. */
  private static CompletionStage<?> deliver(NetStream stream, NetStream.Receiver receiver, ByteBuffer chunk,
      CompletableFuture<Void> done) {
    if (!chunk.hasRemaining()) {
      done.complete(null);
      return null;
    }
    try {
      return receiver.receive(chunk);
    } catch (Throwable t) {
      // Fail first, then reset: whoever waits on the future sees the receiver's exception, not the reset
      // it causes.
      done.completeExceptionally(t);
      stream.reset();
      return null;
    }
  }
}
