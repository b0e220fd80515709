package io.braid.transport.tcp.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.StreamRouter;
import io.braid.api.TransportContext;
import io.braid.api.TransportListener;
import io.braid.identity.Identity;
import io.braid.testkit.RecordingInboundHandler;
import io.braid.transport.tcp.LeakCheck;
import io.braid.transport.tcp.TcpTransport;
import io.braid.transport.tcp.internal.mss.MultistreamHandler;
import io.braid.transport.tcp.internal.noise.NoiseHandshakeHandler;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hostile Yamux frames sent over a real TCP connection, through the real upgrade (multistream-select,
 * Noise, multistream-select), by a client that speaks everything correctly up to the muxer and then
 * misbehaves. The listener must close that one connection and go on serving everybody else, with no
 * connection left behind. (The frame-level behaviour is tested in the yamux package; this proves the
 * whole stack holds together.)
 */
@ExtendWith(LeakCheck.class)
@DisplayName("hostile Yamux frames over real TCP")
class HostileYamuxOverTcpTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private TcpTransport server;
  private TcpTransport goodClient;
  private RecordingInboundHandler inbound;
  private Multiaddr address;
  private Identity serverIdentity;
  private EventLoopGroup group;

  @BeforeEach
  void listen() throws Exception {
    serverIdentity = Identity.generate();
    server = TcpTransport.builder(new TransportContext(serverIdentity, StreamRouter.refuseAll(), WAIT))
        .identifyOnConnect(false).build();
    inbound = new RecordingInboundHandler();
    TransportListener l = server.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"), inbound)
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    address = l.addresses().get(0);
    goodClient = TcpTransport.builder(new TransportContext(Identity.generate(), StreamRouter.refuseAll(), WAIT))
        .identifyOnConnect(false).build();
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  }

  @AfterEach
  void close() throws Exception {
    goodClient.close();
    server.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "bad version,                     010000010000000100000000",
      "unknown frame type,              0004000100000001000000000",
      "data beyond the 256 KiB window,  000000010000000100040001",
      "window credit overflowing 2^32-1,0001000100000001ffffffff",
      "a SYN on the server's own parity,000100010000000200000000",
      "a SYN on stream id 0,            000100010000000000000000",
      "a second SYN for a live stream,  000100010000000100000000000100010000000100000000",
      "a SYN reusing a finished id,     000100010000000300000000000100080000000300000000000100010000000300000000",
      "a SYN with a smaller id than the last,000100010000000500000000000100010000000300000000",
      "data beyond the window after a GoAway,000300000000000000000000000100010000000100000000000000000000000100040001",
  })
  void aHostileFrameClosesThatConnectionAndTheListenerKeepsServingOthers(String what, String frameHex)
      throws Exception {
    String hex = frameHex.strip();
    if (hex.length() % 2 == 1) {
      hex = hex.substring(0, hex.length() - 1);
    }
    Channel evil = upgradedClient();
    NetConn admitted = inbound.awaitConnection(WAIT);
    assertTrue(admitted.isOpen(), "the honest part of the upgrade is admitted");

    evil.writeAndFlush(Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex)));
    assertTrue(evil.closeFuture().await(WAIT.toMillis()), what + ": the server closes the connection");
    admitted.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertTrue(!admitted.isOpen(), what + ": the server's side of it is closed");

    NetConn good = goodClient.dial(address, serverIdentity.peerId()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertTrue(good.isOpen(), what + ": the listener still serves an honest peer");
    good.close();
    good.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertTrue(inbound.violations().isEmpty(), inbound.violations().toString());
    long open = server.connections().stream().filter(NetConn::isOpen).count();
    assertTrue(open <= 1, "no hostile connection left on the server: " + server.connections());
  }

  @org.junit.jupiter.api.Test
  void aZeroLengthFrameFloodPastTheBoundClosesThatConnectionOnly() throws Exception {
    Channel evil = upgradedClient();
    NetConn admitted = inbound.awaitConnection(WAIT);
    int bound = io.braid.transport.tcp.internal.yamux.YamuxConfig.defaults().maxEmptyFrames();
    ByteBuf flood = Unpooled.buffer();
    flood.writeBytes(HexFormat.of().parseHex("000100010000000100000000")); // SYN 1: a live stream
    for (int i = 0; i <= bound; i++) {
      flood.writeBytes(HexFormat.of().parseHex(i % 2 == 0 ? "000000000000000100000000" : "000100000000000100000000"));
    }
    evil.writeAndFlush(flood);
    assertTrue(evil.closeFuture().await(WAIT.toMillis()), "the server closes the flooding connection");
    admitted.closeFuture().handle((v, e) -> null).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertTrue(!admitted.isOpen());
    NetConn good = goodClient.dial(address, serverIdentity.peerId()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertTrue(good.isOpen(), "the listener still serves an honest peer");
    good.close();
    good.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(List.of(), inbound.violations());
  }

  @org.junit.jupiter.api.Test
  void inboundStreamsThatNeverNegotiateAreCappedAndFreedAtTheTimeout() throws Exception {
    Duration shortTimeout = Duration.ofMillis(500);
    Identity quickId = Identity.generate();
    TcpTransport quick = TcpTransport.builder(new TransportContext(quickId, StreamRouter.refuseAll(), shortTimeout))
        .identifyOnConnect(false).build();
    try {
      RecordingInboundHandler quickInbound = new RecordingInboundHandler();
      Multiaddr quickAddress = quick.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"), quickInbound)
          .get(WAIT.toSeconds(), TimeUnit.SECONDS).addresses().get(0);
      Channel evil = upgradedClient(quickId, quickAddress, null);
      NetConn conn = quickInbound.awaitConnection(WAIT);
      int cap = io.braid.transport.tcp.internal.yamux.YamuxConfig.defaults().maxInboundStreams();
      ByteBuf syns = Unpooled.buffer();
      for (int i = 0; i < cap + 50; i++) { // SYNs only: no stream ever proposes a protocol
        syns.writeBytes(HexFormat.of().parseHex(String.format("00010001%08x00000000", 2 * i + 1)));
      }
      evil.writeAndFlush(syns).sync();
      int peak = 0;
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (conn.streamCount() > 0 || peak == 0) {
        peak = Math.max(peak, conn.streamCount());
        assertTrue(System.nanoTime() < deadline, "streams still held: " + conn.streamCount());
        Thread.sleep(10);
      }
      assertTrue(peak > 0 && peak <= cap, "at most the inbound cap is held at once, saw " + peak);
      assertTrue(conn.isOpen(), "silent streams cost the peer its streams, not the connection");
      evil.close().sync();
    } finally {
      quick.close();
    }
  }

  @org.junit.jupiter.api.Test
  void aPeerThatNeverReadsOneStreamStallsOnlyThatStreamOverTcp() throws Exception {
    io.braid.testkit.TestStreamRouter router = new io.braid.testkit.TestStreamRouter();
    java.util.concurrent.CopyOnWriteArrayList<io.braid.api.NetStream> neverRead =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    router.register("/never-read/1.0.0", neverRead::add);
    router.register("/echo/1.0.0", io.braid.testkit.Streams.echo());
    Identity id = Identity.generate();
    TcpTransport reader = TcpTransport.builder(new TransportContext(id, router, WAIT))
        .identifyOnConnect(false).build();
    try {
      Multiaddr to = reader.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"), new RecordingInboundHandler())
          .get(WAIT.toSeconds(), TimeUnit.SECONDS).addresses().get(0);
      NetConn conn = goodClient.dial(to, id.peerId()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      io.braid.api.NetStream stalled = conn.newStream("/never-read/1.0.0").get(WAIT.toSeconds(), TimeUnit.SECONDS);
      byte[] big = io.braid.testkit.Streams.randomBytes(4 << 20, 1);
      CompletableFuture<Void> stalledWrite = io.braid.testkit.Streams.writeAll(stalled, big);
      for (int round = 0; round < 3; round++) {
        io.braid.api.NetStream echo = conn.newStream("/echo/1.0.0").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        byte[] payload = io.braid.testkit.Streams.randomBytes(1 << 20, 10 + round);
        byte[] back = io.braid.testkit.Streams.exchange(echo, payload, 2 << 20).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(io.braid.testkit.Streams.sha256(payload), io.braid.testkit.Streams.sha256(back),
            "round " + round + ": the echo stream carries every byte while the other stream is stuck");
      }
      assertTrue(!stalledWrite.isDone(), "4 MiB cannot pass a 256 KiB window nobody drains");
      assertTrue(conn.isOpen());
      neverRead.get(0).reset();
      Throwable failure = org.junit.jupiter.api.Assertions.assertThrows(
          java.util.concurrent.ExecutionException.class, () -> stalledWrite.get(WAIT.toSeconds(), TimeUnit.SECONDS))
          .getCause();
      assertTrue(io.braid.testkit.Streams.unwrap(failure) instanceof io.braid.api.StreamResetException,
          failure.toString());
      conn.close();
      conn.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } finally {
      reader.close();
    }
  }

  @org.junit.jupiter.api.Test
  void aPingFloodIsAnsweredWithinBoundsAndTheConnectionStaysUsable() throws Exception {
    Channel evil = upgradedClient();
    NetConn admitted = inbound.awaitConnection(WAIT);
    ByteBuf flood = Unpooled.buffer();
    for (int i = 0; i < 5000; i++) {
      flood.writeBytes(HexFormat.of().parseHex("00020001000000000000" + String.format("%04x", i & 0xffff)));
    }
    evil.writeAndFlush(flood).sync();
    NetConn good = goodClient.dial(address, serverIdentity.peerId()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertTrue(good.isOpen());
    assertTrue(admitted.isOpen(), "a ping flood is not a protocol error: the connection stays open");
    assertTrue(evil.isActive());
    good.close();
    evil.close().sync();
    assertEquals(List.of(), inbound.violations());
  }

  @org.junit.jupiter.api.Test
  void anOutboundStreamWhosePeerNeverAnswersTheNegotiationFailsAtTheTimeoutAndStopsCounting()
      throws Exception {
    Duration shortTimeout = Duration.ofMillis(500);
    Identity quickId = Identity.generate();
    TcpTransport quick = TcpTransport.builder(new TransportContext(quickId, StreamRouter.refuseAll(), shortTimeout))
        .identifyOnConnect(false).build();
    try {
      RecordingInboundHandler quickInbound = new RecordingInboundHandler();
      Multiaddr quickAddress = quick.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"), quickInbound)
          .get(WAIT.toSeconds(), TimeUnit.SECONDS).addresses().get(0);
      java.util.List<io.braid.transport.tcp.internal.yamux.MuxedStream> accepted =
          new java.util.concurrent.CopyOnWriteArrayList<>();
      Channel silent = upgradedClient(quickId, quickAddress, accepted::add);
      NetConn conn = quickInbound.awaitConnection(WAIT);

      Throwable failure = org.junit.jupiter.api.Assertions.assertThrows(
          java.util.concurrent.ExecutionException.class,
          () -> conn.newStream("/never/answered/1.0.0").get(WAIT.toSeconds(), TimeUnit.SECONDS)).getCause();
      assertTrue(failure instanceof io.braid.api.ConnectionTimeoutException, failure.toString());
      assertEquals(1, accepted.size(), "the silent peer did accept the stream");
      assertEquals(0, conn.streamCount(), "the timed-out stream stops counting");
      assertTrue(conn.isOpen(), "a silent stream is not a reason to drop the connection");
      silent.close().sync();
    } finally {
      quick.close();
    }
  }

  private Channel upgradedClient() throws Exception {
    return upgradedClient(serverIdentity, address, null);
  }

  /**
   * A client channel that has completed /noise, the Noise handshake and /yamux/1.0.0, then speaks raw
   * bytes, or real Yamux (accepting streams and never answering them) when given a listener.
   */
  private Channel upgradedClient(Identity remote, Multiaddr to,
      io.braid.transport.tcp.internal.yamux.MuxedStreamListener yamuxListener) throws Exception {
    Identity me = Identity.generate();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    MultistreamHandler security = MultistreamHandler.initiator(List.of(NoiseHandshakeHandler.PROTOCOL_ID), WAIT);
    Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast("mss", security);
            ch.pipeline().addLast("sink", new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg); // whatever the server says back is not our concern here
              }
            });
          }
        });
    InetSocketAddress target = new InetSocketAddress("127.0.0.1",
        Integer.parseInt(to.valueOf("tcp").orElseThrow()));
    Channel ch = b.connect(target).sync().channel();
    security.result().whenComplete((proto, err) -> {
      if (err != null) {
        ready.completeExceptionally(err);
        return;
      }
      NoiseHandshakeHandler noise = NoiseHandshakeHandler.initiator(me, remote.peerId(), WAIT);
      noise.handshakeFuture().whenComplete((result, e) -> {
        if (e != null) {
          ready.completeExceptionally(e);
          return;
        }
        // The inner multistream-select may write only once the handshake handler has left the pipeline.
        ch.eventLoop().execute(() -> {
          MultistreamHandler muxer = MultistreamHandler.initiator(List.of("/yamux/1.0.0"), WAIT);
          muxer.result().whenComplete((p, e2) -> {
            if (e2 != null) {
              ready.completeExceptionally(e2);
              return;
            }
            if (yamuxListener != null) { // speak real Yamux, but never answer a stream's negotiation
              ch.pipeline().addBefore("sink", "yamux", new io.braid.transport.tcp.internal.yamux.YamuxSession(
                  true, io.braid.transport.tcp.internal.yamux.YamuxConfig.defaults(), yamuxListener));
            }
            ready.complete(null);
          });
          ch.pipeline().addBefore("sink", "muxer-mss", muxer);
        });
      });
      ch.pipeline().addBefore("sink", "noise", noise);
    });
    ready.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    return ch;
  }
}
