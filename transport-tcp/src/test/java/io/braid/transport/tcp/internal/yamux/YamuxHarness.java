package io.braid.transport.tcp.internal.yamux;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.braid.transport.tcp.internal.TrackingAllocator;
import io.braid.transport.tcp.internal.yamux.YamuxFrame.Header;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Two sessions on EmbeddedChannels (frozen time), bytes pumped between them by hand. */
final class YamuxHarness {

  static final YamuxConfig NO_KEEPALIVE =
      YamuxConfig.defaults().withKeepAlive(Duration.ZERO, Duration.ofSeconds(10));

  final TrackingAllocator alloc = new TrackingAllocator();
  final EmbeddedChannel clientCh;
  final EmbeddedChannel serverCh;
  final YamuxSession client;
  final YamuxSession server;
  final ArrayDeque<MuxedStream> clientAccepted = new ArrayDeque<>();
  final ArrayDeque<MuxedStream> serverAccepted = new ArrayDeque<>();
  /** Headers of the frames that went client to server / server to client, in order. */
  final List<Header> toServer = new ArrayList<>();
  final List<Header> toClient = new ArrayList<>();

  YamuxHarness() {
    this(NO_KEEPALIVE, NO_KEEPALIVE);
  }

  YamuxHarness(YamuxConfig clientConfig, YamuxConfig serverConfig) {
    client = new YamuxSession(true, clientConfig, clientAccepted::add);
    server = new YamuxSession(false, serverConfig, serverAccepted::add);
    clientCh = channel(alloc, client);
    serverCh = channel(alloc, server);
  }

  static EmbeddedChannel channel(TrackingAllocator alloc, YamuxSession session) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.config().setAllocator(alloc);
    ch.freezeTime();
    ch.pipeline().addLast(session);
    return ch;
  }

  /** Moves frames both ways until both sides are quiet. */
  void pump() {
    for (int i = 0; i < 1_000_000; i++) {
      boolean moved = move(clientCh, serverCh, toServer);
      moved |= move(serverCh, clientCh, toClient);
      if (!moved) {
        return;
      }
    }
    fail("pump did not settle");
  }

  /** Moves what the client wrote to the server only. */
  void pumpToServer() {
    move(clientCh, serverCh, toServer);
  }

  void pumpToClient() {
    move(serverCh, clientCh, toClient);
  }

  private static boolean move(EmbeddedChannel from, EmbeddedChannel to, List<Header> tap) {
    boolean moved = false;
    Object m;
    while ((m = from.readOutbound()) != null) {
      moved = true;
      ByteBuf b = (ByteBuf) m;
      Header h = YamuxFrame.decodeHeader(b.duplicate());
      if (h != null) {
        tap.add(h);
      }
      if (to.isOpen()) {
        to.writeInbound(b);
      } else {
        ReferenceCountUtil.release(b);
      }
    }
    return moved;
  }

  MuxedStream open() {
    CompletableFuture<MuxedStream> f = client.openStream();
    pump();
    assertTrue(f.isDone(), "open did not complete");
    return f.join();
  }

  /** Closes both channels, drops what is left, checks nothing escaped the handlers and nothing leaked. */
  void finish() {
    clientCh.checkException();
    serverCh.checkException();
    clientCh.finishAndReleaseAll();
    serverCh.finishAndReleaseAll();
    alloc.assertAllReleased();
  }

  static ByteBuffer bytes(int n, int seed) {
    byte[] b = new byte[n];
    long x = seed * 0x9E3779B97F4A7C15L + 1;
    for (int i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      b[i] = (byte) x;
    }
    return ByteBuffer.wrap(b);
  }

  /** Reads until EOF (all completions happen inline on the embedded loop), into {@code sink}. */
  static CompletableFuture<Void> readAll(MuxedStream s, ByteArrayOutputStream sink) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    readNext(s, sink, done);
    return done;
  }

  private static void readNext(MuxedStream s, ByteArrayOutputStream sink, CompletableFuture<Void> done) {
    // Loop while reads complete inline; recurse only from a later completion (bounded stack).
    while (true) {
      CompletableFuture<ByteBuffer> f = s.read();
      if (!f.isDone()) {
        f.whenComplete((b, e) -> {
          if (e != null) {
            done.completeExceptionally(e);
          } else if (!b.hasRemaining()) {
            done.complete(null);
          } else {
            append(sink, b);
            readNext(s, sink, done);
          }
        });
        return;
      }
      if (f.isCompletedExceptionally()) {
        f.whenComplete((b, e) -> done.completeExceptionally(e));
        return;
      }
      ByteBuffer b = f.join();
      if (!b.hasRemaining()) {
        done.complete(null);
        return;
      }
      append(sink, b);
    }
  }

  private static void append(ByteArrayOutputStream sink, ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.get(a);
    sink.writeBytes(a);
  }
}
