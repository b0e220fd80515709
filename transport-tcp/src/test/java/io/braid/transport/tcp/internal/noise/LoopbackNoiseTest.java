package io.braid.transport.tcp.internal.noise;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.braid.identity.Identity;
import io.braid.identity.KeyType;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The handshake and codec over a real loopback TCP connection, on Netty's event loops. The dialer adds its
 * handler before the channel is active, so message 1 goes out from {@code channelActive}.
 */
class LoopbackNoiseTest {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

  @AfterEach
  void shutDown() {
    group.shutdownGracefully(0, 1, SECONDS).syncUninterruptibly();
  }

  /** Echoes every decrypted buffer back (the write passes ownership on to the codec). */
  private static final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.writeAndFlush(msg);
    }
  }

  /** Collects bytes until {@code expected} arrived. */
  private static final class Collector extends ChannelInboundHandlerAdapter {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final CompletableFuture<byte[]> done = new CompletableFuture<>();
    final int expected;

    Collector(int expected) {
      this.expected = expected;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        byte[] b = new byte[buf.readableBytes()];
        buf.readBytes(b);
        bytes.writeBytes(b);
      } finally {
        buf.release();
      }
      if (bytes.size() >= expected) {
        done.complete(bytes.toByteArray());
      }
    }
  }

  @Test
  void aDialerAndAListenerAuthenticateEachOtherAndEchoQuarterOfAMebibyte() throws Exception {
    Identity server = Identity.generate(KeyType.SECP256K1);
    Identity client = Identity.generate();
    CompletableFuture<NoiseHandshakeResult> atServer = new CompletableFuture<>();
    Channel listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            NoiseHandshakeHandler h = NoiseHandshakeHandler.responder(server, Duration.ofSeconds(5));
            h.handshakeFuture().whenComplete((r, t) -> {
              if (t != null) {
                atServer.completeExceptionally(t);
              } else {
                atServer.complete(r);
              }
            });
            ch.pipeline().addLast(h, new Echo());
          }
        })
        .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    try {
      byte[] data = new byte[256 * 1024];
      new Random(4).nextBytes(data);
      Collector collector = new Collector(data.length);
      NoiseHandshakeHandler initiator = NoiseHandshakeHandler.initiator(client, server.peerId(), Duration.ofSeconds(5));
      Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
              c.pipeline().addLast(initiator, collector);
            }
          })
          .connect(listener.localAddress()).sync().channel();
      try {
        assertEquals(server.peerId(), initiator.handshakeFuture().get(5, SECONDS).remotePeerId());
        assertEquals(client.peerId(), atServer.get(5, SECONDS).remotePeerId());
        ch.writeAndFlush(Unpooled.wrappedBuffer(data)).sync();
        assertArrayEquals(data, collector.done.get(5, SECONDS));
      } finally {
        ch.close().sync();
      }
    } finally {
      listener.close().sync();
    }
  }
}
