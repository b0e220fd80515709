package io.braid.transport.tcp.internal.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InboundHoldTest {

  private static ByteBuf text(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  @Test
  void heldMessagesGoOnInOrderOnceReleasedAndTheHoldLeavesThePipeline() {
    InboundHold hold = new InboundHold();
    EmbeddedChannel ch = new EmbeddedChannel(hold);
    ByteBuf a = text("a");
    ByteBuf b = text("b");
    ch.writeInbound(a, b);
    assertNull(ch.readInbound(), "nothing passes while held");

    hold.release();

    ByteBuf first = ch.readInbound();
    ByteBuf second = ch.readInbound();
    assertEquals("a", first.toString(StandardCharsets.US_ASCII));
    assertEquals("b", second.toString(StandardCharsets.US_ASCII));
    first.release();
    second.release();
    assertNull(ch.pipeline().get(InboundHold.class));
    ch.writeInbound(text("c"));
    ByteBuf third = ch.readInbound();
    assertEquals("c", third.toString(StandardCharsets.US_ASCII), "later reads pass straight through");
    third.release();
    assertFalse(ch.finish());
  }

  @Test
  void holdingMoreThanTheBoundClosesTheChannelAndReleasesEverything() {
    EmbeddedChannel ch = new EmbeddedChannel(new InboundHold());
    ByteBuf small = text("x");
    ByteBuf big = Unpooled.buffer(InboundHold.MAX_HELD_BYTES).writeZero(InboundHold.MAX_HELD_BYTES);
    ch.writeInbound(small, big);

    assertFalse(ch.isOpen());
    assertEquals(0, small.refCnt());
    assertEquals(0, big.refCnt());
  }

  @Test
  void aHoldRemovedWithoutReleaseReleasesWhatItHeld() {
    EmbeddedChannel ch = new EmbeddedChannel(new InboundHold());
    ByteBuf a = text("a");
    ch.writeInbound(a);

    ch.close();

    assertEquals(0, a.refCnt());
  }
}
