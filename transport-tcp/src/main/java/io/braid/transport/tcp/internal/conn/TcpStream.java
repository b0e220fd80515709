package io.braid.transport.tcp.internal.conn;

import io.braid.api.Direction;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.transport.tcp.internal.yamux.MuxedStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link NetStream}: a Yamux {@link MuxedStream} plus its negotiated protocol and connection. Bytes that
 * arrived with the last multistream-select message are handed out by the first {@link #read()}. Thread-safe
 * as the muxed stream is; futures complete on the connection's event loop.
 */
public final class TcpStream implements NetStream {
  private final MuxedStream stream;
  private final TcpConn connection;
  private final String protocol;
  private final AtomicReference<ByteBuffer> leftover;

  TcpStream(MuxedStream stream, TcpConn connection, String protocol, ByteBuffer leftover) {
    this.stream = Objects.requireNonNull(stream, "stream");
    this.connection = Objects.requireNonNull(connection, "connection");
    this.protocol = Objects.requireNonNull(protocol, "protocol");
    this.leftover = new AtomicReference<>(leftover == null || !leftover.hasRemaining() ? null : leftover);
  }

  @Override
  public long id() {
    return stream.id();
  }

  @Override
  public NetConn connection() {
    return connection;
  }

  @Override
  public String protocol() {
    return protocol;
  }

  @Override
  public Direction direction() {
    return stream.isOutbound() ? Direction.OUTBOUND : Direction.INBOUND;
  }

  @Override
  public CompletableFuture<ByteBuffer> read() {
    ByteBuffer early = leftover.getAndSet(null);
    if (early != null) {
      return CompletableFuture.completedFuture(early.asReadOnlyBuffer());
    }
    return stream.read();
  }

  @Override
  public CompletableFuture<Void> receiveAll(Receiver receiver) {
    Objects.requireNonNull(receiver, "receiver");
    ByteBuffer early = leftover.getAndSet(null);
    if (early == null) {
      return stream.receiveAll(receiver);
    }
    // The bytes that came with the negotiation go first (a buffer of our own, so no lending rules apply).
    CompletionStage<?> pause;
    try {
      pause = receiver.receive(early.asReadOnlyBuffer());
    } catch (Throwable t) {
      stream.reset();
      return CompletableFuture.failedFuture(t);
    }
    if (pause == null) {
      return stream.receiveAll(receiver);
    }
    return pause.handle((v, e) -> null).thenCompose(v -> stream.receiveAll(receiver)).toCompletableFuture();
  }

  @Override
  public CompletableFuture<Void> write(ByteBuffer data) {
    Objects.requireNonNull(data, "data");
    return stream.write(data);
  }

  @Override
  public CompletableFuture<Void> closeWrite() {
    return stream.closeWrite();
  }

  @Override
  public void reset() {
    stream.reset();
  }

  @Override
  public void close() {
    leftover.set(null);
    stream.close();
  }

  @Override
  public boolean isOpen() {
    return stream.isOpen();
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return stream.closeFuture();
  }

  @Override
  public String toString() {
    return "TcpStream[" + connection.id() + "/" + stream.id() + " " + protocol + "]";
  }
}
