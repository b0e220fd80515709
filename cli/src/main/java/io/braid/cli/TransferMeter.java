package io.braid.cli;

import io.braid.api.Direction;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the bytes a command's streams move, for {@link TransferReporter}: a byte is <em>sent</em> once
 * the stream accepted it (its write future completed, i.e. flow control let it through) and
 * <em>received</em> once a read handed it over. Only what goes through {@link #wrap wrapped} streams counts:
 * stream payload, not Noise or Yamux framing.
 *
 * <p>Thread-safe: streams complete their reads and writes on transport threads, the reporter reads the
 * totals from its own.
 */
final class TransferMeter {
  private final LongAdder sent = new LongAdder();
  private final LongAdder received = new LongAdder();

  /** {@code stream}, counting what goes through it; every other call goes straight to {@code stream}. */
  NetStream wrap(NetStream stream) {
    return new Counting(Objects.requireNonNull(stream, "stream"));
  }

  /** Bytes accepted by the wrapped streams' writes so far. */
  long sent() {
    return sent.sum();
  }

  /** Bytes handed over by the wrapped streams' reads so far. */
  long received() {
    return received.sum();
  }

  private final class Counting implements NetStream {
    private final NetStream delegate;

    Counting(NetStream delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableFuture<ByteBuffer> read() {
      return delegate.read().thenApply(b -> {
        received.add(b.remaining());
        return b;
      });
    }

    @Override
    public CompletableFuture<Void> receiveAll(Receiver receiver) {
      return delegate.receiveAll(chunk -> {
        received.add(chunk.remaining());
        return receiver.receive(chunk);
      });
    }

    @Override
    public CompletableFuture<Void> write(ByteBuffer data) {
      int n = data.remaining();
      return delegate.write(data).thenApply(v -> {
        sent.add(n);
        return v;
      });
    }

    @Override
    public long id() {
      return delegate.id();
    }

    @Override
    public NetConn connection() {
      return delegate.connection();
    }

    @Override
    public String protocol() {
      return delegate.protocol();
    }

    @Override
    public Direction direction() {
      return delegate.direction();
    }

    @Override
    public CompletableFuture<Void> closeWrite() {
      return delegate.closeWrite();
    }

    @Override
    public void reset() {
      delegate.reset();
    }

    @Override
    public void close() {
      delegate.close();
    }

    @Override
    public boolean isOpen() {
      return delegate.isOpen();
    }

    @Override
    public CompletableFuture<Void> closeFuture() {
      return delegate.closeFuture();
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }
}
