package io.braid.transport.tcp.internal.conn;

import io.braid.api.NetworkMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.Objects;

/**
 * Counts the bytes of one channel at the socket end of its pipeline (it is installed first, so it sees
 * wire bytes: encrypted, framed) and reports them to {@link NetworkMetrics}: what was read once per read
 * batch ({@code channelReadComplete}), what was written once per flush, so a busy connection makes one
 * call per batch rather than one per buffer.
 *
 * <p>Passes every message on untouched and releases nothing: the buffers stay owned by whoever owned them.
 * One instance per channel (not sharable); its counters are touched only on the channel's event loop.
 */
public final class ByteCounter extends ChannelDuplexHandler {
  private final NetworkMetrics metrics;
  private final String transport;
  private long unreportedRead;
  private long unreportedWritten;

  /**
   * @param metrics where the counts go; must not throw (the swarm hands in an isolated one)
   * @param transport the transport's name in the events, e.g. {@code tcp}
   */
  public ByteCounter(NetworkMetrics metrics, String transport) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.transport = Objects.requireNonNull(transport, "transport");
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    unreportedRead += size(msg);
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    reportRead();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    unreportedWritten += size(msg); // before passing on: the socket may release msg at once
    ctx.write(msg, promise);
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    reportWritten();
    ctx.flush();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    reportRead();
    reportWritten();
    ctx.fireChannelInactive();
  }

  private void reportRead() {
    if (unreportedRead > 0) {
      long n = unreportedRead;
      unreportedRead = 0;
      metrics.bytesRead(transport, n);
    }
  }

  private void reportWritten() {
    if (unreportedWritten > 0) {
      long n = unreportedWritten;
      unreportedWritten = 0;
      metrics.bytesWritten(transport, n);
    }
  }

  private static long size(Object msg) {
    if (msg instanceof ByteBuf b) {
      return b.readableBytes();
    }
    if (msg instanceof ByteBufHolder h) {
      return h.content().readableBytes();
    }
    return 0;
  }
}
