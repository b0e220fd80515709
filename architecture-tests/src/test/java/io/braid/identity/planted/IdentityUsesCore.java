package io.braid.identity.planted;

import io.braid.core.planted.CoreUsesPortsAndSlf4j;

/** Planted violation: identity reaching into core. */
public final class IdentityUsesCore {
  public long transports() {
    return new CoreUsesPortsAndSlf4j().transports();
  }
}
