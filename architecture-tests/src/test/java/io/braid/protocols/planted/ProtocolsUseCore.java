package io.braid.protocols.planted;

import io.braid.core.planted.CoreUsesPortsAndSlf4j;

/** Planted violation: a protocol reaching into core. */
public final class ProtocolsUseCore {
  public long transports() {
    return new CoreUsesPortsAndSlf4j().transports();
  }
}
