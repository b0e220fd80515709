package io.braid.transport.tcp.internal.mss;

import io.braid.api.ConnectionClosedException;
import io.braid.api.ConnectionTimeoutException;
import io.braid.api.ProtocolNegotiationException;
import io.braid.api.TransportException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one {@link MultistreamNegotiator} on a channel (raw TCP, or the plaintext side of Noise), then gets out of
 * the way.
 *
 * <p>Lifecycle: negotiation begins when the handler is in the pipeline of an active channel (at
 * {@code handlerAdded} if the channel is already active, else at {@code channelActive}); an initiator writes its
 * header and first proposal then, and the timeout starts. On success the handler, in this order: completes
 * {@link #result()} with the protocol, removes itself from the pipeline, and passes the bytes it read past the
 * last negotiation message (if any) to the next handler with {@code fireChannelRead}. Completion happens on the
 * channel's event loop, so a non-async stage added to {@link #result()} before completion (e.g.
 * {@code result().thenAccept(p -> pipeline.addAfter(name, "noise", ...))}) runs before those bytes move on and
 * can install the handler that must receive them.
 *
 * <p>Failure: the future completes exceptionally and the channel is closed. The exception is a
 * {@link ProtocolNegotiationException} (or {@link MultistreamFormatException}) for a peer that broke or refused
 * the negotiation, {@link ConnectionTimeoutException} when the timeout elapsed, {@link ConnectionClosedException}
 * when the channel closed first (its cause tells whether a message was cut short), and
 * {@link TransportException} for an I/O error or a failed write.
 *
 * <p>Buffers: this handler consumes every inbound {@link ByteBuf} it is given and releases it, except the one
 * whose unread rest it forwards on success (ownership passes on with it); a message that is not a
 * {@code ByteBuf} is released and fails the negotiation. Buffers it writes come from the channel's allocator and
 * pass to the pipeline with the write. It keeps no buffer between reads.
 *
 * <p>Threading: all methods except {@link #result()} run on the event loop, as Netty calls them. One instance
 * serves one channel once ({@code @Sharable} it is not).
 */
public final class MultistreamHandler extends ChannelInboundHandlerAdapter {
  private final MultistreamNegotiator negotiator;
  private final Duration timeout;
  private final CompletableFuture<String> result = new CompletableFuture<>();

  private ScheduledFuture<?> timeoutTask;
  private boolean started;
  private boolean finished;

  /**
   * A handler driving {@code negotiator}, which must not have been started.
   *
   * @param timeout how long the whole negotiation may take once begun; positive
   * @throws IllegalArgumentException if the timeout is not positive or the negotiator was started
   */
  public MultistreamHandler(MultistreamNegotiator negotiator, Duration timeout) {
    this.negotiator = Objects.requireNonNull(negotiator, "negotiator");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    if (negotiator.isDone() || negotiator.isFailed()) {
      throw new IllegalArgumentException("negotiator is already finished");
    }
  }

  /**
   * The dialer's side: proposes {@code protocols} in order of preference.
   *
   * @throws IllegalArgumentException as {@link MultistreamNegotiator#initiator(List)} or for a bad timeout
   */
  public static MultistreamHandler initiator(List<String> protocols, Duration timeout) {
    return new MultistreamHandler(MultistreamNegotiator.initiator(protocols), timeout);
  }

  /**
   * The listener's side: accepts a protocol of {@code supported}.
   *
   * @throws IllegalArgumentException as {@link MultistreamNegotiator#responder(Set)} or for a bad timeout
   */
  public static MultistreamHandler responder(Set<String> supported, Duration timeout) {
    return new MultistreamHandler(MultistreamNegotiator.responder(supported), timeout);
  }

  /**
   * Completed on the event loop with the negotiated protocol, or exceptionally as the class comment says. Never
   * null; the same future every time.
   */
  public CompletableFuture<String> result() {
    return result;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      begin(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    begin(ctx);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (finished) {
      // Only after a failure (success removes this handler): the channel is closing, drop what still arrives.
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!(msg instanceof ByteBuf in)) {
      ReferenceCountUtil.release(msg);
      fail(ctx, new ProtocolNegotiationException("multistream-select expected bytes but got a "
          + msg.getClass().getName(), negotiator.offered()));
      return;
    }
    begin(ctx);
    ByteBuf out = ctx.alloc().buffer();
    boolean done;
    try {
      done = negotiator.receive(in, out);
    } catch (ProtocolNegotiationException e) {
      in.release();
      out.release();
      fail(ctx, e);
      return;
    } catch (RuntimeException e) {
      // A responder's predicate failed: report it as a negotiation failure, keep the cause.
      in.release();
      out.release();
      fail(ctx, new ProtocolNegotiationException("multistream-select failed: " + e, negotiator.offered(), e));
      return;
    }
    send(ctx, out);
    if (!done) {
      in.release();
      return;
    }
    finished = true;
    cancelTimeout();
    result.complete(negotiator.protocol());
    if (!ctx.isRemoved()) {
      ctx.pipeline().remove(this);
    }
    if (in.isReadable()) {
      ctx.fireChannelRead(in);
    } else {
      in.release();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (!finished && !ctx.channel().config().isAutoRead()) {
      ctx.read();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!finished) {
      ConnectionClosedException closed;
      try {
        negotiator.endOfInput();
        closed = new ConnectionClosedException("connection closed during multistream-select");
      } catch (ProtocolNegotiationException e) {
        closed = new ConnectionClosedException("connection closed during multistream-select: " + e.getMessage(), e);
      }
      fail(ctx, closed);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (finished) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    fail(ctx, new TransportException("I/O error during multistream-select: " + cause, cause));
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (!finished) {
      // Removed by someone else before the end (or the channel was torn down): nobody will complete it later.
      finished = true;
      cancelTimeout();
      result.completeExceptionally(new ProtocolNegotiationException(
          "multistream-select handler was removed before the negotiation completed", negotiator.offered()));
    }
  }

  private void begin(ChannelHandlerContext ctx) {
    if (started || finished) {
      return;
    }
    started = true;
    timeoutTask = ctx.executor().schedule(() -> fail(ctx, new ConnectionTimeoutException(
        "multistream-select (" + negotiator.role().name().toLowerCase(Locale.ROOT) + ")", timeout)),
        timeout.toNanos(), TimeUnit.NANOSECONDS);
    ByteBuf out = ctx.alloc().buffer();
    try {
      negotiator.start(out);
    } catch (RuntimeException e) {
      out.release();
      fail(ctx, new ProtocolNegotiationException("multistream-select could not start: " + e,
          negotiator.offered(), e));
      return;
    }
    send(ctx, out);
    if (!ctx.channel().config().isAutoRead()) {
      ctx.read();
    }
  }

  private void send(ChannelHandlerContext ctx, ByteBuf out) {
    if (!out.isReadable()) {
      out.release();
      return;
    }
    ctx.writeAndFlush(out).addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        fail(ctx, new TransportException("multistream-select could not write: " + f.cause(), f.cause()));
      }
    });
  }

  private void fail(ChannelHandlerContext ctx, Throwable cause) {
    if (finished) {
      return;
    }
    finished = true;
    cancelTimeout();
    result.completeExceptionally(cause);
    ctx.close();
  }

  private void cancelTimeout() {
    if (timeoutTask != null) {
      timeoutTask.cancel(false);
      timeoutTask = null;
    }
  }
}
