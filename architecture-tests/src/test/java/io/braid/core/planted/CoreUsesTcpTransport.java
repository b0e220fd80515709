package io.braid.core.planted;

import io.braid.transport.tcp.planted.PlantedTcpTransport;

/** Planted violation: core naming a transport adapter instead of loading it. */
public final class CoreUsesTcpTransport {
  public Object transport() {
    return new PlantedTcpTransport();
  }
}
