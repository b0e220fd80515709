package io.braid.testkit.planted;

import io.braid.transport.tcp.planted.PlantedTcpTransport;

/** Planted violation: the testkit naming a transport adapter. */
public final class ContractUsesTransport {
  public Object transport() {
    return new PlantedTcpTransport();
  }
}
