package io.braid.transport.tcp.internal.mss;

import io.braid.transport.tcp.internal.mss.MultistreamFormatException.Reason;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Decodes multistream-select messages from a byte stream that arrives in arbitrary pieces.
 *
 * <p>Design: the reader copies the bytes of the message under way into its own {@code byte[]}, so a caller
 * never has to keep a cumulation buffer and the reader never retains a {@link ByteBuf}. The declared length is
 * checked against the bound after each byte of the prefix, before anything is allocated; the body array is
 * allocated once the prefix is complete and valid, so memory per reader is at most the bound.
 *
 * <p>Not thread-safe: one reader belongs to one negotiation, fed from one thread at a time.
 */
public final class MultistreamReader {
  private final int maxMessageLength;

  private long length;
  private int varintBytes;
  private byte[] body;
  private int filled;

  /**
   * @param maxMessageLength the bound on a declared length (text plus newline)
   * @throws IllegalArgumentException if the bound is outside {@code [2, MAX_MESSAGE_LENGTH_CEILING]}
   */
  public MultistreamReader(int maxMessageLength) {
    this.maxMessageLength = MultistreamCodec.checkMaxMessageLength(maxMessageLength);
  }

  /**
   * Reads bytes of {@code in} until one message is complete or {@code in} is exhausted. Never reads past the end
   * of the message it returns, so bytes that follow stay in {@code in} for whoever comes next.
   *
   * @param in the bytes; the caller keeps ownership (this method only moves its reader index)
   * @return the message text without its newline, or null if {@code in} ended first (its bytes are kept here)
   * @throws MultistreamFormatException if the bytes are malformed; the reader is unusable afterwards
   */
  public String read(ByteBuf in) {
    Objects.requireNonNull(in, "in");
    if (body == null && !readPrefix(in)) {
      return null;
    }
    int n = Math.min(in.readableBytes(), body.length - filled);
    in.readBytes(body, filled, n);
    filled += n;
    if (filled < body.length) {
      return null;
    }
    byte[] message = body;
    body = null;
    filled = 0;
    length = 0;
    varintBytes = 0;
    return text(message);
  }

  /** Whether bytes of an unfinished message (prefix or body) are held. */
  public boolean hasPartialMessage() {
    return varintBytes > 0;
  }

  /**
   * Tells the reader the input has ended.
   *
   * @throws MultistreamFormatException ({@link Reason#TRUNCATED}) if it ended inside a message
   */
  public void endOfInput() {
    if (hasPartialMessage()) {
      String where = body == null
          ? "inside the length prefix"
          : "after " + filled + " of the " + body.length + " bytes of a message";
      throw new MultistreamFormatException(Reason.TRUNCATED, "input ended " + where, List.of());
    }
  }

  /** Reads the uvarint prefix; true once it is complete (and the body array allocated). */
  private boolean readPrefix(ByteBuf in) {
    while (in.isReadable()) {
      int b = in.readByte() & 0xFF;
      length |= (long) (b & 0x7F) << (7 * varintBytes);
      varintBytes++;
      if (length > maxMessageLength) {
        throw new MultistreamFormatException(Reason.TOO_LARGE, "incoming message declares at least " + length
            + " bytes, more than the limit of " + maxMessageLength, List.of());
      }
      if ((b & 0x80) == 0) {
        if (varintBytes > 1 && b == 0) {
          throw new MultistreamFormatException(Reason.VARINT_NOT_MINIMAL,
              "length prefix of " + varintBytes + " bytes is not minimally encoded", List.of());
        }
        if (length == 0) {
          throw new MultistreamFormatException(Reason.EMPTY,
              "zero-length message: every message ends with a newline", List.of());
        }
        body = new byte[(int) length];
        return true;
      }
      if (varintBytes == MultistreamCodec.MAX_VARINT_BYTES) {
        throw new MultistreamFormatException(Reason.VARINT_TOO_LONG,
            "length prefix is longer than " + MultistreamCodec.MAX_VARINT_BYTES + " bytes", List.of());
      }
    }
    return false;
  }

  private static String text(byte[] message) {
    if (message[message.length - 1] != '\n') {
      throw new MultistreamFormatException(Reason.NO_TRAILING_NEWLINE,
          "message did not have a trailing newline (last byte 0x"
              + Integer.toHexString(message[message.length - 1] & 0xFF) + ")", List.of());
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(message, 0, message.length - 1))
          .toString();
    } catch (CharacterCodingException e) {
      throw new MultistreamFormatException(Reason.INVALID_UTF8,
          "message of " + (message.length - 1) + " bytes is not valid UTF-8", List.of());
    }
  }
}
