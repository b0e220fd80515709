package io.braid.transport.tcp.internal.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.identity.Identity;
import io.braid.transport.tcp.internal.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Whatever a hostile initiator sends, the responder fails only as documented and leaks nothing. */
class NoiseResponderFuzzTest {
  private static final Identity BOB = Identity.generate();

  @Property(tries = 300)
  void arbitraryBytesInArbitraryChunksNeverThrowAndNeverLeak(
      @ForAll @Size(max = 12) List<@Size(max = 400) byte[]> chunks) {
    feed(chunks);
  }

  @Property(tries = 300)
  void wellFramedRandomMessagesFailWithNoiseHandshakeExceptionOnly(
      @ForAll @Size(min = 1, max = 4) List<@Size(max = 300) byte[]> bodies, @ForAll @IntRange(min = 1, max = 64) int chunk) {
    // Correct length prefixes get random bodies past the framing into the Noise state machine: any 32+
    // bytes are a valid message 1, so the responder answers and then must reject message 3.
    ByteBuf all = Unpooled.buffer();
    for (byte[] body : bodies) {
      all.writeShort(body.length).writeBytes(body);
    }
    byte[] wire = new byte[all.readableBytes()];
    all.readBytes(wire);
    all.release();
    List<byte[]> chunks = new ArrayList<>();
    for (int i = 0; i < wire.length; i += chunk) {
      chunks.add(java.util.Arrays.copyOfRange(wire, i, Math.min(wire.length, i + chunk)));
    }
    feed(chunks);
  }

  private static void feed(List<byte[]> chunks) {
    TrackingAllocator allocator = new TrackingAllocator();
    NoiseTestSupport.Sink sink = new NoiseTestSupport.Sink();
    NoiseHandshakeHandler responder = NoiseHandshakeHandler.responder(BOB, Duration.ofSeconds(10));
    EmbeddedChannel ch = NoiseTestSupport.channel(allocator, responder, sink);
    List<ByteBuf> inputs = new ArrayList<>();
    for (byte[] c : chunks) {
      ByteBuf in = Unpooled.buffer(c.length).writeBytes(c); // not copiedBuffer: an empty one is the unreleasable EMPTY_BUFFER
      inputs.add(in);
      if (ch.isOpen()) {
        ch.writeInbound(in); // must not throw
      } else {
        in.release();
      }
    }
    if (responder.handshakeFuture().isDone()) {
      Throwable cause = responder.handshakeFuture().handle((r, t) -> t).join();
      assertTrue(cause != null, "random bytes cannot complete a handshake");
      if (cause instanceof CompletionException ce) {
        cause = ce.getCause();
      }
      assertInstanceOf(NoiseHandshakeException.class, cause);
    }
    assertTrue(sink.exceptions.isEmpty(), "no exception travels down the pipeline: " + sink.exceptions);
    assertEquals(0, sink.bytes().length);
    NoiseTestSupport.drainOutbound(ch);
    ch.finishAndReleaseAll();
    for (ByteBuf in : inputs) {
      assertEquals(0, in.refCnt(), "an input buffer was not released");
    }
    allocator.assertAllReleased();
  }
}
