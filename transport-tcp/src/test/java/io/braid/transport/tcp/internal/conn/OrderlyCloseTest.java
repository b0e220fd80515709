package io.braid.transport.tcp.internal.conn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.transport.tcp.LeakCheck;
import io.braid.transport.tcp.internal.yamux.YamuxSession;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The orderly close over real sockets (loopback, port 0), against a plain {@link Socket} peer whose small
 * receive buffer and late reading keep most of what the server wrote queued on the server when it closes.
 */
@ExtendWith(LeakCheck.class)
class OrderlyCloseTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int SIZE = 16 << 20; // more than the kernel buffers on both sides take

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  /** The server's channel, once {@code onActive} has run (it has written and asked to close). */
  private final CompletableFuture<Channel> served = new CompletableFuture<>();

  @AfterEach
  void stop() throws Exception {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(WAIT.toMillis());
  }

  /** A server whose channels start with the orderly close and run {@code onActive} when connected. */
  private int serve(boolean autoRead, Consumer<ChannelHandlerContext> onActive) throws InterruptedException {
    ChannelFuture bound = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.AUTO_READ, autoRead)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(OrderlyClose.INSTANCE, new ChannelInboundHandlerAdapter() {
              @Override
              public void channelActive(ChannelHandlerContext ctx) {
                onActive.accept(ctx);
                served.complete(ctx.channel());
              }
            });
          }
        }).bind(InetAddress.getLoopbackAddress(), 0).sync();
    return ((InetSocketAddress) bound.channel().localAddress()).getPort();
  }

  private static byte[] payload() {
    byte[] b = new byte[SIZE];
    new SplittableRandom(7).nextBytes(b);
    return b;
  }

  /** Writes everything, asks for an orderly close and closes at once, as a Yamux session's close does. */
  private static Consumer<ChannelHandlerContext> writeThenClose(byte[] data, Duration bound) {
    return ctx -> {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(data));
      ctx.channel().attr(YamuxSession.ORDERLY_CLOSE).set(bound);
      ctx.close();
    };
  }

  private static Socket slowReader(int port) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(4096);
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) WAIT.toMillis());
    s.setSoTimeout((int) WAIT.toMillis());
    return s;
  }

  private static byte[] readToEnd(Socket s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = s.getInputStream();
    byte[] buf = new byte[64 << 10];
    for (int n; (n = in.read(buf)) >= 0; ) {
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  @Test
  void whatWasWrittenBeforeTheCloseReachesAPeerThatReadsLate() throws Exception {
    byte[] data = payload();
    int port = serve(true, writeThenClose(data, WAIT));
    try (Socket s = slowReader(port)) {
      Channel server = served.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      // The server has closed; most of the data still waits on its side, as the peer has read nothing yet.
      assertTrue(server.isOpen(), "the server's channel waits for its data to go out");
      assertArrayEquals(data, readToEnd(s), "every byte, then the end of the stream");
      // Our end: the server's channel closes once it sees it.
      s.close();
      assertTrue(server.closeFuture().await(WAIT.toMillis()), "closed after the peer's end");
    }
  }

  @Test
  void aSecondCloseWhileTheOrderlyOneRunsWaitsForIt() throws Exception {
    byte[] data = payload();
    // As a transport's close does: the connection closes in order, then every channel is closed.
    int port = serve(true, writeThenClose(data, WAIT).andThen(ctx -> ctx.channel().close()));
    try (Socket s = slowReader(port)) {
      served.get(WAIT.toMillis(), TimeUnit.MILLISECONDS); // both closes were asked for before we read
      assertArrayEquals(data, readToEnd(s), "every byte, then the end of the stream");
    }
  }

  @Test
  void bytesTheServerNeverReadDoNotTurnTheCloseIntoAReset() throws Exception {
    byte[] data = payload();
    // AUTO_READ off: what the peer sends stays unread in the server's socket, which at a plain close makes
    // the kernel send a reset (and drop what it had not sent yet).
    int port = serve(false, writeThenClose(data, Duration.ofMillis(500)));
    try (Socket s = slowReader(port)) {
      s.getOutputStream().write(new byte[1000]);
      s.getOutputStream().flush();
      served.get(WAIT.toMillis(), TimeUnit.MILLISECONDS); // the close was asked for before we read
      assertArrayEquals(data, readToEnd(s), "every byte, then the end of the stream, no reset");
    }
  }

  @Test
  void aPeerThatNeitherReadsNorClosesHoldsTheChannelOnlyForTheBound() throws Exception {
    Duration bound = Duration.ofMillis(300);
    long[] closeAsked = new long[1];
    Consumer<ChannelHandlerContext> close = writeThenClose(payload(), bound);
    int port = serve(true, ctx -> {
      closeAsked[0] = System.nanoTime();
      close.accept(ctx);
    });
    try (Socket s = slowReader(port)) {
      Channel server = served.get(WAIT.toMillis(), TimeUnit.MILLISECONDS); // also publishes closeAsked
      assertTrue(server.closeFuture().await(WAIT.toMillis()), "closed at the bound");
      // Measured from the server's own close call: the wait can only look longer than it was, never shorter.
      long tookMs = (System.nanoTime() - closeAsked[0]) / 1_000_000;
      assertTrue(tookMs >= bound.toMillis(), "closed after " + tookMs + " ms, before the bound");
    }
  }

  @Test
  void aCloseWithoutTheRequestIsImmediate() throws Exception {
    CompletableFuture<Boolean> openAfterClose = new CompletableFuture<>();
    int port = serve(true, ctx -> {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(payload()));
      ctx.close();
      openAfterClose.complete(ctx.channel().isOpen());
    });
    try (Socket s = slowReader(port)) {
      assertFalse(openAfterClose.get(WAIT.toMillis(), TimeUnit.MILLISECONDS), "closed within the call");
      Channel server = served.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertEquals(null, server.attr(YamuxSession.ORDERLY_CLOSE).get());
    }
  }
}
