package io.braid.transport.tcp.internal.noise;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.Objects;
import javax.crypto.AEADBadTagException;

/**
 * Noise transport messages on a channel after the handshake: each frame is a 2-byte big-endian length and
 * a ChaCha20-Poly1305 ciphertext of at most 65535 bytes (so at most {@value #MAX_PLAINTEXT} plaintext
 * bytes), with empty associated data and the per-direction nonce counting frames.
 *
 * <p>Outbound: a {@link ByteBuf} of any size is cut into frames of at most {@value #MAX_PLAINTEXT} plaintext
 * bytes, all encrypted into one buffer written with the caller's promise. This handler releases the
 * plaintext buffer. An empty buffer is passed on as an empty write (no frame). Anything but a ByteBuf is
 * refused: released, its promise failed with {@link IllegalArgumentException}, since passing it on could
 * put plaintext on the wire.
 *
 * <p>Inbound: frames are reassembled across reads (at most one partial frame, 65537 bytes, is buffered)
 * and each decrypted frame is passed on as its own ByteBuf, which the next handler owns and must release.
 * This handler releases every inbound buffer it consumes. A frame whose length cannot hold a tag, or
 * whose ciphertext does not authenticate (tampered, truncated, replayed or reordered), fires a {@link
 * NoiseFrameException} down the pipeline and closes the channel; later input is discarded.
 *
 * <p>The JDK's ChaCha20-Poly1305 is several times slower on direct ByteBuffers than on arrays, so the cipher
 * only ever works on arrays: a heap input is used in place, a direct one is copied into a per-thread
 * scratch array first, and the output (ciphertext on the way out, each plaintext frame on the way in) is
 * a heap buffer from the channel's allocator.
 *
 * <p>Threading: the channel's event loop only. One instance per channel; created by {@link
 * NoiseHandshakeHandler}.
 */
public final class NoiseCodec extends ChannelDuplexHandler {
  /** The largest Noise message, and so the largest frame body. */
  public static final int MAX_FRAME = 65535;
  /** The largest plaintext in one frame. */
  public static final int MAX_PLAINTEXT = MAX_FRAME - CipherState.TAG_LENGTH;

  private static final int LENGTH_PREFIX = 2;
  private static final byte[] NO_AD = new byte[0];
  /**
   * One frame's worth of bytes per event loop thread, where a direct buffer's contents are copied before the
   * cipher runs. Per thread rather than per channel so that idle connections hold no 64 KiB array each;
   * safe because a codec runs only on its channel's event loop and never yields while the array is in use.
   */
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[MAX_FRAME]);

  private final CipherState sender;
  private final CipherState receiver;
  private ByteBuf cumulation;
  private boolean failed;

  NoiseCodec(CipherState sender, CipherState receiver) {
    this.sender = Objects.requireNonNull(sender, "sender");
    this.receiver = Objects.requireNonNull(receiver, "receiver");
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (failed) {
      buf.release();
      return;
    }
    cumulation = cumulation == null ? buf : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, buf);
    try {
      decodeFrames(ctx);
      if (cumulation != null) {
        // Only a partial frame is left. Drop the bytes already decoded, or a stream whose reads keep ending
        // mid-frame (the usual case under load) would grow the cumulation without bound, reallocating and
        // copying it ever larger: that was most of the CPU time of a bulk upload.
        cumulation.discardSomeReadBytes();
      }
    } catch (NoiseFrameException e) {
      failed = true;
      releaseCumulation();
      ctx.fireExceptionCaught(e);
      ctx.close();
    }
  }

  private void decodeFrames(ChannelHandlerContext ctx) {
    while (cumulation != null && cumulation.readableBytes() >= LENGTH_PREFIX) {
      int length = cumulation.getUnsignedShort(cumulation.readerIndex());
      if (length < CipherState.TAG_LENGTH) {
        throw new NoiseFrameException(
            "Noise frame of " + length + " bytes is shorter than its 16-byte authentication tag");
      }
      if (cumulation.readableBytes() < LENGTH_PREFIX + length) {
        break;
      }
      int plainLength = length - CipherState.TAG_LENGTH;
      // Heap in, heap out: see the class comment on why the cipher never sees a direct buffer.
      ByteBuf plain = ctx.alloc().heapBuffer(plainLength);
      try {
        int from = cumulation.readerIndex() + LENGTH_PREFIX;
        byte[] in;
        int inOffset;
        if (cumulation.hasArray()) {
          in = cumulation.array();
          inOffset = cumulation.arrayOffset() + from;
        } else {
          in = scratch();
          inOffset = 0;
          cumulation.getBytes(from, in, 0, length);
        }
        int written = receiver.decrypt(NO_AD, in, inOffset, length, plain.array(), plain.arrayOffset());
        plain.writerIndex(written);
      } catch (AEADBadTagException e) {
        plain.release();
        throw new NoiseFrameException("Noise frame " + Long.toUnsignedString(receiver.nonce())
            + " does not authenticate: tampered, corrupted, replayed or out of order", e);
      } catch (RuntimeException e) {
        plain.release();
        throw new NoiseFrameException("Noise frame could not be decrypted: " + e.getMessage(), e);
      }
      cumulation.skipBytes(LENGTH_PREFIX + length);
      if (!cumulation.isReadable()) {
        releaseCumulation();
      }
      if (plain.isReadable()) {
        ctx.fireChannelRead(plain);
      } else {
        plain.release();
      }
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf in)) {
      ReferenceCountUtil.release(msg);
      promise.setFailure(new IllegalArgumentException(
          "NoiseCodec writes only ByteBufs, got " + (msg == null ? "null" : msg.getClass().getName())));
      return;
    }
    ByteBuf out = null;
    try {
      if (failed) {
        promise.setFailure(new NoiseFrameException("the Noise session failed; nothing more can be sent"));
        return;
      }
      int length = in.readableBytes();
      if (length == 0) {
        ctx.write(Unpooled.EMPTY_BUFFER, promise);
        return;
      }
      long frames = (length + (long) MAX_PLAINTEXT - 1) / MAX_PLAINTEXT;
      long total = length + frames * (LENGTH_PREFIX + CipherState.TAG_LENGTH);
      if (total > Integer.MAX_VALUE - 8) {
        promise.setFailure(new IllegalArgumentException("a single write of " + length + " bytes is too large to frame"));
        return;
      }
      // A heap buffer the cipher writes into directly; the channel copies it to a direct buffer once on
      // its way to the socket, which costs far less than running the cipher on direct memory.
      out = ctx.alloc().heapBuffer((int) total);
      byte[] outArray = out.array();
      int offset = in.readerIndex();
      int end = offset + length;
      while (offset < end) {
        int chunk = Math.min(MAX_PLAINTEXT, end - offset);
        out.writeShort(chunk + CipherState.TAG_LENGTH);
        int at = out.writerIndex();
        byte[] plain;
        int plainOffset;
        if (in.hasArray()) {
          plain = in.array();
          plainOffset = in.arrayOffset() + offset;
        } else {
          plain = scratch();
          plainOffset = 0;
          in.getBytes(offset, plain, 0, chunk);
        }
        int written = sender.encrypt(NO_AD, plain, plainOffset, chunk, outArray, out.arrayOffset() + at);
        out.writerIndex(at + written);
        offset += chunk;
      }
      ByteBuf framed = out;
      out = null;
      ctx.write(framed, promise);
    } catch (RuntimeException e) {
      // Nonce exhaustion or a cipher failure: the session cannot continue safely.
      failed = true;
      promise.setFailure(e);
      ctx.close();
    } finally {
      in.release();
      if (out != null) {
        out.release();
      }
    }
  }

  /** The capacity of the buffer holding a partial frame, 0 without one; tests check that it stays bounded. */
  int bufferedCapacityForTesting() {
    return cumulation == null ? 0 : cumulation.capacity();
  }

  private static byte[] scratch() {
    return SCRATCH.get();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseCumulation();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseCumulation();
  }

  private void releaseCumulation() {
    if (cumulation != null) {
      cumulation.release();
      cumulation = null;
    }
  }
}
