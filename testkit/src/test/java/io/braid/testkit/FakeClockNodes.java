package io.braid.testkit;

import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.TransportContext;
import io.braid.api.TransportListener;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Two memory transports (server, client) on a private network whose executor and scheduler are both one
 * {@link FakeClock}: nothing happens until the test calls {@link #run()} or moves the clock, so every
 * interleaving is the one the test wrote.
 */
final class FakeClockNodes implements AutoCloseable {
  static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  final FakeClock clock = new FakeClock();
  final MemoryNetwork network = new MemoryNetwork();
  final TestIdentity serverId = TestIdentity.fromSeed(1);
  final TestIdentity clientId = TestIdentity.fromSeed(2);
  final TestStreamRouter serverRouter = new TestStreamRouter();
  final TestStreamRouter clientRouter = new TestStreamRouter();
  final MemoryTransport server;
  final MemoryTransport client;

  FakeClockNodes() {
    this(MemoryTransport.DEFAULT_WINDOW);
  }

  FakeClockNodes(int serverWindow) {
    server = MemoryTransport.builder(network)
        .context(new TransportContext(serverId, serverRouter, HANDSHAKE_TIMEOUT))
        .executor(clock.scheduler()).scheduler(clock.scheduler()).window(serverWindow).build();
    client = MemoryTransport.builder(network)
        .context(new TransportContext(clientId, clientRouter, HANDSHAKE_TIMEOUT))
        .executor(clock.scheduler()).scheduler(clock.scheduler()).build();
  }

  /** Runs the due tasks and returns {@code f}'s value; fails instead of blocking if it is not complete. */
  <T> T done(CompletableFuture<T> f) {
    run();
    if (!f.isDone()) {
      throw new AssertionError("not complete after running every due task: " + f);
    }
    return f.join();
  }

  /** Runs every task due now. */
  void run() {
    clock.runDueTasks();
  }

  TransportListener listen(RecordingInboundHandler handler) {
    CompletableFuture<TransportListener> f = server.listen(Multiaddr.fromString("/memory/0"), handler);
    return done(f);
  }

  Multiaddr address(TransportListener l) {
    return l.addresses().get(0);
  }

  CompletableFuture<NetConn> dial(TransportListener l) {
    return client.dial(address(l), serverId.peerId());
  }

  /** A connection, with the server's end from {@code handler}. */
  NetConn[] connect(RecordingInboundHandler handler) {
    TransportListener l = listen(handler);
    CompletableFuture<NetConn> f = dial(l);
    NetConn out = done(f);
    NetConn in = handler.connections().get(handler.connections().size() - 1);
    return new NetConn[] {out, in};
  }

  @Override
  public void close() {
    client.close();
    server.close();
    run();
  }
}
