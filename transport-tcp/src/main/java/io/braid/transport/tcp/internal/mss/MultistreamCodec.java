package io.braid.transport.tcp.internal.mss;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The multistream-select 1.0 message format: {@code uvarint(len(msg + "\n")) || utf8(msg) || "\n"}. The length
 * counts the trailing newline (multiformats/multistream-select README, "Note 2").
 *
 * <p>Encoding validates its input and throws {@link IllegalArgumentException}; decoding a peer's bytes throws
 * only {@link MultistreamFormatException}. Incremental decoding of a byte stream is {@link MultistreamReader}'s
 * job; {@link #decode(byte[], int)} here decodes one complete message. Stateless and thread-safe.
 */
public final class MultistreamCodec {
  /** The multistream-select 1.0 protocol id, sent first by both sides. */
  public static final String PROTOCOL_ID = "/multistream/1.0.0";
  /** The answer "not available" to a proposal the responder does not speak. */
  public static final String NA = "na";
  /** The request for the responder's protocol list (optional in the protocol). */
  public static final String LS = "ls";
  /**
   * The default bound on a message's declared length (text plus newline), in bytes: go-multistream's limit for
   * protocol ids, ample for any real one.
   */
  public static final int DEFAULT_MAX_MESSAGE_LENGTH = 1024;
  /** The largest bound a caller may configure (1 MiB): one message is buffered whole before it is read. */
  public static final int MAX_MESSAGE_LENGTH_CEILING = 1 << 20;
  /** The longest uvarint the multiformats unsigned-varint spec allows. */
  static final int MAX_VARINT_BYTES = 9;

  private MultistreamCodec() {}

  /**
   * Checks a configured message bound.
   *
   * @throws IllegalArgumentException unless {@code 2 <= maxMessageLength <= MAX_MESSAGE_LENGTH_CEILING}
   */
  public static int checkMaxMessageLength(int maxMessageLength) {
    if (maxMessageLength < 2 || maxMessageLength > MAX_MESSAGE_LENGTH_CEILING) {
      throw new IllegalArgumentException("maxMessageLength must be in [2, " + MAX_MESSAGE_LENGTH_CEILING + "], was "
          + maxMessageLength);
    }
    return maxMessageLength;
  }

  /**
   * The UTF-8 bytes of {@code message}.
   *
   * @throws IllegalArgumentException if the text is not encodable (an unpaired surrogate)
   */
  static byte[] utf8(String message) {
    Objects.requireNonNull(message, "message");
    try {
      ByteBuffer bytes = StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(message));
      byte[] out = new byte[bytes.remaining()];
      bytes.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("message is not valid Unicode text (unpaired surrogate): "
          + quote(message), e);
    }
  }

  /**
   * The number of bytes {@link #encode(String, ByteBuf, int)} writes for {@code message}.
   *
   * @throws IllegalArgumentException if the text is not encodable
   */
  public static int encodedLength(String message) {
    int length = utf8(message).length + 1;
    return varintLength(length) + length;
  }

  /**
   * Appends one message to {@code out}.
   *
   * @param message the text without its newline; not null; may itself contain newlines (an {@code ls} answer
   *     does), which the length prefix keeps unambiguous
   * @param out where to append; the caller owns it
   * @param maxMessageLength the bound the receiver is expected to apply to the length prefix
   * @throws IllegalArgumentException if the text is not encodable or its length with newline exceeds
   *     {@code maxMessageLength}; nothing is written then
   */
  public static void encode(String message, ByteBuf out, int maxMessageLength) {
    Objects.requireNonNull(out, "out");
    byte[] text = utf8(message);
    int length = text.length + 1;
    if (length > maxMessageLength) {
      throw new IllegalArgumentException("message " + quote(message) + " is " + length
          + " bytes with its newline, more than the limit of " + maxMessageLength);
    }
    writeVarint(out, length);
    out.writeBytes(text);
    out.writeByte('\n');
  }

  /**
   * One encoded message, bounded by {@link #DEFAULT_MAX_MESSAGE_LENGTH}.
   *
   * @throws IllegalArgumentException as {@link #encode(String, ByteBuf, int)}
   */
  public static byte[] encode(String message) {
    ByteBuf buf = Unpooled.buffer(encodedLength(message));
    try {
      encode(message, buf, DEFAULT_MAX_MESSAGE_LENGTH);
      byte[] out = new byte[buf.readableBytes()];
      buf.readBytes(out);
      return out;
    } finally {
      buf.release();
    }
  }

  /**
   * Decodes exactly one complete message.
   *
   * @param wire the bytes of one message; not null, not modified
   * @param maxMessageLength the bound on the declared length
   * @return the message text without its newline
   * @throws MultistreamFormatException if the bytes are malformed or stop short of a whole message
   *     ({@link MultistreamFormatException.Reason#TRUNCATED})
   * @throws IllegalArgumentException if bytes remain after the message (a caller error: pass one message)
   */
  public static String decode(byte[] wire, int maxMessageLength) {
    Objects.requireNonNull(wire, "wire");
    MultistreamReader reader = new MultistreamReader(maxMessageLength);
    ByteBuf in = Unpooled.wrappedBuffer(wire);
    try {
      String message = reader.read(in);
      if (message == null) {
        reader.endOfInput();
        throw new AssertionError("endOfInput() throws when a message is incomplete");
      }
      if (in.isReadable()) {
        throw new IllegalArgumentException(in.readableBytes() + " bytes follow the first message");
      }
      return message;
    } finally {
      in.release();
    }
  }

  static int varintLength(int value) {
    int n = 1;
    while ((value & ~0x7F) != 0) {
      value >>>= 7;
      n++;
    }
    return n;
  }

  static void writeVarint(ByteBuf out, int value) {
    while ((value & ~0x7F) != 0) {
      out.writeByte((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.writeByte(value);
  }

  /** A message quoted for an error text, cut to a readable length (a hostile one may be 1 KiB of junk). */
  static String quote(String message) {
    String shown = message.length() > 64 ? message.substring(0, 64) + "..." : message;
    StringBuilder sb = new StringBuilder(shown.length() + 2).append('"');
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        sb.append(String.format("\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
