package io.braid.testkit;

import io.braid.api.ConnectionClosedException;
import io.braid.api.Direction;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.NetworkMetrics;
import io.braid.api.StreamResetException;
import io.braid.testkit.internal.Effects;
import io.braid.testkit.internal.Futures;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * One end of an in-memory stream.
 *
 * <p>Design note: each end owns its receive buffer, bounded by its transport's window. A write is
 * queued on the writing end and moved into the reading end's buffer as space allows (copying, in chunks
 * of at most {@link #MAX_CHUNK} bytes); its future completes once its last byte moved. A read frees
 * space and pumps the remote writer. A half-close (FIN) follows the last queued write. The stream is
 * done when both FINs were delivered (buffered bytes stay readable) or when it fails (reset, connection
 * closed): then both ends leave their connections' stream tables in the same critical section, before
 * either close future is completed. All state is guarded by the connection's {@link MemoryConnection.Link}.
 */
final class MemoryStream implements NetStream {
  /** Largest chunk a read returns. */
  static final int MAX_CHUNK = 64 * 1024;

  private record PendingWrite(ByteBuffer data, CompletableFuture<Void> future) {}

  final MemoryConnection conn;
  private final MemoryConnection.Link link;
  private final long id;
  private final Direction direction;
  private final int window;
  MemoryStream remote;
  volatile String protocol;

  // Guarded by link.
  private final ArrayDeque<ByteBuffer> inbound = new ArrayDeque<>();
  private int buffered;
  private boolean eof;
  private boolean discarding;
  private CompletableFuture<ByteBuffer> pendingRead;
  private final ArrayDeque<PendingWrite> writes = new ArrayDeque<>();
  private boolean writeClosed;
  private boolean finSent;
  private CompletableFuture<Void> finFuture;
  private Throwable failure;
  private boolean finished;
  /** The opener's newStream future while the protocol is negotiated; null otherwise. */
  CompletableFuture<NetStream> openFuture;

  private volatile boolean open = true;
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  MemoryStream(MemoryConnection conn, long id, Direction direction) {
    this.conn = conn;
    this.link = conn.link;
    this.id = id;
    this.direction = direction;
    this.window = conn.transport.window();
  }

  @Override
  public long id() {
    return id;
  }

  @Override
  public NetConn connection() {
    return conn;
  }

  @Override
  public String protocol() {
    return protocol;
  }

  @Override
  public Direction direction() {
    return direction;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  /** Guarded by link. */
  boolean isFinished() {
    return finished;
  }

  /** Bytes received and not yet read; for tests of the window. */
  int bufferedBytes() {
    synchronized (link) {
      return buffered;
    }
  }

  @Override
  public CompletableFuture<ByteBuffer> read() {
    CompletableFuture<ByteBuffer> f = new CompletableFuture<>();
    Effects fx = new Effects();
    boolean waiting = false;
    synchronized (link) {
      if (pendingRead != null) {
        throw new IllegalStateException("a read is already outstanding on stream " + id + " of " + conn.id());
      }
      if (!inbound.isEmpty()) {
        ByteBuffer chunk = inbound.poll();
        buffered -= chunk.remaining();
        fx.add(conn.events, () -> f.complete(chunk));
        remote.pump(fx);
      } else if (failure != null) {
        Throwable cause = failure;
        fx.add(conn.events, () -> f.completeExceptionally(cause));
      } else if (eof || discarding) {
        fx.add(conn.events, () -> f.complete(empty()));
      } else {
        pendingRead = f;
        waiting = true;
      }
    }
    fx.run();
    if (waiting) {
      f.whenComplete((b, e) -> {
        if (f.isCancelled()) {
          synchronized (link) {
            if (pendingRead == f) {
              pendingRead = null;
            }
          }
        }
      });
    }
    return f;
  }

  @Override
  public CompletableFuture<Void> write(ByteBuffer data) {
    Objects.requireNonNull(data, "data");
    CompletableFuture<Void> f = new CompletableFuture<>();
    Effects fx = new Effects();
    synchronized (link) {
      if (failure != null) {
        Throwable cause = failure;
        fx.add(conn.events, () -> f.completeExceptionally(cause));
      } else if (writeClosed) {
        fx.add(conn.events, () -> f.completeExceptionally(
            new ConnectionClosedException("stream " + id + " of " + conn.id() + " is closed for writing")));
      } else {
        writes.add(new PendingWrite(data, f));
        pump(fx);
      }
    }
    fx.run();
    return f;
  }

  @Override
  public CompletableFuture<Void> closeWrite() {
    Effects fx = new Effects();
    CompletableFuture<Void> fin;
    synchronized (link) {
      if (finFuture == null) {
        finFuture = new CompletableFuture<>();
        if (failure != null) {
          Throwable cause = failure;
          CompletableFuture<Void> ff = finFuture;
          fx.add(conn.events, () -> ff.completeExceptionally(cause));
        } else {
          writeClosed = true;
          pump(fx);
        }
      }
      fin = finFuture;
    }
    fx.run();
    return Futures.view(fin);
  }

  @Override
  public void close() {
    Effects fx = new Effects();
    synchronized (link) {
      if (failure != null) {
        return;
      }
      if (finFuture == null) {
        finFuture = new CompletableFuture<>();
        writeClosed = true;
      }
      if (!discarding) {
        discarding = true;
        inbound.clear();
        buffered = 0;
        completePendingRead(empty(), fx);
      }
      pump(fx);
      remote.pump(fx); // what the remote still has queued for us is accepted and dropped
    }
    fx.run();
  }

  @Override
  public void reset() {
    Effects fx = new Effects();
    synchronized (link) {
      if (finished) {
        return;
      }
      fail(new StreamResetException("stream " + id + " of " + conn.id() + " was reset locally"), fx);
      remote.fail(new StreamResetException("stream " + id + " of " + remote.conn.id()
          + " was reset by the remote peer"), fx);
    }
    fx.run();
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return Futures.view(closeFuture);
  }

  /**
   * Moves this end's queued writes into the remote end's buffer as far as its window allows, then
   * delivers the FIN if this end is closed for writing and nothing is queued. Guarded by link.
   */
  void pump(Effects fx) {
    if (failure != null) {
      return;
    }
    MemoryStream r = remote;
    while (!writes.isEmpty()) {
      PendingWrite w = writes.peek();
      ByteBuffer data = w.data();
      while (data.hasRemaining()) {
        if (r.discarding) {
          data.position(data.limit());
          break;
        }
        int space = r.window - r.buffered;
        if (space <= 0) {
          break;
        }
        int n = Math.min(Math.min(data.remaining(), space), MAX_CHUNK);
        byte[] copy = new byte[n];
        data.get(copy);
        r.deliver(ByteBuffer.wrap(copy).asReadOnlyBuffer(), fx);
        countBytes(r, n, fx);
      }
      if (data.hasRemaining()) {
        return;
      }
      writes.poll();
      fx.add(conn.events, () -> w.future().complete(null));
    }
    if (writeClosed && !finSent) {
      finSent = true;
      r.eof = true;
      if (r.inbound.isEmpty()) {
        r.completePendingRead(empty(), fx);
      }
      CompletableFuture<Void> fin = finFuture;
      fx.add(conn.events, () -> fin.complete(null));
      if (r.finSent) {
        finish(fx);
        r.finish(fx);
      }
    }
  }

  /** Reports {@code n} bytes written here and read by {@code r}, after the lock, to each side's metrics. */
  private void countBytes(MemoryStream r, int n, Effects fx) {
    conn.moved(n, 0);
    r.conn.moved(0, n);
    NetworkMetrics mine = conn.transport.context().metrics();
    NetworkMetrics theirs = r.conn.transport.context().metrics();
    if (mine != NetworkMetrics.NOOP) {
      fx.add(conn.events, () -> mine.bytesWritten(MemoryTransport.METRICS_NAME, n));
    }
    if (theirs != NetworkMetrics.NOOP) {
      fx.add(r.conn.events, () -> theirs.bytesRead(MemoryTransport.METRICS_NAME, n));
    }
  }

  private void deliver(ByteBuffer chunk, Effects fx) {
    if (pendingRead != null) {
      completePendingRead(chunk, fx);
    } else {
      inbound.add(chunk);
      buffered += chunk.remaining();
    }
  }

  private void completePendingRead(ByteBuffer value, Effects fx) {
    CompletableFuture<ByteBuffer> r = pendingRead;
    if (r != null) {
      pendingRead = null;
      fx.add(conn.events, () -> r.complete(value));
    }
  }

  /** Both directions closed in order: stop counting, then complete the close future. Guarded by link. */
  private void finish(Effects fx) {
    if (finished) {
      return;
    }
    finished = true;
    open = false;
    conn.streams.remove(id);
    conn.streamsChanged();
    fx.add(conn.events, () -> closeFuture.complete(null));
  }

  /** Fails every pending and later operation with {@code cause}. Guarded by link. */
  void fail(Throwable cause, Effects fx) {
    if (finished) {
      return;
    }
    finished = true;
    open = false;
    failure = cause;
    inbound.clear();
    buffered = 0;
    CompletableFuture<ByteBuffer> r = pendingRead;
    pendingRead = null;
    if (r != null) {
      fx.add(conn.events, () -> r.completeExceptionally(cause));
    }
    for (PendingWrite w : writes) {
      fx.add(conn.events, () -> w.future().completeExceptionally(cause));
    }
    writes.clear();
    CompletableFuture<Void> fin = finFuture;
    if (fin != null) {
      fx.add(conn.events, () -> fin.completeExceptionally(cause));
    }
    CompletableFuture<?> opening = openFuture;
    openFuture = null;
    if (opening != null) {
      fx.add(conn.events, () -> opening.completeExceptionally(cause));
    }
    conn.streams.remove(id);
    conn.streamsChanged();
    fx.add(conn.events, () -> closeFuture.completeExceptionally(cause));
  }

  private static ByteBuffer empty() {
    return ByteBuffer.allocate(0).asReadOnlyBuffer();
  }

  @Override
  public String toString() {
    return "MemoryStream[" + id + " " + direction + " " + protocol + " on " + conn.id() + (open ? "" : ", closed")
        + "]";
  }
}
