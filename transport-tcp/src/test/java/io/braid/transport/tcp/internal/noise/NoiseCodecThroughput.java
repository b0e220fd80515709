package io.braid.transport.tcp.internal.noise;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Random;

/**
 * A rough, JMH-free figure for NoiseCodec: encrypt at one channel, decrypt at the other, 64 KiB per write.
 * Not a test; run by hand with {@code java -cp <test classpath> ...NoiseCodecThroughput [seconds] [heap]}.
 */
public final class NoiseCodecThroughput {
  private NoiseCodecThroughput() {}

  public static void main(String[] args) {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    // "heap" compares heap buffers with the pooled (direct) default.
    boolean heap = args.length > 1 && args[1].equals("heap");
    ByteBufAllocator allocator = heap ? new PooledByteBufAllocator(false) : PooledByteBufAllocator.DEFAULT;
    HandshakeState i = HandshakeState.initiator(new byte[0], NoiseKeyPair.generate());
    HandshakeState r = HandshakeState.responder(new byte[0], NoiseKeyPair.generate());
    r.readMessage(i.writeMessage(new byte[0]));
    i.readMessage(r.writeMessage(new byte[0]));
    r.readMessage(i.writeMessage(new byte[0]));
    HandshakeState.TransportCiphers ic = i.split();
    HandshakeState.TransportCiphers rc = r.split();
    long[] received = new long[1];
    EmbeddedChannel a = new EmbeddedChannel();
    a.config().setAllocator(allocator);
    a.pipeline().addLast(new NoiseCodec(ic.sender(), ic.receiver()));
    EmbeddedChannel b = new EmbeddedChannel();
    b.config().setAllocator(allocator);
    b.pipeline().addLast(new NoiseCodec(rc.sender(), rc.receiver()), new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        received[0] += buf.readableBytes();
        buf.release();
      }
    });
    byte[] payload = new byte[64 * 1024];
    new Random(1).nextBytes(payload);

    run(a, b, payload, 2.0); // warm-up
    received[0] = 0;
    long start = System.nanoTime();
    long n = run(a, b, payload, seconds);
    double elapsed = (System.nanoTime() - start) / 1e9;
    if (received[0] != n * payload.length) {
      throw new AssertionError("received " + received[0] + " bytes, expected " + n * payload.length);
    }
    System.out.printf("java %s, %s buffers: %d x 64 KiB encrypt+decrypt in %.2f s: %.1f us per 64 KiB, %.0f MiB/s%n",
        Runtime.version(), heap ? "heap" : "direct", n, elapsed, elapsed * 1e6 / n, n * 64.0 / 1024 / elapsed);
    a.finishAndReleaseAll();
    b.finishAndReleaseAll();
  }

  private static long run(EmbeddedChannel a, EmbeddedChannel b, byte[] payload, double seconds) {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    long n = 0;
    while (System.nanoTime() < deadline) {
      for (int k = 0; k < 64; k++, n++) {
        ByteBuf out = a.alloc().buffer(payload.length).writeBytes(payload);
        a.writeOutbound(out);
        Object wire;
        while ((wire = a.readOutbound()) != null) {
          b.writeInbound(wire);
        }
      }
    }
    return n;
  }
}
