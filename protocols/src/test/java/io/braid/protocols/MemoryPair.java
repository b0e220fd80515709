package io.braid.protocols;

import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.TransportContext;
import io.braid.api.TransportListener;
import io.braid.testkit.MemoryNetwork;
import io.braid.testkit.MemoryTransport;
import io.braid.testkit.RecordingInboundHandler;
import io.braid.testkit.TestIdentity;
import io.braid.testkit.TestStreamRouter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Two memory transports, one connection between them, and the server's router for the test to fill. */
final class MemoryPair implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  final TestStreamRouter serverRouter = new TestStreamRouter();
  final MemoryTransport server;
  final MemoryTransport client;
  final NetConn connection;

  MemoryPair() throws Exception {
    MemoryNetwork net = new MemoryNetwork();
    TestIdentity serverId = TestIdentity.random();
    server = MemoryTransport.builder(net)
        .context(new TransportContext(serverId, serverRouter, Duration.ofSeconds(5))).build();
    client = MemoryTransport.builder(net)
        .context(new TransportContext(TestIdentity.random(), new TestStreamRouter(), Duration.ofSeconds(5)))
        .build();
    TransportListener listener = await(server.listen(Multiaddr.fromString("/memory/0"),
        new RecordingInboundHandler()));
    connection = await(client.dial(listener.addresses().get(0), serverId.peerId()));
  }

  NetStream open(String protocol) throws Exception {
    return await(connection.newStream(protocol));
  }

  static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    try {
      client.close();
    } finally {
      server.close();
    }
  }
}
