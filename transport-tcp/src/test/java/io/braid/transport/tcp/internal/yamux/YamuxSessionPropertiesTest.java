package io.braid.transport.tcp.internal.yamux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.transport.tcp.internal.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class YamuxSessionPropertiesTest {

  /** Raw bytes of one frame: mostly plausible, sometimes broken in each field. */
  @Provide
  Arbitrary<byte[]> frames() {
    Arbitrary<Integer> version = Arbitraries.frequency(
        net.jqwik.api.Tuple.of(30, 0), net.jqwik.api.Tuple.of(1, 1), net.jqwik.api.Tuple.of(1, 255));
    Arbitrary<Integer> type = Arbitraries.frequency(
        net.jqwik.api.Tuple.of(10, 0), net.jqwik.api.Tuple.of(10, 1), net.jqwik.api.Tuple.of(4, 2),
        net.jqwik.api.Tuple.of(1, 3), net.jqwik.api.Tuple.of(1, 4));
    Arbitrary<Integer> flags = Arbitraries.oneOf(Arbitraries.integers().between(0, 15),
        Arbitraries.integers().between(0, 0xffff));
    Arbitrary<Long> id = Arbitraries.oneOf(Arbitraries.longs().between(0, 8),
        Arbitraries.longs().between(0, YamuxFrame.MAX_U32));
    Arbitrary<byte[]> payload = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<Long> lengthOverride = Arbitraries.oneOf(Arbitraries.just(-1L),
        Arbitraries.just(-1L), Arbitraries.just(-1L),
        Arbitraries.longs().between(0, YamuxFrame.MAX_U32));
    return Combinators.combine(version, type, flags, id, payload, lengthOverride)
        .as((v, t, f, i, p, len) -> {
          boolean data = t == YamuxFrame.TYPE_DATA;
          long length = len >= 0 ? len : data ? p.length : p.length * 1000L;
          ByteArrayOutputStream o = new ByteArrayOutputStream();
          o.write(v);
          o.write(t);
          o.write(f >>> 8);
          o.write(f);
          for (int k = 0; k < 4; k++) {
            o.write((int) (i >>> (24 - 8 * k)));
          }
          for (int k = 0; k < 4; k++) {
            o.write((int) (length >>> (24 - 8 * k)));
          }
          if (data) {
            o.writeBytes(p);
          }
          return o.toByteArray();
        });
  }

  @Property(tries = 300)
  void arbitraryFrameSequencesNeverEscapeTheHandlerAndNeverLeak(
      @ForAll @Size(max = 40) List<@net.jqwik.api.From("frames") byte[]> frames,
      @ForAll @IntRange(min = 1, max = 64) int chunk,
      @ForAll boolean client,
      @ForAll boolean readInbound) {
    TrackingAllocator alloc = new TrackingAllocator();
    List<MuxedStream> accepted = new ArrayList<>();
    YamuxConfig config = YamuxConfig.defaults()
        .withKeepAlive(Duration.ofSeconds(1), Duration.ofSeconds(1))
        .withMaxInboundStreams(4);
    YamuxSession session = new YamuxSession(client, config, s -> {
      accepted.add(s);
      if (readInbound) {
        YamuxHarness.readAll(s, new ByteArrayOutputStream());
      }
    });
    EmbeddedChannel ch = YamuxHarness.channel(alloc, session);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    frames.forEach(all::writeBytes);
    byte[] bytes = all.toByteArray();
    for (int at = 0; at < bytes.length; at += chunk) {
      ByteBuf b = alloc.buffer().writeBytes(bytes, at, Math.min(chunk, bytes.length - at));
      if (ch.isOpen()) {
        ch.writeInbound(b);
      } else {
        b.release();
      }
      releaseOutbound(ch);
    }
    ch.advanceTimeBy(5, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    ch.checkException();
    if (!session.isOpen()) {
      assertTrue(session.closeFuture().isDone());
      assertEquals(0, session.streamCount());
      assertTrue(accepted.stream().noneMatch(MuxedStream::isOpen));
    }
    assertTrue(session.inboundStreamCount() <= 4);
    ch.finishAndReleaseAll();
    alloc.assertAllReleased();
    assertTrue(session.closeFuture().isDone(), "closing the channel closes the session");
  }

  private static void releaseOutbound(EmbeddedChannel ch) {
    Object m;
    while ((m = ch.readOutbound()) != null) {
      ((ByteBuf) m).release();
    }
  }
}
