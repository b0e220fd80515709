package io.braid.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.braid.api.Multiaddr;
import io.braid.api.Transport;
import io.braid.api.TransportContext;

/** The in-memory transport passes the contract every transport must pass. */
class MemoryTransportTest extends TransportContract {
  private final MemoryNetwork network = new MemoryNetwork();

  @Override
  protected Transport createTransport(TransportContext context) {
    return MemoryTransport.builder(network).context(context).build();
  }

  @Override
  protected Multiaddr listenAddress() {
    return Multiaddr.fromString("/memory/0");
  }

  @Override
  protected void assertQuiescent(Transport transport) {
    MemoryTransport t = (MemoryTransport) transport;
    assertEquals(0, t.pendingHandshakeCount(), "pending handshakes of " + t);
    assertEquals(0, t.openStreamCount(), "open streams of " + t);
    assertEquals(0, t.openConnectionCount(), "open connections of " + t + ": " + t.connections());
    if (t.isClosed()) {
      assertEquals(0, t.activeListenerCount(), "listeners of closed " + t);
    }
  }
}
