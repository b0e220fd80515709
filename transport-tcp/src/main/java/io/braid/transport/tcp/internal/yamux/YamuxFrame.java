package io.braid.transport.tcp.internal.yamux;

import io.netty.buffer.ByteBuf;

/**
 * The Yamux frame header codec (the pure core, no channel): a 12-byte big-endian header
 * {@code version(1) | type(1) | flags(2) | streamId(4) | length(4)}, see libp2p/specs yamux/README.md
 * and hashicorp/yamux spec.md. For Data frames {@code length} is the number of payload bytes that
 * follow; for WindowUpdate it is the credit delta, for Ping the opaque value, for GoAway the error code.
 *
 * <p>Unknown flag bits are ignored (as go-yamux does); an unknown version or type is a protocol error.
 */
public final class YamuxFrame {

  public static final int HEADER_LENGTH = 12;
  public static final int VERSION = 0;

  public static final int TYPE_DATA = 0;
  public static final int TYPE_WINDOW_UPDATE = 1;
  public static final int TYPE_PING = 2;
  public static final int TYPE_GO_AWAY = 3;

  public static final int FLAG_SYN = 1;
  public static final int FLAG_ACK = 2;
  public static final int FLAG_FIN = 4;
  public static final int FLAG_RST = 8;

  public static final int GO_AWAY_NORMAL = 0;
  public static final int GO_AWAY_PROTOCOL_ERROR = 1;
  public static final int GO_AWAY_INTERNAL_ERROR = 2;

  /** Every stream starts with this receive window (256 KiB), fixed by the spec. */
  public static final int INITIAL_WINDOW = 256 * 1024;

  /** Largest value of the unsigned 32-bit fields (stream id, length, window). */
  public static final long MAX_U32 = 0xFFFF_FFFFL;

  private YamuxFrame() {}

  /**
   * One decoded header. All fields are unsigned; {@code streamId} and {@code length} are held in a
   * {@code long} so they never turn negative.
   */
  public record Header(int type, int flags, long streamId, long length) {
    public Header {
      if (type < 0 || type > 0xFF) {
        throw new IllegalArgumentException("type must be in [0, 255], was " + type);
      }
      if (flags < 0 || flags > 0xFFFF) {
        throw new IllegalArgumentException("flags must be in [0, 65535], was " + flags);
      }
      if (streamId < 0 || streamId > MAX_U32) {
        throw new IllegalArgumentException("streamId must be an unsigned 32-bit value, was " + streamId);
      }
      if (length < 0 || length > MAX_U32) {
        throw new IllegalArgumentException("length must be an unsigned 32-bit value, was " + length);
      }
    }

    public boolean has(int flag) {
      return (flags & flag) != 0;
    }
  }

  /** Writes a version-0 header to {@code out}. */
  public static void encodeHeader(ByteBuf out, int type, int flags, long streamId, long length) {
    new Header(type, flags, streamId, length); // validates the ranges
    out.writeByte(VERSION);
    out.writeByte(type);
    out.writeShort(flags);
    out.writeInt((int) streamId);
    out.writeInt((int) length);
  }

  /** The 12 header bytes, for tests and diagnostics. */
  public static byte[] encodeHeader(Header header) {
    byte[] b = new byte[HEADER_LENGTH];
    b[0] = VERSION;
    b[1] = (byte) header.type();
    b[2] = (byte) (header.flags() >>> 8);
    b[3] = (byte) header.flags();
    for (int i = 0; i < 4; i++) {
      b[4 + i] = (byte) (header.streamId() >>> (24 - 8 * i));
      b[8 + i] = (byte) (header.length() >>> (24 - 8 * i));
    }
    return b;
  }

  /**
   * Decodes the header at {@code in}'s reader index.
   *
   * @return the header (reader index moved past it), or {@code null} if fewer than 12 bytes are
   *     readable (reader index unchanged)
   * @throws YamuxProtocolException if the version is not 0 or the type is not 0..3 (reader index
   *     unchanged)
   */
  public static Header decodeHeader(ByteBuf in) {
    if (in.readableBytes() < HEADER_LENGTH) {
      return null;
    }
    int at = in.readerIndex();
    int version = in.getUnsignedByte(at);
    if (version != VERSION) {
      throw new YamuxProtocolException("unsupported yamux version " + version);
    }
    int type = in.getUnsignedByte(at + 1);
    if (type > TYPE_GO_AWAY) {
      throw new YamuxProtocolException("unknown yamux frame type " + type);
    }
    Header h = new Header(type, in.getUnsignedShort(at + 2), in.getUnsignedInt(at + 4),
        in.getUnsignedInt(at + 8));
    in.skipBytes(HEADER_LENGTH);
    return h;
  }
}
