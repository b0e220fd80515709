package io.braid.transport.tcp.internal.conn;

import io.braid.api.ProtocolNegotiationException;
import io.braid.transport.tcp.internal.mss.MultistreamNegotiator;
import io.braid.transport.tcp.internal.yamux.MuxedStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * Drives one pure {@link MultistreamNegotiator} over the bytes of one Yamux stream: what the negotiator
 * writes goes to {@link MuxedStream#write}, what the stream reads is fed to the negotiator until it is done.
 *
 * <p>The stream's bytes are heap copies the caller owns, so the {@link ByteBuf}s here are unpooled heap
 * wrappers released in {@code finally}. Bytes read past the last negotiation message (the peer's first
 * application bytes, sent in the same frame) are returned with the result so the stream can hand them out
 * first. Runs on the session's event loop (read futures complete there); never blocks.
 */
final class StreamNegotiation {
  /** The negotiated protocol and the application bytes that arrived with the last negotiation message. */
  record Outcome(String protocol, ByteBuffer leftover) {}

  private final MuxedStream stream;
  private final MultistreamNegotiator negotiator;
  private final CompletableFuture<Outcome> result = new CompletableFuture<>();

  private StreamNegotiation(MuxedStream stream, MultistreamNegotiator negotiator) {
    this.stream = stream;
    this.negotiator = negotiator;
  }

  /**
   * Negotiates on {@code stream}. The future fails with {@link ProtocolNegotiationException} when the
   * peer refuses or breaks the negotiation, or with the stream's own failure (reset, connection closed).
   * It never resets the stream; the caller decides.
   */
  static CompletableFuture<Outcome> run(MuxedStream stream, MultistreamNegotiator negotiator) {
    StreamNegotiation n = new StreamNegotiation(stream, negotiator);
    n.start();
    return n.result;
  }

  private void start() {
    ByteBuf out = Unpooled.buffer();
    try {
      negotiator.start(out);
      send(out);
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return;
    } finally {
      out.release();
    }
    readNext();
  }

  private void readNext() {
    CompletableFuture<ByteBuffer> read;
    try {
      read = stream.read();
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return;
    }
    read.handle((bytes, error) -> {
      if (error != null) {
        result.completeExceptionally(error);
      } else {
        onBytes(bytes);
      }
      return null;
    });
  }

  private void onBytes(ByteBuffer bytes) {
    if (!bytes.hasRemaining()) {
      try {
        negotiator.endOfInput();
        result.completeExceptionally(new ProtocolNegotiationException(
            "the peer closed the stream before multistream-select completed", negotiator.offered()));
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
      return;
    }
    ByteBuf in = Unpooled.wrappedBuffer(bytes);
    ByteBuf out = Unpooled.buffer();
    boolean done;
    ByteBuffer leftover = null;
    try {
      done = negotiator.receive(in, out);
      send(out);
      if (done && in.isReadable()) {
        leftover = ByteBuffer.allocate(in.readableBytes());
        in.readBytes(leftover);
        leftover.flip();
      }
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return;
    } finally {
      in.release();
      out.release();
    }
    if (done) {
      result.complete(new Outcome(negotiator.protocol(), leftover));
    } else {
      readNext();
    }
  }

  private void send(ByteBuf out) {
    if (!out.isReadable()) {
      return;
    }
    ByteBuffer copy = ByteBuffer.allocate(out.readableBytes());
    out.getBytes(out.readerIndex(), copy);
    copy.flip();
    stream.write(copy).handle((v, error) -> {
      if (error != null) {
        result.completeExceptionally(error);
      }
      return null;
    });
  }
}
