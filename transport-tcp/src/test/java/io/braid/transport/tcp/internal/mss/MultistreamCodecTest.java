package io.braid.transport.tcp.internal.mss;

import static io.braid.transport.tcp.internal.mss.Bytes.concat;
import static io.braid.transport.tcp.internal.mss.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.transport.tcp.internal.mss.MultistreamFormatException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MultistreamCodecTest {
  private static final int MAX = MultistreamCodec.DEFAULT_MAX_MESSAGE_LENGTH;

  static Stream<MssVectors.Encoding> encodings() {
    return MssVectors.encodings().stream();
  }

  @Nested
  @DisplayName("the vectors")
  class Vectors {
    @Test
    void theVectorFileHoldsTheTwelveAdvertisedEncodings() {
      List<MssVectors.Encoding> all = MssVectors.encodings();
      // 11 quoted encodings plus the 128-byte line (parsed on its own) make the 12 the file's header counts.
      assertEquals(11, all.size(), "quoted MSS encodings in " + MssVectors.FILE + ": " + all);
      assertEquals(2, all.stream().filter(e -> e.source().equals("SPEC")).count());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.braid.transport.tcp.internal.mss.MultistreamCodecTest#encodings")
    void encodingAMessageGivesTheVectorBytes(MssVectors.Encoding vector) {
      assertEquals(hex(vector.wire()), hex(MultistreamCodec.encode(vector.message())));
      assertEquals(vector.wire().length, MultistreamCodec.encodedLength(vector.message()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.braid.transport.tcp.internal.mss.MultistreamCodecTest#encodings")
    void decodingTheVectorBytesGivesTheMessageBack(MssVectors.Encoding vector) {
      assertEquals(vector.message(), MultistreamCodec.decode(vector.wire(), MAX));
    }

    @Test
    void aMessageOf128BytesGetsTheTwoByteLengthPrefixOfTheVector() {
      MssVectors.LongMessage vector = MssVectors.longMessage();
      assertEquals(128, vector.messageBytes());
      String message = "/" + "a".repeat(vector.messageBytes() - 1);

      byte[] wire = MultistreamCodec.encode(message);

      assertEquals(vector.totalBytes(), wire.length);
      assertEquals(hex(vector.prefix()), hex(Arrays.copyOf(wire, vector.prefix().length)));
      assertEquals(message, new String(wire, vector.prefix().length, vector.messageBytes(), StandardCharsets.UTF_8));
      assertEquals('\n', wire[wire.length - 1]);
      assertEquals(message, MultistreamCodec.decode(wire, MAX));
    }
  }

  @Nested
  @DisplayName("malformed input")
  class Malformed {
    private Reason reasonOf(String hex) {
      return assertThrows(MultistreamFormatException.class, () -> MultistreamCodec.decode(hex(hex), MAX)).reason();
    }

    @Test
    void theVectorFileListsTheFiveNegativeCasesTestedHere() {
      List<String> cases = MssVectors.negativeCaseLines();
      assertEquals(5, cases.size(), cases.toString());
      String all = String.join("\n", cases);
      // The wire examples this class and MultistreamNegotiatorTest use come from these lines.
      assertTrue(all.contains("022f61"), all);
      assertTrue(all.contains("00"), all);
      assertTrue(all.contains("8108"), all);
    }

    @Test
    void aMessageWithoutTrailingNewlineIsRejected() {
      assertEquals(Reason.NO_TRAILING_NEWLINE, reasonOf("022f61"));
    }

    @Test
    void aZeroLengthMessageIsRejected() {
      assertEquals(Reason.EMPTY, reasonOf("00"));
    }

    @Test
    void aDeclaredLengthOf1025IsRejectedBeforeAnyBodyArrives() {
      MultistreamReader reader = new MultistreamReader(MAX);
      ByteBuf in = Unpooled.wrappedBuffer(hex("8108"));
      MultistreamFormatException e = assertThrows(MultistreamFormatException.class, () -> reader.read(in));
      assertEquals(Reason.TOO_LARGE, e.reason());
      assertTrue(e.getMessage().contains("1025"), e.getMessage());
      in.release();
    }

    @Test
    void aHugeDeclaredLengthIsRejectedAtTheFirstPrefixByteThatExceedsTheBound() {
      MultistreamReader reader = new MultistreamReader(MAX);
      // 0xffffffff as a uvarint: the bound is passed at the second byte, so the third is never read.
      ByteBuf in = Unpooled.wrappedBuffer(hex("ffffffff0f"));
      assertEquals(Reason.TOO_LARGE, assertThrows(MultistreamFormatException.class, () -> reader.read(in)).reason());
      assertEquals(3, in.readableBytes());
      in.release();
    }

    @Test
    void aTruncatedLengthPrefixIsRejectedAtEndOfInput() {
      assertEquals(Reason.TRUNCATED, reasonOf("81"));
    }

    @Test
    void aMessageCutShortIsRejectedAtEndOfInput() {
      assertEquals(Reason.TRUNCATED, reasonOf("072f6e6f69"));
    }

    @Test
    void aLengthPrefixLongerThanNineBytesIsRejected() {
      assertEquals(Reason.VARINT_TOO_LONG, reasonOf("808080808080808080"));
    }

    @Test
    void aLengthPrefixThatIsNotMinimalIsRejected() {
      assertEquals(Reason.VARINT_NOT_MINIMAL, reasonOf("8300" + "6e610a"));
      assertEquals(Reason.VARINT_NOT_MINIMAL, reasonOf("8000"));
    }

    @Test
    void invalidUtf8IsRejected() {
      assertEquals(Reason.INVALID_UTF8, reasonOf("03c3280a"));
      // An encoded surrogate (CESU-8 style) is not UTF-8 either.
      assertEquals(Reason.INVALID_UTF8, reasonOf("04eda0800a"));
    }

    @Test
    void theBoundIsConfigurable() {
      byte[] wire = MultistreamCodec.encode("/yamux/1.0.0");
      assertEquals(13, wire[0]);
      assertEquals("/yamux/1.0.0", MultistreamCodec.decode(wire, 13));
      MultistreamFormatException e =
          assertThrows(MultistreamFormatException.class, () -> MultistreamCodec.decode(wire, 12));
      assertEquals(Reason.TOO_LARGE, e.reason());
      assertThrows(IllegalArgumentException.class, () -> new MultistreamReader(1));
      assertThrows(IllegalArgumentException.class,
          () -> new MultistreamReader(MultistreamCodec.MAX_MESSAGE_LENGTH_CEILING + 1));
    }

    @Test
    void decodingOneMessageRefusesBytesAfterIt() {
      byte[] two = concat(MultistreamCodec.encode("na"), MultistreamCodec.encode("ls"));
      assertThrows(IllegalArgumentException.class, () -> MultistreamCodec.decode(two, MAX));
    }
  }

  @Nested
  @DisplayName("incremental reading")
  class Incremental {
    @Test
    void aMessageFedOneByteAtATimeIsReadWhenItsLastByteArrives() {
      byte[] wire = MultistreamCodec.encode("/ipfs/id/push/1.0.0");
      MultistreamReader reader = new MultistreamReader(MAX);
      for (int i = 0; i < wire.length; i++) {
        ByteBuf in = Unpooled.wrappedBuffer(wire, i, 1);
        String message = reader.read(in);
        assertEquals(0, in.readableBytes());
        if (i < wire.length - 1) {
          assertNull(message, "after byte " + i);
          assertTrue(reader.hasPartialMessage());
        } else {
          assertEquals("/ipfs/id/push/1.0.0", message);
          assertFalse(reader.hasPartialMessage());
        }
        in.release();
      }
    }

    @Test
    void theReaderStopsAtTheEndOfAMessageAndLeavesTheRestUnread() {
      byte[] extra = hex("deadbeef");
      ByteBuf in = Unpooled.wrappedBuffer(concat(MultistreamCodec.encode("na"), extra));
      MultistreamReader reader = new MultistreamReader(MAX);
      assertEquals("na", reader.read(in));
      assertArrayEquals(extra, Bytes.readable(in));
      in.release();
    }

    @Test
    void aMessageMayContainNewlinesBeforeItsTerminator() {
      byte[] wire = hex("056c730a6e0a");
      assertEquals("ls\nn", MultistreamCodec.decode(wire, MAX));
    }
  }

  @Nested
  @DisplayName("encoding")
  class Encoding {
    @Test
    void aMessageLongerThanTheBoundIsRefusedWithoutWritingAnything() {
      ByteBuf out = Unpooled.buffer();
      String tooLong = "/" + "x".repeat(MAX - 1);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> MultistreamCodec.encode(tooLong, out, MAX));
      assertTrue(e.getMessage().contains("1025"), e.getMessage());
      assertEquals(0, out.readableBytes());
      MultistreamCodec.encode("/" + "x".repeat(MAX - 2), out, MAX);
      assertEquals(2 + MAX, out.readableBytes());
      out.release();
    }

    @Test
    void textThatIsNotValidUnicodeIsRefused() {
      assertThrows(IllegalArgumentException.class, () -> MultistreamCodec.encode("/bad\uD800"));
    }

    @Test
    void nonAsciiTextIsCountedInBytes() {
      byte[] wire = MultistreamCodec.encode("/\u00e9");
      assertEquals("042fc3a90a", hex(wire));
      assertEquals("/\u00e9", MultistreamCodec.decode(wire, MAX));
    }
  }
}
