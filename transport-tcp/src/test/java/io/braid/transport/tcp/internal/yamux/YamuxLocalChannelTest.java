package io.braid.transport.tcp.internal.yamux;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.braid.api.ConnectionClosedException;
import io.braid.transport.tcp.internal.TrackingAllocator;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two sessions on real event-loop threads (in-JVM local channels): the API is used from the test thread. */
class YamuxLocalChannelTest {

  private final TrackingAllocator alloc = new TrackingAllocator();
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, LocalIoHandler.newFactory());
  private final LinkedBlockingQueue<MuxedStream> serverAccepted = new LinkedBlockingQueue<>();
  private final CompletableFuture<YamuxSession> serverSession = new CompletableFuture<>();
  private Channel serverChannel;
  private Channel clientChannel;
  private YamuxSession client;

  private void connect() throws Exception {
    LocalAddress address = new LocalAddress("yamux-" + System.nanoTime());
    serverChannel = new ServerBootstrap().group(group).channel(LocalServerChannel.class)
        .childOption(ChannelOption.ALLOCATOR, alloc)
        .childHandler(new ChannelInitializer<LocalChannel>() {
          @Override
          protected void initChannel(LocalChannel ch) {
            YamuxSession s = new YamuxSession(false, YamuxConfig.defaults(), serverAccepted::add);
            ch.pipeline().addLast(s);
            serverSession.complete(s);
          }
        }).bind(address).sync().channel();
    client = new YamuxSession(true, YamuxConfig.defaults(), s -> s.reset());
    clientChannel = new Bootstrap().group(group).channel(LocalChannel.class)
        .option(ChannelOption.ALLOCATOR, alloc)
        .handler(client).connect(address).sync().channel();
  }

  @AfterEach
  void shutDown() throws Exception {
    if (clientChannel != null) {
      clientChannel.close().sync();
    }
    if (serverChannel != null) {
      serverChannel.close().sync();
    }
    group.shutdownGracefully(0, 1, SECONDS).get(5, SECONDS);
    alloc.assertAllReleased();
  }

  @Test
  void streamsEchoFourMebibytesEachAcrossEventLoopThreads() throws Exception {
    connect();
    int streams = 4;
    int size = 4 << 20;
    List<CompletableFuture<Void>> echoes = new ArrayList<>();
    List<ByteArrayOutputStream> sinks = new ArrayList<>();
    List<CompletableFuture<Void>> done = new ArrayList<>();
    List<CompletableFuture<Void>> closed = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      MuxedStream c = client.openStream().get(5, SECONDS);
      MuxedStream s = serverAccepted.poll(5, SECONDS);
      echoes.add(echo(s));
      closed.add(c.closeFuture());
      closed.add(s.closeFuture());
      ByteArrayOutputStream sink = new ByteArrayOutputStream();
      sinks.add(sink);
      done.add(YamuxHarness.readAll(c, sink));
      ByteBuffer data = YamuxHarness.bytes(size, i);
      CompletableFuture<Void> w = c.write(data);
      assertEquals(0, data.remaining(), "write consumed the buffer before returning");
      w.thenCompose(v -> c.closeWrite());
    }
    for (int i = 0; i < streams; i++) {
      done.get(i).get(20, SECONDS);
      echoes.get(i).get(5, SECONDS);
      assertArrayEquals(YamuxHarness.bytes(size, i).array(), sinks.get(i).toByteArray());
    }
    for (CompletableFuture<Void> f : closed) {
      f.get(5, SECONDS); // orderly: FIN both ways
    }
    assertEquals(0, client.streamCount(), "streams stop counting before their close future completes");
    assertEquals(0, serverSession.get(5, SECONDS).streamCount());
  }

  @Test
  void closingTheClientFailsItsStreamsAndClosesTheServerSession() throws Exception {
    connect();
    MuxedStream c = client.openStream().get(5, SECONDS);
    MuxedStream s = serverAccepted.poll(5, SECONDS);
    CompletableFuture<ByteBuffer> pending = s.read();
    client.close();
    client.closeFuture().get(5, SECONDS);
    ExecutionException e = assertThrows(ExecutionException.class, () -> c.read().get(5, SECONDS));
    assertInstanceOf(ConnectionClosedException.class, e.getCause());
    serverSession.get(5, SECONDS).closeFuture().get(5, SECONDS);
    e = assertThrows(ExecutionException.class, () -> pending.get(5, SECONDS));
    assertInstanceOf(ConnectionClosedException.class, e.getCause());
  }

  /** Writes back everything read, waiting for each write (backpressure), then closes the write side. */
  private static CompletableFuture<Void> echo(MuxedStream s) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    echoNext(s, done);
    return done;
  }

  private static void echoNext(MuxedStream s, CompletableFuture<Void> done) {
    s.read().thenCompose(b -> {
      if (!b.hasRemaining()) {
        return s.closeWrite().thenApply(v -> false);
      }
      return s.write(b).thenApply(v -> true);
    }).whenComplete((more, e) -> {
      if (e != null) {
        done.completeExceptionally(e);
      } else if (more) {
        echoNext(s, done);
      } else {
        done.complete(null);
      }
    });
  }
}
