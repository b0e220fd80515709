package io.braid.testkit.planted;

import io.braid.core.planted.CoreUsesPortsAndSlf4j;

/** Planted violation: the testkit testing through core instead of the ports. */
public final class ContractUsesCore {
  public long transports() {
    return new CoreUsesPortsAndSlf4j().transports();
  }
}
