package io.braid.transport.tcp.internal.noise;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;

/**
 * Noise transport messages on a channel after the handshake: each frame is a 2-byte big-endian length and
 * a ChaCha20-Poly1305 ciphertext of at most 65535 bytes (so at most {@value #MAX_PLAINTEXT} plaintext
 * bytes), with empty associated data and the per-direction nonce counting frames.
 *
 * <p>Outbound: a {@link ByteBuf} of any size is cut into frames of at most {@value #MAX_PLAINTEXT} plaintext
 * bytes, encrypted into direct buffers of at most 32 KiB each, written in order, the last one with the
 * caller's promise. This handler releases the
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
 * scratch array first (a composite of heap buffers is encrypted component by component, no copy). On the
 * way out each sealed frame is then copied once into a direct buffer from the channel's allocator, which
 * the socket writes as it is; on the way in each plaintext frame is a heap buffer from that allocator.
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
  /** The largest outbound buffer: what Netty's pooled allocator still serves from its per-thread cache. */
  private static final int PIECE = 32 * 1024;
  private static final byte[] NO_AD = new byte[0];
  /**
   * One frame's worth of bytes per event loop thread, where a direct buffer's contents are copied before the
   * cipher runs. Per thread rather than per channel so that idle connections hold no 64 KiB array each;
   * safe because a codec runs only on its channel's event loop and never yields while the array is in use.
   */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

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
      } catch (Error e) {
        plain.release(); // e.g. OutOfMemoryError inside the cipher: the cumulation goes with the channel
        throw e;
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
      // The frames go straight into direct buffers from the channel's allocator, so the socket write needs no
      // copy of its own; the cipher itself runs on arrays (see the class comment). Each buffer holds at most
      // PIECE bytes: a pooled allocator serves that size from its thread cache, where a 64 KiB buffer would
      // come from (and, freed, return) a whole arena chunk, zeroed afresh on every frame.
      Scratch scratch = SCRATCH.get();
      int offset = in.readerIndex();
      int end = offset + length;
      long left = total;
      out = ctx.alloc().directBuffer((int) Math.min(PIECE, left));
      while (offset < end) {
        int chunk = Math.min(MAX_PLAINTEXT, end - offset);
        int sealed = seal(in, offset, chunk, scratch);
        scratch.sealed[MAX_FRAME] = (byte) (sealed >>> 8);
        scratch.sealed[MAX_FRAME + 1] = (byte) sealed;
        int from = 0;
        int prefix = LENGTH_PREFIX;
        while (prefix > 0 || from < sealed) {
          if (!out.isWritable()) {
            left -= out.readableBytes();
            ctx.write(out);
            out = null;
            out = ctx.alloc().directBuffer((int) Math.min(PIECE, left));
          }
          if (prefix > 0) {
            out.writeByte(scratch.sealed[MAX_FRAME + LENGTH_PREFIX - prefix]);
            prefix--;
            continue;
          }
          int n = Math.min(out.writableBytes(), sealed - from);
          out.writeBytes(scratch.sealed, from, n);
          from += n;
        }
        offset += chunk;
      }
      ByteBuf last = out;
      out = null;
      ctx.write(last, promise);
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
    return SCRATCH.get().plain;
  }

  /**
   * Encrypts {@code chunk} bytes of {@code in} from {@code offset} into {@code scratch.sealed}: from the
   * buffer's own array when it has one, from each component's array when it is a composite of heap
   * buffers (a Yamux header and its payload, say), else from a copy.
   *
   * @return the ciphertext length
   */
  private int seal(ByteBuf in, int offset, int chunk, Scratch scratch) {
    if (in.hasArray()) {
      return sender.encrypt(NO_AD, in.array(), in.arrayOffset() + offset, chunk, scratch.sealed, 0);
    }
    if (in.nioBufferCount() > 1 && in.nioBufferCount() <= Scratch.SEGMENTS) {
      ByteBuffer[] parts = in.nioBuffers(offset, chunk);
      int k = 0;
      boolean arrays = parts.length <= Scratch.SEGMENTS;
      for (int i = 0; arrays && i < parts.length; i++) {
        ByteBuffer p = parts[i];
        if (!p.hasArray()) {
          arrays = false;
        } else if (p.hasRemaining()) {
          scratch.ins[k] = p.array();
          scratch.offsets[k] = p.arrayOffset() + p.position();
          scratch.lengths[k] = p.remaining();
          k++;
        }
      }
      if (arrays && k > 0) {
        try {
          return sender.encrypt(scratch.ins, scratch.offsets, scratch.lengths, k, scratch.sealed, 0);
        } finally {
          Arrays.fill(scratch.ins, 0, k, null);
        }
      }
    }
    in.getBytes(offset, scratch.plain, 0, chunk);
    return sender.encrypt(NO_AD, scratch.plain, 0, chunk, scratch.sealed, 0);
  }

  /** Per event-loop-thread arrays the cipher works in (see {@link #SCRATCH}). */
  private static final class Scratch {
    static final int SEGMENTS = 8;
    /** Plaintext copied out of a direct buffer (and the inbound ciphertext copy). */
    final byte[] plain = new byte[MAX_FRAME];
    /** One sealed frame before it is copied into the direct outbound buffers; then its 2-byte length. */
    final byte[] sealed = new byte[MAX_FRAME + LENGTH_PREFIX];
    final byte[][] ins = new byte[SEGMENTS][];
    final int[] offsets = new int[SEGMENTS];
    final int[] lengths = new int[SEGMENTS];
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
