package io.braid.cli.planted;

import io.braid.balancer.roundrobin.planted.PlantedRoundRobinBalancer;
import io.braid.core.planted.CoreUsesPortsAndSlf4j;
import io.braid.protocols.planted.ProtocolsUseApiAndJdk;

/** Planted, allowed: the cli wiring core, a concrete balancer and a protocol together. */
public final class CliUsesCoreTransportAndProtocols {
  public String wire(PlantedRoundRobinBalancer balancer, ProtocolsUseApiAndJdk protocol) {
    return new CoreUsesPortsAndSlf4j().transports() + " " + balancer + " " + protocol;
  }
}
