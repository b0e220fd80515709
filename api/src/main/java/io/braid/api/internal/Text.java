package io.braid.api.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Small text helpers shared by the codecs: strict UTF-8 and message formatting. */
public final class Text {
  private static final int MAX_QUOTED = 80;

  private Text() {}

  /**
   * The UTF-8 bytes of {@code s}.
   *
   * @throws IllegalArgumentException if {@code s} holds an unpaired surrogate (it has no UTF-8 form)
   */
  public static byte[] utf8(String s) {
    try {
      ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(s));
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("text holds an unpaired UTF-16 surrogate");
    }
  }

  /**
   * Decodes well-formed UTF-8; rejecting anything else keeps bytes -> text -> bytes lossless.
   *
   * @throws IllegalArgumentException if {@code b} is not well-formed UTF-8
   */
  public static String utf8(byte[] b) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("value is not well-formed UTF-8");
    }
  }

  /** {@code s} in single quotes, cut short if long, so that messages stay readable whatever the input. */
  public static String quote(CharSequence s) {
    String t = s.length() <= MAX_QUOTED ? s.toString() : s.subSequence(0, MAX_QUOTED - 3) + "...";
    return "'" + t + "'";
  }

  /** A character in quotes, with its code point when it is not printable ASCII. */
  public static String quoteChar(char c) {
    if (c >= 0x20 && c < 0x7F) {
      return "'" + c + "'";
    }
    return String.format("U+%04X", (int) c);
  }

  /** Lowercase hex of {@code b}, for messages. */
  public static String hex(byte[] b) {
    return Rfc4648.BASE16_LOWER.encode(b, false);
  }
}
