package io.braid.transport.tcp.internal.conn;

import io.braid.transport.tcp.internal.yamux.YamuxSession;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First in every connection's pipeline (nearest the socket): ends TCP in order when the connection above
 * asked for it by setting {@link YamuxSession#ORDERLY_CLOSE} on the channel. The close then waits until
 * the socket has taken everything written before it (Netty drops unwritten data on close), half-closes
 * (our FIN follows the last byte), and lets the channel close when the peer ends its side (Netty closes a
 * channel whose input ends), reading and passing on what arrives meanwhile. An immediate close would
 * instead drop frames still queued, and with bytes of the peer's left unread make the kernel answer with a
 * reset that discards whatever the peer had not yet read: the last data, a stream's FIN.
 *
 * <p>Bounded: at the attribute's duration after the close began the channel closes regardless (a peer
 * that neither reads nor closes). A close that arrives while it runs waits for it; any other close (no
 * attribute, a channel already inactive or half-closed) passes straight on. The close's promise completes
 * when the channel has closed.
 *
 * <p>Sharable and stateless: the request lives on the channel. Event loop only, as every handler.
 */
@ChannelHandler.Sharable
public final class OrderlyClose extends ChannelOutboundHandlerAdapter {
  /** The one instance. */
  public static final OrderlyClose INSTANCE = new OrderlyClose();

  private static final Logger log = LoggerFactory.getLogger(OrderlyClose.class);
  /** Set while an orderly close runs on the channel. */
  private static final AttributeKey<Boolean> CLOSING = AttributeKey.valueOf("braid.orderlyClose.running");

  private OrderlyClose() {}

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    Channel ch = ctx.channel();
    if (Boolean.TRUE.equals(ch.attr(CLOSING).get())) {
      // Another close while ours runs (the transport closing every channel, say): it waits for ours.
      ch.closeFuture().addListener(f -> promise.trySuccess());
      return;
    }
    Duration bound = ch.attr(YamuxSession.ORDERLY_CLOSE).getAndSet(null);
    if (bound == null || !(ch instanceof DuplexChannel duplex) || !ch.isActive() || duplex.isOutputShutdown()) {
      ctx.close(promise);
      return;
    }
    ch.attr(CLOSING).set(Boolean.TRUE);
    ch.closeFuture().addListener(f -> promise.trySuccess());
    ScheduledFuture<?> timer = ctx.executor().schedule(() -> {
      log.debug("{}: the peer did not end the connection within {} of our orderly close; closing", ch, bound);
      ctx.close();
    }, bound.toNanos(), TimeUnit.NANOSECONDS);
    ch.closeFuture().addListener(f -> timer.cancel(false));
    // Completes once every write before it reached the socket: only then may the output be shut.
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
      if (!written.isSuccess() || !ch.isActive()) {
        ctx.close();
        return;
      }
      duplex.shutdownOutput().addListener(shut -> {
        if (!shut.isSuccess()) {
          ctx.close();
        }
      });
    });
  }
}
