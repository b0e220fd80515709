package io.braid.transport.tcp.internal.noise;

import io.braid.api.BraidException;
import io.braid.api.ConnectionClosedException;
import io.braid.api.ConnectionTimeoutException;
import io.braid.api.HostIdentity;
import io.braid.api.PeerId;
import io.braid.api.TransportException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the libp2p Noise handshake on a channel, then replaces itself with a {@link NoiseCodec}.
 *
 * <p>Wire format: each handshake message is a 2-byte big-endian length and that many bytes (at most
 * 65535, so a frame never needs more than 65537 bytes of buffering). The initiator sends message 1 as soon
 * as the channel is active (at once if it already is when this handler is added).
 *
 * <p>Outcome, reported through {@link #handshakeFuture()}:
 *
 * <ul>
 *   <li>success: a {@link NoiseCodec} named {@value #CODEC_NAME} is added right after this handler, the
 *       future completes with the remote peer, then this handler removes itself and passes any bytes read
 *       past the last handshake message (the peer's first transport frames may arrive in the same read) to
 *       the codec. The future completes on the channel's event loop before those bytes move on, so a
 *       dependent action registered before completion (e.g. {@code thenAccept} added right after creating
 *       the handler) can add the next handler behind the codec and see every byte;
 *   <li>failure: the future completes exceptionally and the channel is closed. Causes: {@link
 *       NoiseHandshakeException} (malformed or unauthenticated messages, bad payload or signature), {@link
 *       io.braid.api.PeerIdMismatchException} (the initiator dialed someone else), {@link
 *       ConnectionTimeoutException} (not done within the timeout), {@link ConnectionClosedException} (the
 *       channel closed first), {@link TransportException} (a write failed, or an upstream exception).
 * </ul>
 *
 * <p>Buffers: this handler releases every inbound {@link ByteBuf} it consumes; the bytes it passes on
 * belong to the next handler. Outbound writes before the handshake completes are refused (released, and
 * their promise failed with {@link IllegalStateException}) so no plaintext ever reaches the wire. Other
 * inbound message types pass through untouched.
 *
 * <p>Threading: all methods run on the channel's event loop, as Netty calls them. One instance per channel
 * (not {@code @Sharable}).
 */
public final class NoiseHandshakeHandler extends ChannelDuplexHandler {
  /** The pipeline name of the codec that replaces this handler. */
  public static final String CODEC_NAME = "noise-codec";
  /** The protocol id negotiated with multistream-select before this handler runs. */
  public static final String PROTOCOL_ID = "/noise";
  /** The handshake timeout of the factories that take none. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final int LENGTH_PREFIX = 2;

  private final Libp2pNoiseHandshake handshake;
  private final Duration timeout;
  // The handler's own state (done) drives it; the future only reports, so whatever a caller does to it
  // cannot disturb the handshake.
  private final CompletableFuture<NoiseHandshakeResult> result = new CompletableFuture<>();
  private ByteBuf cumulation;
  private ScheduledFuture<?> timeoutTask;
  private boolean started;
  private boolean done;

  NoiseHandshakeHandler(Libp2pNoiseHandshake handshake, Duration timeout) {
    this.handshake = Objects.requireNonNull(handshake, "handshake");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    this.timeout = timeout;
  }

  /** {@link #initiator(HostIdentity, PeerId, Duration)} with {@link #DEFAULT_TIMEOUT}. */
  public static NoiseHandshakeHandler initiator(HostIdentity identity, PeerId expectedRemote) {
    return initiator(identity, expectedRemote, DEFAULT_TIMEOUT);
  }

  /** {@link #responder(HostIdentity, Duration)} with {@link #DEFAULT_TIMEOUT}. */
  public static NoiseHandshakeHandler responder(HostIdentity identity) {
    return responder(identity, DEFAULT_TIMEOUT);
  }

  /**
   * The dialing side.
   *
   * @param identity this node's identity, which signs the handshake
   * @param expectedRemote the peer id dialed; the handshake fails with {@link
   *     io.braid.api.PeerIdMismatchException} if the remote proves another one. {@code null} accepts any
   *     peer that authenticates (e.g. dialing an address without a {@code /p2p} part).
   * @param timeout how long the whole handshake may take, from when this handler is added
   * @throws IllegalArgumentException if the timeout is not positive
   */
  public static NoiseHandshakeHandler initiator(HostIdentity identity, PeerId expectedRemote, Duration timeout) {
    return new NoiseHandshakeHandler(Libp2pNoiseHandshake.initiator(identity, expectedRemote), timeout);
  }

  /**
   * The accepting side; it learns the remote peer from the handshake.
   *
   * @throws IllegalArgumentException if the timeout is not positive
   */
  public static NoiseHandshakeHandler responder(HostIdentity identity, Duration timeout) {
    return new NoiseHandshakeHandler(Libp2pNoiseHandshake.responder(identity), timeout);
  }

  /**
   * Completes on the event loop with the authenticated remote peer, or exceptionally with one of the
   * causes the class documentation lists (the cause itself, not wrapped). Completing or cancelling it from
   * outside has no effect on the handshake; it only hides the real outcome from other callers.
   */
  public CompletableFuture<NoiseHandshakeResult> handshakeFuture() {
    return result;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    timeoutTask = ctx.executor().schedule(
        () -> fail(ctx, new ConnectionTimeoutException("Noise handshake", timeout)),
        timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (ctx.channel().isActive()) {
      start(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start(ctx);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (done) {
      buf.release();
      return;
    }
    cumulation = cumulation == null ? buf : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, buf);
    try {
      readFrames(ctx);
    } catch (BraidException e) {
      fail(ctx, e);
    } catch (RuntimeException e) {
      fail(ctx, new NoiseHandshakeException("the Noise handshake failed unexpectedly: " + e, e));
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    ReferenceCountUtil.release(msg);
    promise.setFailure(new IllegalStateException("cannot write before the Noise handshake completes"));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    fail(ctx, new ConnectionClosedException("the connection closed during the Noise handshake"));
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (done) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    fail(ctx, cause instanceof BraidException b ? b : new TransportException("I/O error during the Noise handshake", cause));
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseCumulation();
    if (!done) {
      done = true;
      cancelTimeout();
      result.completeExceptionally(new TransportException("the Noise handshake handler was removed before completion"));
    }
  }

  private void start(ChannelHandlerContext ctx) {
    if (started || done) {
      return;
    }
    started = true;
    if (handshake.isMyTurnToWrite()) {
      try {
        send(ctx, handshake.writeMessage());
      } catch (RuntimeException e) {
        fail(ctx, e);
      }
    }
  }

  private void readFrames(ChannelHandlerContext ctx) {
    while (!done && cumulation != null && cumulation.readableBytes() >= LENGTH_PREFIX) {
      // The length is an unsigned 16-bit number: at most 65535, so the allocation below is bounded.
      int length = cumulation.getUnsignedShort(cumulation.readerIndex());
      if (cumulation.readableBytes() < LENGTH_PREFIX + length) {
        return;
      }
      cumulation.skipBytes(LENGTH_PREFIX);
      byte[] message = new byte[length];
      cumulation.readBytes(message);
      handshake.readMessage(message);
      if (!handshake.isComplete() && handshake.isMyTurnToWrite()) {
        send(ctx, handshake.writeMessage());
      }
      if (handshake.isComplete()) {
        succeed(ctx);
        return;
      }
    }
    if (cumulation != null && !cumulation.isReadable()) {
      releaseCumulation();
    }
  }

  private void send(ChannelHandlerContext ctx, byte[] message) {
    ByteBuf out = ctx.alloc().buffer(LENGTH_PREFIX + message.length);
    out.writeShort(message.length);
    out.writeBytes(message);
    ctx.writeAndFlush(out).addListener(f -> {
      if (!f.isSuccess()) {
        fail(ctx, new TransportException("could not send a Noise handshake message", f.cause()));
      }
    });
  }

  private void succeed(ChannelHandlerContext ctx) {
    Libp2pNoiseHandshake.Outcome outcome = handshake.outcome();
    HandshakeState.TransportCiphers ciphers = outcome.ciphers();
    // Throws (and so fails the handshake, as done is still false) if the name is taken.
    ctx.pipeline().addAfter(ctx.name(), CODEC_NAME, new NoiseCodec(ciphers.sender(), ciphers.receiver()));
    done = true;
    cancelTimeout();
    ByteBuf rest = cumulation;
    cumulation = null;
    result.complete(new NoiseHandshakeResult(outcome.remotePeerId(), outcome.remoteIdentityKey()));
    ctx.pipeline().remove(this);
    if (rest != null) {
      if (rest.isReadable()) {
        // A removed context still forwards to its old successor, the codec.
        ctx.fireChannelRead(rest);
      } else {
        rest.release();
      }
    }
  }

  private void fail(ChannelHandlerContext ctx, Throwable cause) {
    if (done) {
      return;
    }
    done = true;
    cancelTimeout();
    releaseCumulation();
    result.completeExceptionally(cause);
    ctx.close();
  }

  private void cancelTimeout() {
    if (timeoutTask != null) {
      timeoutTask.cancel(false);
      timeoutTask = null;
    }
  }

  private void releaseCumulation() {
    if (cumulation != null) {
      cumulation.release();
      cumulation = null;
    }
  }
}
