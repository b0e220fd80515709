package io.braid.transport.tcp.internal.conn;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Holds inbound messages while the next stage of an upgrade cannot be installed yet, then hands them on in
 * order ({@link #release}). Bounded: past {@value #MAX_HELD_BYTES} held bytes the channel is closed (nothing
 * legitimate arrives in that window). Owns what it holds: releases it if removed or closed without
 * {@link #release}. Event loop only; one per channel.
 */
final class InboundHold extends ChannelInboundHandlerAdapter {
  static final int MAX_HELD_BYTES = 64 * 1024;

  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private long heldBytes;
  private ChannelHandlerContext ctx;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    held.add(msg);
    heldBytes += msg instanceof ByteBuf b ? b.readableBytes() : 0;
    if (heldBytes > MAX_HELD_BYTES) {
      discard();
      ctx.close();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // Swallowed with the reads it completes; release() fires one after the held reads.
  }

  /** Passes every held message to the next handler, in order, then removes this handler. */
  void release() {
    boolean any = !held.isEmpty();
    Object m;
    while ((m = held.poll()) != null) {
      ctx.fireChannelRead(m);
    }
    heldBytes = 0;
    if (any) {
      ctx.fireChannelReadComplete();
    }
    if (!ctx.isRemoved()) {
      ctx.pipeline().remove(this);
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    discard();
  }

  private void discard() {
    Object m;
    while ((m = held.poll()) != null) {
      ReferenceCountUtil.release(m);
    }
    heldBytes = 0;
  }
}
