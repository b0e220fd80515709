package io.braid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.braid.api.ConnectionConfig;
import io.braid.api.HostIdentity;
import io.braid.api.Network;
import io.braid.api.RetryConfig;
import io.braid.api.Transport;
import io.braid.api.TransportContext;
import io.braid.testkit.NetworkContract;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;

/** The swarm passes the testkit's {@link NetworkContract}, exactly as a third-party network would. */
@DisplayName("Swarm passes the Network contract")
class SwarmNetworkContractTest extends NetworkContract {

  @Override
  protected Network createNetwork(HostIdentity identity, ConnectionConfig config, RetryConfig retry,
      Function<TransportContext, Transport> transport, ScheduledExecutorService scheduler) {
    return Swarm.builder(identity)
        .connectionConfig(config)
        .retryConfig(retry)
        .transport(transport)
        .scheduler(scheduler)
        .nanoTime(clock::nanoTime)
        .executor(Runnable::run)
        .build();
  }

  @Override
  protected void assertNoLeaks(Network network) {
    Swarm swarm = (Swarm) network;
    assertEquals(0, swarm.connectionSlotsInUse(), "connection slots still held by " + swarm);
    assertEquals(0, swarm.pendingHandshakes(), "handshake slots still held by " + swarm);
    assertEquals(0, swarm.trackedPeers(), "peer records left behind by " + swarm);
  }
}
