package io.braid.transport.tcp.internal.yamux;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One stream of a {@link YamuxSession}. Public methods hop to the session's event loop; every field
 * below except the volatile/atomic ones is touched only there.
 *
 * <p>Receive side: {@code recvCredit} is what the remote may still send (granted minus received),
 * {@code recvBuffered} what arrived but was not read; {@code recvWindow} (their bound) starts at
 * 256 KiB and is auto-tuned up to the config's maximum (see {@link YamuxSession}). Send side:
 * {@code sendWindow} is the remote's credit, never exceeded; writes wait in {@code pendingWrites}.
 */
final class YamuxStream implements MuxedStream {

  /**
   * A queued write (data != null: the caller's bytes, not copied, consumed as they are framed) or the FIN
   * marker (data == null).
   */
  static final class PendingWrite {
    final ByteBuffer data;
    final CompletableFuture<Void> future;

    PendingWrite(ByteBuffer data, CompletableFuture<Void> future) {
      this.data = data;
      this.future = future;
    }
  }

  final YamuxSession session;
  final long id;
  final boolean outbound;

  // receive side (event loop only)
  final ArrayDeque<ByteBuffer> recvQueue = new ArrayDeque<>();
  long recvBuffered;
  long recvCredit = YamuxFrame.INITIAL_WINDOW;
  long recvWindow = YamuxFrame.INITIAL_WINDOW;
  long epochStart;
  boolean remoteClosed;
  boolean discardInbound;
  CompletableFuture<ByteBuffer> pendingRead;
  /** The push receiver once {@link #receiveAll} was called, and the future it completes. */
  io.braid.api.NetStream.Receiver receiver;
  CompletableFuture<Void> receiveDone;
  /** Whether the receiver returned a stage that has not completed: delivery waits, bytes queue. */
  boolean receiverPaused;
  final AtomicBoolean readOutstanding = new AtomicBoolean();

  // send side (event loop only)
  long sendWindow = YamuxFrame.INITIAL_WINDOW;
  final ArrayDeque<PendingWrite> pendingWrites = new ArrayDeque<>();
  boolean finQueued;
  boolean localClosed;
  CompletableFuture<Void> finFuture;
  boolean acked;

  /** Set once when the stream ends; the reason later operations fail with. */
  Throwable failure;
  volatile boolean open = true;
  boolean removed;
  final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  YamuxStream(YamuxSession session, long id, boolean outbound, long now) {
    this.session = session;
    this.id = id;
    this.outbound = outbound;
    this.epochStart = now;
    this.acked = !outbound;
  }

  @Override
  public long id() {
    return id;
  }

  /** Asked before the receive window grows; see {@link MuxedStream#memoryGuard}. */
  volatile java.util.function.LongPredicate memoryGuard = n -> true;

  @Override
  public void memoryGuard(java.util.function.LongPredicate reserve) {
    this.memoryGuard = java.util.Objects.requireNonNull(reserve, "reserve");
  }

  @Override
  public boolean isOutbound() {
    return outbound;
  }

  @Override
  public CompletableFuture<ByteBuffer> read() {
    if (!readOutstanding.compareAndSet(false, true)) {
      throw new IllegalStateException("a read is already outstanding on yamux stream " + id);
    }
    CompletableFuture<ByteBuffer> f = new CompletableFuture<>();
    session.runOnLoop(() -> session.streamRead(this, f), f, readOutstanding);
    return f;
  }

  @Override
  public CompletableFuture<Void> receiveAll(io.braid.api.NetStream.Receiver r) {
    java.util.Objects.requireNonNull(r, "receiver");
    if (!readOutstanding.compareAndSet(false, true)) {
      throw new IllegalStateException("a read is outstanding or a receiver is installed on yamux stream " + id);
    }
    // readOutstanding stays set for good: the stream is read by the receiver from now on.
    CompletableFuture<Void> f = new CompletableFuture<>();
    session.runOnLoop(() -> session.streamReceive(this, r, f), f, null);
    return f;
  }

  @Override
  public CompletableFuture<Void> write(ByteBuffer data) {
    // No copy: the caller may not touch the buffer until the future completes (NetStream's contract), and
    // the future completes only once the frames holding its bytes went to the socket.
    ByteBuffer own = data.slice();
    data.position(data.limit());
    CompletableFuture<Void> f = new CompletableFuture<>();
    session.runOnLoop(() -> session.streamWrite(this, own, f), f, null);
    return f;
  }

  @Override
  public CompletableFuture<Void> closeWrite() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    session.runOnLoop(() -> session.streamCloseWrite(this, f), f, null);
    return f;
  }

  @Override
  public void reset() {
    session.runOnLoop(() -> session.streamReset(this), null, null);
  }

  @Override
  public void refuse() {
    session.runOnLoop(() -> session.streamRefused(this), null, null);
  }

  @Override
  public void close() {
    session.runOnLoop(() -> session.streamClose(this), null, null);
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  @Override
  public String toString() {
    return "YamuxStream{id=" + id + (outbound ? ", outbound" : ", inbound") + (open ? "" : ", closed")
        + "}";
  }
}
