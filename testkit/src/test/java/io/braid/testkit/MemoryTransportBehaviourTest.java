package io.braid.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.CloseReason;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.NetworkClosedException;
import io.braid.api.StreamRouter;
import io.braid.api.Transport;
import io.braid.api.TransportContext;
import io.braid.api.TransportException;
import io.braid.api.TransportListener;
import io.braid.api.TransportProvider;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the in-memory transport promises beyond the transport contract. */
class MemoryTransportBehaviourTest {
  private final FakeClockNodes nodes = new FakeClockNodes(4096);
  private final MemoryTransport server = nodes.server;
  private final MemoryTransport client = nodes.client;
  private final BlockingHoldQueue held = new BlockingHoldQueue();

  @AfterEach
  void close() {
    nodes.close();
    assertEquals(0, nodes.clock.pendingTaskCount(), "timers left: " + nodes.clock.pendingTasks());
  }

  /** The value of {@code f} once the due tasks ran; fails instead of blocking if it is not complete. */
  private <T> T done(CompletableFuture<T> f) {
    nodes.run();
    assertTrue(f.isDone(), "not complete after running every due task: " + f);
    return f.join();
  }

  private Throwable failure(CompletableFuture<?> f) {
    nodes.run();
    assertTrue(f.isDone(), "not complete after running every due task: " + f);
    return assertThrows(CompletionException.class, f::join).getCause();
  }

  private NetStream[] openHeld(NetConn conn) {
    CompletableFuture<NetStream> f = conn.newStream("/hold");
    nodes.run();
    return new NetStream[] {done(f), held.streams.get(held.streams.size() - 1)};
  }

  static final class BlockingHoldQueue implements io.braid.api.StreamHandler {
    final List<NetStream> streams = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public synchronized void handle(NetStream stream) {
      streams.add(stream);
    }

    java.util.Optional<io.braid.api.StreamHandler> handleOptional(String protocol) {
      return java.util.Optional.of(this);
    }
  }

  @Test
  void itSupportsMemoryAddressesWithAnOptionalPeerIdAndNothingElse() {
    String peer = nodes.serverId.peerId().toString();
    assertTrue(client.supports(Multiaddr.fromString("/memory/5")));
    assertTrue(client.supports(Multiaddr.fromString("/memory/5/p2p/" + peer)));
    assertFalse(client.supports(Multiaddr.fromString("/ip4/127.0.0.1/tcp/1")));
    assertFalse(client.supports(Multiaddr.fromString("/p2p/" + peer)));
    assertFalse(client.supports(Multiaddr.fromString("/memory/5/tcp/1")));
    assertFalse(client.supports(null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> client.dial(Multiaddr.fromString("/ip4/127.0.0.1/tcp/1"), nodes.serverId.peerId()));
    assertTrue(e.getMessage().contains("/memory/<n>"), e.getMessage());
  }

  @Test
  void anAddressThatNamesAnotherPeerIsRejected() {
    Multiaddr other = Multiaddr.fromString("/memory/7/p2p/" + TestIdentity.fromSeed(5).peerId());
    assertThrows(IllegalArgumentException.class, () -> client.dial(other, nodes.serverId.peerId()));
    assertThrows(IllegalArgumentException.class, () -> server.listen(other, new RecordingInboundHandler()));
  }

  @Test
  void listeningOnAnExplicitIdBindsItAndASecondListenerOnItFails() {
    Multiaddr addr = Multiaddr.fromString("/memory/424242");
    CompletableFuture<TransportListener> first = server.listen(addr, new RecordingInboundHandler());
    CompletableFuture<TransportListener> second = client.listen(addr, new RecordingInboundHandler());
    nodes.run();
    assertEquals(List.of(addr), done(first).addresses());
    TransportException e = assertInstanceOf(TransportException.class, failure(second));
    assertTrue(e.getMessage().contains("already in use"), e.getMessage());
    assertEquals(List.of(addr), nodes.network.listenAddresses());

    done(first).close();
    CompletableFuture<TransportListener> third = client.listen(addr, new RecordingInboundHandler());
    nodes.run();
    assertEquals(List.of(addr), done(third).addresses(), "a closed listener frees its id");
  }

  @Test
  void listeningWithTheOwnPeerIdSuffixIsAllowed() {
    Multiaddr addr = Multiaddr.fromString("/memory/0/p2p/" + nodes.serverId.peerId());
    CompletableFuture<TransportListener> l = server.listen(addr, new RecordingInboundHandler());
    nodes.run();
    assertEquals(1, done(l).addresses().size());
  }

  @Test
  void transportsOnDifferentNetworksCannotReachEachOther() {
    TransportListener l = nodes.listen(new RecordingInboundHandler());
    MemoryTransport stranger = MemoryTransport.builder(new MemoryNetwork())
        .context(new TransportContext(TestIdentity.fromSeed(9), StreamRouter.refuseAll(), Duration.ofSeconds(1)))
        .executor(nodes.clock.scheduler()).build();
    try {
      CompletableFuture<NetConn> d = stranger.dial(l.addresses().get(0), nodes.serverId.peerId());
      nodes.run();
      assertInstanceOf(TransportException.class, failure(d));
    } finally {
      stranger.close();
    }
  }

  @Test
  void theMemoryProviderIsFoundThroughServiceLoaderAndUsesTheGlobalNetwork() {
    List<TransportProvider> found = new ArrayList<>();
    ServiceLoader.load(TransportProvider.class).forEach(found::add);
    TransportProvider memory = found.stream().filter(p -> p.name().equals("memory")).findFirst().orElseThrow();
    assertTrue(memory.isAvailable());

    TestIdentity id = TestIdentity.random();
    Transport t = memory.create(new TransportContext(id, StreamRouter.refuseAll(), Duration.ofSeconds(1)));
    try {
      MemoryTransport m = assertInstanceOf(MemoryTransport.class, t);
      assertEquals(MemoryNetwork.global(), m.network());
      assertEquals(id.peerId(), m.localPeer());
    } finally {
      t.close();
    }
  }

  @Test
  void theBuilderChecksItsInputAtOnce() {
    MemoryTransport.Builder b = MemoryTransport.builder(new MemoryNetwork());
    IllegalArgumentException w = assertThrows(IllegalArgumentException.class, () -> b.window(0));
    assertEquals("window must be >= 1 byte, was 0", w.getMessage());
    assertThrows(IllegalArgumentException.class, () -> b.maxStreamsPerConnection(-1));
    assertThrows(NullPointerException.class, () -> b.executor(null));
    IllegalStateException s = assertThrows(IllegalStateException.class, b::build);
    assertTrue(s.getMessage().contains("context"), s.getMessage());
    assertThrows(NullPointerException.class, () -> MemoryTransport.builder(null));
  }

  @Test
  void aNonReadingPeerStopsTheWriterAtExactlyItsWindowAndEachReadLetsMoreIn() {
    nodes.serverRouter.register("/hold", held);
    NetConn[] c = nodes.connect(new RecordingInboundHandler());
    NetStream[] s = openHeld(c[0]);
    byte[] chunk = Streams.randomBytes(1024, 1);

    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      writes.add(s[0].write(ByteBuffer.wrap(chunk)));
    }
    nodes.run();
    for (int i = 0; i < 4; i++) {
      assertTrue(writes.get(i).isDone(), "write " + i + " fits in the 4096-byte window");
    }
    assertFalse(writes.get(4).isDone(), "the fifth KiB does not fit");
    assertEquals(4096, ((MemoryStream) s[1]).bufferedBytes());

    CompletableFuture<ByteBuffer> r = s[1].read();
    nodes.run();
    assertEquals(1024, done(r).remaining());
    assertTrue(writes.get(4).isDone(), "a read frees room for the next write");
    assertFalse(writes.get(5).isDone());
    assertEquals(4096, ((MemoryStream) s[1]).bufferedBytes());
  }

  @Test
  void aWriteLargerThanTheWindowCompletesWhenItsLastByteFits() {
    nodes.serverRouter.register("/hold", held);
    NetConn[] c = nodes.connect(new RecordingInboundHandler());
    NetStream[] s = openHeld(c[0]);
    byte[] big = Streams.randomBytes(10_000, 2);
    ByteBuffer buf = ByteBuffer.wrap(big);
    CompletableFuture<Void> w = s[0].write(buf);
    nodes.run();
    assertFalse(w.isDone());
    assertEquals(4096, buf.position(), "the stream consumes what it moved, no more");

    CompletableFuture<byte[]> all = Streams.readFully(s[1], big.length);
    s[0].closeWrite();
    nodes.run();
    assertTrue(w.isDone());
    assertEquals(big.length, buf.position());
    assertArrayEquals(big, done(all));
  }

  @Test
  void readsReturnReadOnlyNonEmptyChunksOfAtMost64KiB() {
    MemoryTransport wide = MemoryTransport.builder(nodes.network)
        .context(new TransportContext(TestIdentity.fromSeed(11), held::handleOptional, Duration.ofSeconds(1)))
        .executor(nodes.clock.scheduler()).scheduler(nodes.clock.scheduler()).window(1 << 20).build();
    try {
      CompletableFuture<TransportListener> l = wide.listen(Multiaddr.fromString("/memory/0"),
          new RecordingInboundHandler());
      nodes.run();
      CompletableFuture<NetConn> d = client.dial(done(l).addresses().get(0), wide.localPeer());
      nodes.run();
      CompletableFuture<NetStream> f = done(d).newStream("/any");
      nodes.run();
      NetStream out = done(f);
      NetStream in = held.streams.get(0);
      out.write(ByteBuffer.wrap(new byte[200_000]));
      nodes.run();
      ByteBuffer b = done(in.read());
      assertEquals(64 * 1024, b.remaining());
      assertTrue(b.isReadOnly());
      assertThrows(ReadOnlyBufferException.class, () -> b.put(0, (byte) 1));
    } finally {
      wide.close();
    }
  }

  @Test
  void futuresCompleteOnTheInjectedExecutorNeverOnTheCallingThread() {
    nodes.serverRouter.register("/hold", held);
    NetConn[] c = nodes.connect(new RecordingInboundHandler());
    CompletableFuture<NetStream> f = c[0].newStream("/hold");
    assertFalse(f.isDone());
    assertTrue(held.streams.isEmpty(), "the handler has not run yet");
    nodes.run();
    NetStream s = done(f);
    CompletableFuture<Void> w = s.write(ByteBuffer.wrap(new byte[10]));
    CompletableFuture<ByteBuffer> r = held.streams.get(0).read();
    assertFalse(w.isDone(), "even a write that fits completes on the executor");
    assertFalse(r.isDone());
    nodes.run();
    assertTrue(w.isDone());
    assertEquals(10, done(r).remaining());
  }

  @Test
  void closeDropsWhatTheRemoteStillSendsAndItsWritesStillSucceed() {
    nodes.serverRouter.register("/hold", held);
    NetConn[] c = nodes.connect(new RecordingInboundHandler());
    NetStream[] s = openHeld(c[0]);
    CompletableFuture<Void> stuck = s[1].write(ByteBuffer.wrap(new byte[MemoryTransport.DEFAULT_WINDOW + 1]));
    nodes.run();
    assertFalse(stuck.isDone(), "the client's window is full");

    s[0].close();
    nodes.run();
    assertTrue(stuck.isDone(), "close() drops the rest, releasing the writer");
    assertEquals(0, done(s[0].read()).remaining(), "reads after close() see end of stream");
    assertEquals(0, done(s[1].read()).remaining(), "the remote reads end of stream");
    assertTrue(s[0].isOpen(), "the remote has not closed its side yet");
    s[1].closeWrite();
    nodes.run();
    assertFalse(s[0].isOpen());
    assertEquals(0, c[0].streamCount());
  }

  @Test
  void bytesReceivedBeforeBothSidesClosedStayReadable() {
    nodes.serverRouter.register("/hold", held);
    NetConn[] c = nodes.connect(new RecordingInboundHandler());
    NetStream[] s = openHeld(c[0]);
    Streams.writeAllAndClose(s[1], new byte[] {1, 2, 3});
    s[0].closeWrite();
    nodes.run();
    assertFalse(s[0].isOpen());
    assertEquals(0, c[0].streamCount());
    assertTrue(s[0].closeFuture().isDone());
    assertArrayEquals(new byte[] {1, 2, 3}, done(Streams.readFully(s[0], 3)));
    s[0].reset();
    nodes.run();
    assertFalse(s[0].closeFuture().isCompletedExceptionally(), "a reset after the end changes nothing");
  }

  @Test
  void cancellingAPendingReadFreesTheReadSlot() {
    nodes.serverRouter.register("/hold", held);
    NetConn[] c = nodes.connect(new RecordingInboundHandler());
    NetStream[] s = openHeld(c[0]);
    CompletableFuture<ByteBuffer> r = s[0].read();
    assertThrows(IllegalStateException.class, s[0]::read);
    r.cancel(true);
    CompletableFuture<ByteBuffer> again = s[0].read();
    s[1].write(ByteBuffer.wrap(new byte[] {7}));
    nodes.run();
    assertEquals(7, done(again).get());
  }

  @Test
  void cancellingNewStreamResetsTheStream() {
    nodes.serverRouter.register("/hold", held);
    NetConn[] c = nodes.connect(new RecordingInboundHandler());
    CompletableFuture<NetStream> f = c[0].newStream("/hold");
    assertEquals(1, c[0].streamCount());
    f.cancel(true);
    assertEquals(0, c[0].streamCount());
    assertEquals(0, c[1].streamCount());
    nodes.run();
    assertTrue(held.streams.isEmpty(), "the handler never sees a cancelled stream");
  }

  @Test
  void cancellingADialAfterItsHandshakeClosesTheConnectionOnBothSides() {
    RecordingInboundHandler handler = new RecordingInboundHandler();
    TransportListener l = nodes.listen(handler);
    CompletableFuture<NetConn> d = nodes.dial(l);
    // Run the admission and handshake, but cancel before the dial future completes.
    nodes.clock.scheduler().execute(() -> d.cancel(true));
    nodes.run();
    assertTrue(d.isCancelled());
    handler.awaitSettled(Duration.ZERO);
    for (NetConn in : handler.connections()) {
      assertFalse(in.isOpen());
      assertEquals(CloseReason.Kind.REMOTE, done(in.closeFuture()).kind());
    }
    assertEquals(0, client.openConnectionCount());
    assertEquals(0, server.openConnectionCount());
  }

  @Test
  void aThrowingAcceptRefusesTheConnection() {
    RecordingInboundHandler handler = new RecordingInboundHandler(a -> {
      throw new IllegalStateException("admission bug (thrown on purpose by the test)");
    });
    TransportListener l = nodes.listen(handler);
    CompletableFuture<NetConn> d = nodes.dial(l);
    nodes.run();
    assertInstanceOf(TransportException.class, failure(d));
    assertTrue(handler.failures().isEmpty());
    assertEquals(0, server.pendingHandshakeCount());
  }

  @Test
  void countsFollowConnectionsStreamsAndListeners() {
    nodes.serverRouter.register("/hold", held);
    assertEquals(0, server.activeListenerCount());
    RecordingInboundHandler handler = new RecordingInboundHandler();
    NetConn[] c = nodes.connect(handler);
    assertEquals(1, server.activeListenerCount());
    assertEquals(1, client.openConnectionCount());
    assertEquals(1, server.openConnectionCount());
    assertEquals(List.of(c[0]), client.connections());
    NetStream[] a = openHeld(c[0]);
    openHeld(c[0]);
    assertEquals(2, client.openStreamCount());
    assertEquals(2, server.openStreamCount());
    a[0].reset();
    assertEquals(1, client.openStreamCount());
    assertEquals(1, server.openStreamCount());
    c[1].close();
    assertEquals(0, client.openConnectionCount());
    assertEquals(0, server.openStreamCount());
    server.close();
    assertEquals(0, server.activeListenerCount());
    assertEquals(0, nodes.network.listenerCount());
  }

  @Test
  void aClosedTransportRefusesDialsAndListensWithNetworkClosedException() {
    TransportListener l = nodes.listen(new RecordingInboundHandler());
    client.close();
    CompletableFuture<NetConn> d = nodes.dial(l);
    CompletableFuture<TransportListener> again = client.listen(Multiaddr.fromString("/memory/0"),
        new RecordingInboundHandler());
    nodes.run();
    assertInstanceOf(NetworkClosedException.class, failure(d));
    assertInstanceOf(NetworkClosedException.class, failure(again));
    assertTrue(client.isClosed());
  }

  @Test
  void closeFuturesHandedOutCannotBeCompletedByCallers() {
    NetConn[] c = nodes.connect(new RecordingInboundHandler());
    c[0].closeFuture().complete(CloseReason.SHUTDOWN);
    assertFalse(c[0].closeFuture().isDone());
    c[0].close();
    nodes.run();
    assertEquals(CloseReason.Kind.LOCAL, done(c[0].closeFuture()).kind());
  }

  @Test
  void connectionAndStreamIdsAreUnique() {
    nodes.serverRouter.register("/hold", held);
    RecordingInboundHandler handler = new RecordingInboundHandler();
    Set<String> connIds = new HashSet<>();
    Set<Long> streamIds = new HashSet<>();
    NetConn first = null;
    for (int i = 0; i < 3; i++) {
      NetConn[] c = nodes.connect(handler);
      connIds.add(c[0].id());
      connIds.add(c[1].id());
      first = first == null ? c[0] : first;
    }
    assertEquals(6, connIds.size());
    for (int i = 0; i < 5; i++) {
      NetStream[] s = openHeld(first);
      assertEquals(s[0].id(), s[1].id(), "both ends share the stream id");
      streamIds.add(s[0].id());
    }
    assertEquals(5, streamIds.size());
    assertNotEquals(first.localAddress(), first.remoteAddress());
  }
}
