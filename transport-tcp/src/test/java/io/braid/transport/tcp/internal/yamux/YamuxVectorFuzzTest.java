package io.braid.transport.tcp.internal.yamux;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ConnectionClosedException;
import io.braid.api.ConnectionTimeoutException;
import io.braid.transport.tcp.internal.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The shared Yamux vectors (well-formed and hostile frames) as fuzz seeds: shuffled, mutated (flipped,
 * deleted, duplicated bytes) and cut into arbitrary reads, fed to both a client and a server session.
 * Nothing escapes the handler, the session ends only with a documented cause, and nothing leaks.
 */
class YamuxVectorFuzzTest {
  private static final List<byte[]> SEEDS = seeds();

  private static List<byte[]> seeds() {
    YamuxVectors v = YamuxVectors.load();
    List<byte[]> all = new ArrayList<>(v.frames.values());
    v.bad.values().forEach(all::addAll);
    return List.copyOf(all);
  }

  @Property(tries = 400)
  void mutatedVectorFramesNeverEscapeTheSessionNorLeak(
      @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 0, max = 10_000) Integer> picks,
      @ForAll @Size(max = 6) List<@IntRange(min = 0, max = 1_000_000) Integer> mutations,
      @ForAll @IntRange(min = 1, max = 64) int chunk,
      @ForAll boolean client) {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (int p : picks) {
      wire.writeBytes(SEEDS.get(p % SEEDS.size()));
    }
    byte[] bytes = wire.toByteArray();
    for (int m : mutations) {
      if (bytes.length == 0) {
        break;
      }
      int at = m % bytes.length;
      switch (m % 3) {
        case 0 -> bytes[at] ^= (byte) (1 + (m >>> 8) % 255);
        case 1 -> bytes = concat(Arrays.copyOf(bytes, at), Arrays.copyOfRange(bytes, at + 1, bytes.length));
        default -> bytes = concat(Arrays.copyOf(bytes, at + 1), Arrays.copyOfRange(bytes, at, bytes.length));
      }
    }
    TrackingAllocator alloc = new TrackingAllocator();
    YamuxSession session = new YamuxSession(client, YamuxHarness.NO_KEEPALIVE.withMaxEmptyFrames(16), s -> {});
    EmbeddedChannel ch = YamuxHarness.channel(alloc, session);
    for (int i = 0; i < bytes.length && ch.isOpen(); i += chunk) {
      ByteBuf in = alloc.buffer();
      in.writeBytes(bytes, i, Math.min(chunk, bytes.length - i));
      ch.writeInbound(in);
    }
    ch.checkException();
    if (!session.isOpen()) {
      Throwable cause = session.closeFuture().handle((v, e) -> e).join();
      if (cause instanceof java.util.concurrent.CompletionException ce) {
        cause = ce.getCause();
      }
      assertTrue(cause == null || cause instanceof YamuxProtocolException
          || cause instanceof ConnectionClosedException || cause instanceof ConnectionTimeoutException,
          String.valueOf(cause));
    }
    ch.finishAndReleaseAll();
    alloc.assertAllReleased();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
