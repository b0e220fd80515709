package io.braid.transport.tcp.internal.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.NetworkMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ByteCounter")
class ByteCounterTest {
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final NetworkMetrics metrics = new NetworkMetrics() {
    @Override
    public void bytesRead(String transport, long bytes) {
      calls.add("read " + transport + " " + bytes);
    }

    @Override
    public void bytesWritten(String transport, long bytes) {
      calls.add("written " + transport + " " + bytes);
    }
  };

  @Test
  void readsAreReportedOncePerReadBatchAndPassedOnUntouched() {
    EmbeddedChannel ch = new EmbeddedChannel(new ByteCounter(metrics, "tcp"));
    ch.writeOneInbound(Unpooled.wrappedBuffer(new byte[10]));
    ch.writeOneInbound(Unpooled.wrappedBuffer(new byte[5]));
    assertEquals(List.of(), calls, "nothing before the batch completes");
    ch.pipeline().fireChannelReadComplete();
    assertEquals(List.of("read tcp 15"), calls);
    ByteBuf first = ch.readInbound();
    assertEquals(10, first.readableBytes(), "passed on with its bytes unread");
    first.release();
    ((ByteBuf) ch.readInbound()).release();
    ch.finish();
  }

  @Test
  void writesAreReportedOncePerFlush() {
    EmbeddedChannel ch = new EmbeddedChannel(new ByteCounter(metrics, "tcp"));
    ch.write(Unpooled.wrappedBuffer(new byte[7]));
    ch.write(Unpooled.wrappedBuffer(new byte[3]));
    assertEquals(List.of(), calls);
    ch.flush();
    assertEquals(List.of("written tcp 10"), calls);
    ch.flush();
    assertEquals(List.of("written tcp 10"), calls, "an empty flush reports nothing");
    for (Object o; (o = ch.readOutbound()) != null; ) {
      ((ByteBuf) o).release();
    }
    ch.finish();
  }

  @Test
  void whatIsLeftIsReportedWhenTheChannelGoesInactive() {
    EmbeddedChannel ch = new EmbeddedChannel(new ByteCounter(metrics, "tcp"));
    ch.writeOneInbound(Unpooled.wrappedBuffer(new byte[4]));
    ch.close();
    assertTrue(calls.contains("read tcp 4"), calls.toString());
    ((ByteBuf) ch.readInbound()).release();
  }
}
