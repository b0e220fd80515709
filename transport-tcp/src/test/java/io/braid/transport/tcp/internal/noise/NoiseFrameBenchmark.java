package io.braid.transport.tcp.internal.noise;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
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
 * One full Noise transport frame (65,519 plaintext bytes, a 12-byte Yamux header and its payload as the
 * Yamux session hands them over: a composite of the header and the caller's bytes) through {@link NoiseCodec}
 * on {@link EmbeddedChannel}s with the pooled allocator: {@code seal} encrypts it into the outbound
 * buffers, {@code sealAndOpen} also decrypts it at the other end. {@code harness} pushes an empty buffer
 * through the same channels: the allocation of the embedded channels themselves, to subtract from B/op.
 * Run as benchmarks/README.md shows, with {@code -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class NoiseFrameBenchmark {
  private static final int PAYLOAD = NoiseCodec.MAX_PLAINTEXT - 12;

  private EmbeddedChannel a;
  private EmbeddedChannel b;
  private EmbeddedChannel sealOnly;
  private final byte[] header = new byte[12];
  private final ByteBuffer payload = ByteBuffer.allocate(PAYLOAD);
  private long received;

  @Setup(Level.Trial)
  public void setUp() {
    HandshakeState.TransportCiphers[] pair = pair();
    HandshakeState.TransportCiphers[] other = pair();
    a = channel(new NoiseCodec(pair[0].sender(), pair[0].receiver()));
    b = channel(new NoiseCodec(pair[1].sender(), pair[1].receiver()));
    b.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        received += buf.readableBytes();
        buf.release();
      }
    });
    sealOnly = channel(new NoiseCodec(other[0].sender(), other[0].receiver()));
  }

  private static HandshakeState.TransportCiphers[] pair() {
    HandshakeState i = HandshakeState.initiator(new byte[0], NoiseKeyPair.generate());
    HandshakeState r = HandshakeState.responder(new byte[0], NoiseKeyPair.generate());
    r.readMessage(i.writeMessage(new byte[0]));
    i.readMessage(r.writeMessage(new byte[0]));
    r.readMessage(i.writeMessage(new byte[0]));
    return new HandshakeState.TransportCiphers[] {i.split(), r.split()};
  }

  private static EmbeddedChannel channel(NoiseCodec codec) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.config().setAllocator(PooledByteBufAllocator.DEFAULT);
    ch.pipeline().addLast(codec);
    return ch;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    a.finishAndReleaseAll();
    b.finishAndReleaseAll();
    sealOnly.finishAndReleaseAll();
  }

  private ByteBuf frame() {
    return Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(header), Unpooled.wrappedBuffer(payload.duplicate()));
  }

  @Benchmark
  public int seal() {
    sealOnly.writeOutbound(frame());
    int n = 0;
    for (ByteBuf piece; (piece = sealOnly.readOutbound()) != null; ) {
      n += piece.readableBytes();
      piece.release();
    }
    return n;
  }

  @Benchmark
  public long sealAndOpen() {
    a.writeOutbound(frame());
    for (ByteBuf piece; (piece = a.readOutbound()) != null; ) {
      b.writeInbound(piece);
    }
    return received;
  }

  @Benchmark
  public Object harness() {
    sealOnly.writeOutbound(Unpooled.EMPTY_BUFFER);
    return sealOnly.readOutbound();
  }
}
