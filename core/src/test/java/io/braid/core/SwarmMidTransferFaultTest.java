package io.braid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.braid.testkit.MidTransferFaults;
import io.braid.testkit.TestIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Item "faults mid-transfer" on the in-memory transport: eight streams over three connections, one
 * connection killed by the transport's fault injection halfway through (the testkit's
 * {@link MidTransferFaults} states and checks every expectation).
 */
class SwarmMidTransferFaultTest {
  private final SwarmFixture fx = new SwarmFixture();

  @AfterEach
  void close() {
    fx.close();
  }

  @Test
  void killingOneOfThreeConnectionsMidTransferFailsOnlyItsStreamsAndTheSurvivorsFinishVerified() {
    MidTransferFaults scenario = new MidTransferFaults();
    var a = fx.node(TestIdentity.random(), b -> b.connectionConfig(SwarmFixture.config(3))
        .loadBalancer(scenario.balancer()));
    var b = fx.node();
    b.swarm().setStreamHandler(MidTransferFaults.PROTOCOL, scenario.checksumHandler());
    SwarmFixture.introduce(a, b);
    assertEquals(3, SwarmFixture.await(a.swarm().dialPeer(b.peer()), "dial").size());

    scenario.run(a.swarm(), b.peer(), a.events(), c -> a.transport().faults().kill(c), SwarmFixture.TIMEOUT);

    assertEquals(2, b.swarm().getConnections(a.peer()).size(), "the server keeps the other two as well");
    SwarmFixture.assertSlotsMatchConnections(a);
    SwarmFixture.assertSlotsMatchConnections(b);
  }
}
