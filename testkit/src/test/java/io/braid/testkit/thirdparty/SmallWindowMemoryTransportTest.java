package io.braid.testkit.thirdparty;

import io.braid.api.Multiaddr;
import io.braid.api.Transport;
import io.braid.api.TransportContext;
import io.braid.testkit.MemoryNetwork;
import io.braid.testkit.MemoryTransport;
import io.braid.testkit.TransportContract;

/**
 * The contract as a third party runs it: from another package, through public API only. A 4 KiB
 * window makes every transfer move in many partial writes.
 */
class SmallWindowMemoryTransportTest extends TransportContract {
  private final MemoryNetwork network = new MemoryNetwork();

  @Override
  protected Transport createTransport(TransportContext context) {
    return MemoryTransport.builder(network).context(context).window(4096).build();
  }

  @Override
  protected Multiaddr listenAddress() {
    return Multiaddr.fromString("/memory/0");
  }

  @Override
  protected int largeTransferBytes() {
    return 2 * 1024 * 1024;
  }
}
