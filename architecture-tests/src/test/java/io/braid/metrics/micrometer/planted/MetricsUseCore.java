package io.braid.metrics.micrometer.planted;

import io.braid.core.planted.CoreUsesPortsAndSlf4j;

/** Planted violation: the metrics adapter reaching into core. */
public final class MetricsUseCore {
  public long transports() {
    return new CoreUsesPortsAndSlf4j().transports();
  }
}
