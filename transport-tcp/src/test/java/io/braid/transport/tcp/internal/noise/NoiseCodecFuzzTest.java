package io.braid.transport.tcp.internal.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.transport.tcp.internal.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random and mutated transport frames fed to the codec's receiving side: it delivers only authentic
 * plaintext (a prefix of what was sent), fails only with {@link NoiseFrameException} (and closes), holds at
 * most one frame's worth of partial input whatever length a prefix declares, and leaks nothing.
 */
class NoiseCodecFuzzTest {
  /** A partial frame plus one read: what the codec may hold while it waits. */
  private static final int HELD_BOUND = 2 * (2 + NoiseCodec.MAX_FRAME);

  @Property(tries = 300)
  void arbitraryBytesInArbitraryChunksFailOnlyWithNoiseFrameException(
      @ForAll @Size(max = 12) List<@Size(max = 600) byte[]> chunks) {
    Pair p = new Pair();
    p.feed(chunks);
    assertTrue(p.sink.bytes().length == 0, "random bytes never authenticate");
    p.finish();
  }

  @Property(tries = 200)
  void mutatedGenuineFramesDeliverOnlyAPrefixOfWhatWasSent(
      @ForAll @Size(min = 1, max = 5) List<@Size(max = 3000) byte[]> plaintexts,
      @ForAll @Size(max = 4) List<@IntRange(min = 0, max = 100_000) Integer> flips,
      @ForAll @IntRange(min = 0, max = 100_000) int cut,
      @ForAll @IntRange(min = 1, max = 70_000) int chunk) {
    Pair p = new Pair();
    ByteBuf wire = Unpooled.buffer();
    List<Byte> sent = new ArrayList<>();
    for (byte[] plain : plaintexts) {
      p.a.writeOutbound(Unpooled.copiedBuffer(plain));
      for (byte b : plain) {
        sent.add(b);
      }
      wire.writeBytes(NoiseTestSupport.drainOutbound(p.a));
    }
    byte[] bytes = new byte[wire.readableBytes()];
    wire.readBytes(bytes);
    wire.release();
    boolean mutated = false;
    for (int f : flips) {
      if (bytes.length > 0) {
        bytes[f % bytes.length] ^= (byte) (1 + f % 255);
        mutated = true;
      }
    }
    if (cut % 3 == 0 && bytes.length > 0) {
      bytes = Arrays.copyOf(bytes, cut % bytes.length);
    }
    List<byte[]> chunks = new ArrayList<>();
    for (int i = 0; i < bytes.length; i += chunk) {
      chunks.add(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + chunk)));
    }
    p.feed(chunks);
    byte[] got = p.sink.bytes();
    byte[] all = new byte[sent.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = sent.get(i);
    }
    assertTrue(got.length <= all.length);
    assertArrayEquals(Arrays.copyOf(all, got.length), got, "only authentic bytes, in order");
    if (!mutated && cut % 3 != 0) {
      assertArrayEquals(all, got, "untouched frames arrive whole");
    }
    p.finish();
  }

  private static final class Pair {
    final TrackingAllocator allocator = new TrackingAllocator();
    final NoiseTestSupport.Sink sink = new NoiseTestSupport.Sink();
    final EmbeddedChannel a;
    final EmbeddedChannel b;
    final NoiseCodec receiver;

    Pair() {
      HandshakeState i = HandshakeState.initiator(new byte[0], NoiseKeyPair.generate());
      HandshakeState r = HandshakeState.responder(new byte[0], NoiseKeyPair.generate());
      r.readMessage(i.writeMessage(new byte[0]));
      i.readMessage(r.writeMessage(new byte[0]));
      r.readMessage(i.writeMessage(new byte[0]));
      HandshakeState.TransportCiphers ic = i.split();
      HandshakeState.TransportCiphers rc = r.split();
      a = NoiseTestSupport.channel(allocator, new NoiseCodec(ic.sender(), ic.receiver()), new NoiseTestSupport.Sink());
      receiver = new NoiseCodec(rc.sender(), rc.receiver());
      b = NoiseTestSupport.channel(allocator, receiver, sink);
    }

    final List<ByteBuf> inputs = new ArrayList<>();

    void feed(List<byte[]> chunks) {
      for (byte[] c : chunks) {
        ByteBuf in = Unpooled.buffer(c.length).writeBytes(c);
        inputs.add(in);
        if (b.isOpen()) {
          b.writeInbound(in); // must not throw
          assertTrue(receiver.bufferedCapacityForTesting() <= HELD_BOUND,
              "held " + receiver.bufferedCapacityForTesting() + " bytes");
        } else {
          in.release();
        }
      }
      for (Throwable t : sink.exceptions) {
        assertInstanceOf(NoiseFrameException.class, t);
      }
      if (!sink.exceptions.isEmpty()) {
        assertFalse(b.isOpen(), "a bad frame closes the connection");
      }
    }

    void finish() {
      NoiseTestSupport.finish(a);
      NoiseTestSupport.finish(b); // a partial frame is held until the channel closes
      for (ByteBuf in : inputs) {
        assertEquals(0, in.refCnt(), "an input buffer was not released");
      }
      allocator.assertAllReleased();
    }
  }
}
