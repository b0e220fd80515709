package io.braid.transport.tcp.internal.noise;

import static org.junit.jupiter.api.Assertions.fail;

import io.braid.transport.tcp.internal.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Channels, a byte pump between them and a sink that records what reaches the end of a pipeline. */
final class NoiseTestSupport {
  private NoiseTestSupport() {}

  /** Records decrypted bytes (releasing each buffer) and exceptions reaching the pipeline's end. */
  static final class Sink extends ChannelInboundHandlerAdapter {
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    final List<Throwable> exceptions = new ArrayList<>();
    int reads;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        ByteBuf buf = (ByteBuf) msg;
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        received.writeBytes(bytes);
        reads++;
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      exceptions.add(cause);
    }

    byte[] bytes() {
      return received.toByteArray();
    }
  }

  /** A channel with {@code allocator} whose pipeline is {@code handler} then {@code sink}. */
  static EmbeddedChannel channel(TrackingAllocator allocator, ChannelHandler handler, Sink sink) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.config().setAllocator(allocator);
    ch.pipeline().addLast(handler, sink);
    return ch;
  }

  /** Moves written bytes between the two channels until neither writes anything more. */
  static void pump(EmbeddedChannel a, EmbeddedChannel b) {
    for (int round = 0; round < 10_000; round++) {
      boolean moved = move(a, b) | move(b, a);
      if (!moved) {
        return;
      }
    }
    fail("the channels kept writing to each other");
  }

  /** Moves what {@code from} wrote into {@code to}; returns whether anything moved. */
  static boolean move(EmbeddedChannel from, EmbeddedChannel to) {
    boolean moved = false;
    Object m;
    while ((m = from.readOutbound()) != null) {
      moved = true;
      if (to.isOpen()) {
        to.writeInbound(m);
      } else {
        ReferenceCountUtil.release(m);
      }
    }
    return moved;
  }

  /** Everything {@code ch} wrote, concatenated; releases the written buffers. */
  static byte[] drainOutbound(EmbeddedChannel ch) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Object m;
    while ((m = ch.readOutbound()) != null) {
      ByteBuf buf = (ByteBuf) m;
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      out.writeBytes(bytes);
      buf.release();
    }
    return out.toByteArray();
  }

  /** Releases whatever is still queued in the channel and closes it. */
  static void finish(EmbeddedChannel ch) {
    ch.finishAndReleaseAll();
  }
}
