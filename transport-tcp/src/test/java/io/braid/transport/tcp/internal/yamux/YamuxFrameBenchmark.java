package io.braid.transport.tcp.internal.yamux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Yamux frames: {@code encodeDecodeHeader} writes a 12-byte header into a reused buffer and parses it
 * back; {@code receiveDataFrame} feeds one full Data frame (65,507 payload bytes, as the sender cuts them)
 * to a {@link YamuxSession} whose stream is read with {@code receiveAll} (the zero-copy path perf uses),
 * releasing the window updates it answers with. {@code -prof gc} shows what each frame allocates.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class YamuxFrameBenchmark {
  private static final int PAYLOAD = YamuxConfig.DEFAULT_MAX_SEND_FRAME;

  private final ByteBuf header = PooledByteBufAllocator.DEFAULT.heapBuffer(12);
  private EmbeddedChannel channel;
  private ByteBuf dataFrame;
  private long received;

  @Setup(Level.Trial)
  public void setUp() {
    YamuxSession server = new YamuxSession(false,
        YamuxConfig.defaults().withKeepAlive(Duration.ZERO, Duration.ofSeconds(10)),
        stream -> stream.receiveAll(chunk -> {
          received += chunk.remaining();
          return null;
        }));
    channel = new EmbeddedChannel();
    channel.config().setAllocator(PooledByteBufAllocator.DEFAULT);
    channel.pipeline().addLast(server);
    ByteBuf syn = PooledByteBufAllocator.DEFAULT.heapBuffer(12);
    YamuxFrame.encodeHeader(syn, YamuxFrame.TYPE_WINDOW_UPDATE, YamuxFrame.FLAG_SYN, 1, 0);
    channel.writeInbound(syn);
    drain();
    dataFrame = PooledByteBufAllocator.DEFAULT.heapBuffer(12 + PAYLOAD);
    YamuxFrame.encodeHeader(dataFrame, YamuxFrame.TYPE_DATA, 0, 1, PAYLOAD);
    dataFrame.writeZero(PAYLOAD);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    channel.finishAndReleaseAll();
    dataFrame.release();
    header.release();
  }

  private void drain() {
    for (Object m; (m = channel.readOutbound()) != null; ) {
      ((ByteBuf) m).release();
    }
  }

  @Benchmark
  public long encodeDecodeHeader() {
    header.clear();
    YamuxFrame.encodeHeader(header, YamuxFrame.TYPE_DATA, 0, 7, 65507);
    return YamuxFrame.decodeHeader(header).length();
  }

  @Benchmark
  public long receiveDataFrame() {
    channel.writeInbound(dataFrame.retainedDuplicate());
    drain();
    return received;
  }
}
