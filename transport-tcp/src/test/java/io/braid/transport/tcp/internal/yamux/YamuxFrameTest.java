package io.braid.transport.tcp.internal.yamux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.braid.transport.tcp.internal.yamux.YamuxFrame.Header;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YamuxFrameTest {

  private static final YamuxVectors VECTORS = YamuxVectors.load();

  @Test
  void everyVectorFrameHeaderDecodesAndReencodesByteExact() {
    assertEquals(14, VECTORS.frames.size(), "the vector file announces 14 yamux frames");
    for (Map.Entry<String, byte[]> e : VECTORS.frames.entrySet()) {
      byte[] bytes = e.getValue();
      ByteBuf in = Unpooled.wrappedBuffer(bytes);
      Header h = YamuxFrame.decodeHeader(in);
      assertArrayEquals(Arrays.copyOf(bytes, 12), YamuxFrame.encodeHeader(h), e.getKey());
      ByteBuf out = Unpooled.buffer();
      YamuxFrame.encodeHeader(out, h.type(), h.flags(), h.streamId(), h.length());
      byte[] encoded = new byte[12];
      out.readBytes(encoded);
      assertArrayEquals(Arrays.copyOf(bytes, 12), encoded, e.getKey());
      if (h.type() == YamuxFrame.TYPE_DATA) {
        assertEquals(h.length(), in.readableBytes(), "data length counts the payload: " + e.getKey());
      } else {
        assertEquals(0, in.readableBytes(), e.getKey());
      }
      in.release();
      out.release();
    }
  }

  @Test
  void hashicorpEncodeDecodeExampleHasTheExpectedFields() {
    Header h = YamuxFrame.decodeHeader(Unpooled.wrappedBuffer(VECTORS.frame("hashicorp/yamux")));
    assertEquals(new Header(YamuxFrame.TYPE_WINDOW_UPDATE, YamuxFrame.FLAG_ACK | YamuxFrame.FLAG_RST,
        1234, 4321), h);
  }

  @Test
  void specificVectorsCarryTheirDocumentedFields() {
    assertEquals(new Header(1, YamuxFrame.FLAG_SYN, 1, 0), decode("open stream 1 via WindowUpdate"));
    assertEquals(new Header(1, 0, 2, YamuxFrame.INITIAL_WINDOW), decode("grant +256 KiB"));
    assertEquals(new Header(2, YamuxFrame.FLAG_ACK, 0, 0x01020304L), decode("ping response"));
    assertEquals(new Header(3, 0, 0, YamuxFrame.GO_AWAY_INTERNAL_ERROR), decode("GoAway internal"));
  }

  @Test
  void unsignedFieldsAboveTwoToTheThirtyOneStayPositive() {
    Header h = YamuxFrame.decodeHeader(Unpooled.wrappedBuffer(new byte[] {
        0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
        (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}));
    assertEquals(new Header(0, 0xffff, YamuxFrame.MAX_U32, YamuxFrame.MAX_U32), h);
  }

  @Test
  void shortInputDecodesToNullAndLeavesTheReaderIndex() {
    ByteBuf in = Unpooled.wrappedBuffer(new byte[11]);
    assertNull(YamuxFrame.decodeHeader(in));
    assertEquals(0, in.readerIndex());
  }

  @Test
  void badVersionAndUnknownTypeFromTheVectorsAreProtocolErrors() {
    ByteBuf v1 = Unpooled.wrappedBuffer(VECTORS.bad("version 1").get(0));
    YamuxProtocolException e = assertThrows(YamuxProtocolException.class, () -> YamuxFrame.decodeHeader(v1));
    assertEquals(YamuxFrame.GO_AWAY_PROTOCOL_ERROR, e.goAwayCode());
    assertEquals(0, v1.readerIndex());
    ByteBuf t4 = Unpooled.wrappedBuffer(VECTORS.bad("unknown type 4").get(0));
    assertThrows(YamuxProtocolException.class, () -> YamuxFrame.decodeHeader(t4));
  }

  @Test
  void headerRejectsOutOfRangeFieldsWithIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> new Header(256, 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Header(0, 0x10000, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Header(0, 0, -1, 0));
    assertThrows(IllegalArgumentException.class, () -> new Header(0, 0, 0, YamuxFrame.MAX_U32 + 1));
    ByteBuf out = Unpooled.buffer();
    assertThrows(IllegalArgumentException.class,
        () -> YamuxFrame.encodeHeader(out, 0, 0, 1L << 32, 0));
    assertEquals(0, out.writerIndex(), "nothing written for a rejected header");
  }

  @Test
  void configRejectsNonsenseWithMessagesNamingTheField() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> YamuxConfig.defaults().withMaxInboundStreams(-1));
    assertEquals("maxInboundStreams must be >= 0, was -1", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> YamuxConfig.defaults().withMaxStreamWindow(1000));
  }

  private static Header decode(String vector) {
    return YamuxFrame.decodeHeader(Unpooled.wrappedBuffer(VECTORS.frame(vector)));
  }
}
