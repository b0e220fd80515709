package io.braid.transport.tcp.internal.mss;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/** Small byte helpers for the tests. */
final class Bytes {
  private Bytes() {}

  static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** Reads the readable bytes of {@code buf} without releasing it. */
  static byte[] readable(ByteBuf buf) {
    byte[] out = new byte[buf.readableBytes()];
    buf.getBytes(buf.readerIndex(), out);
    return out;
  }

  /** Reads the readable bytes of {@code buf} and releases it. */
  static byte[] drain(ByteBuf buf) {
    try {
      return readable(buf);
    } finally {
      buf.release();
    }
  }

  static ByteBuf buf(byte[] bytes) {
    return Unpooled.wrappedBuffer(bytes);
  }

  /** The wire form of a sequence of messages. */
  static byte[] messages(String... messages) {
    ByteBuf out = Unpooled.buffer();
    try {
      for (String m : messages) {
        MultistreamCodec.encode(m, out, MultistreamCodec.MAX_MESSAGE_LENGTH_CEILING);
      }
      return readable(out);
    } finally {
      out.release();
    }
  }
}
