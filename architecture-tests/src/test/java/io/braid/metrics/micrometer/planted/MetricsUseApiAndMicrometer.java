package io.braid.metrics.micrometer.planted;

import io.braid.api.Direction;
import io.micrometer.core.instrument.MeterRegistry;

/** Allowed: the metrics adapter naming api types and Micrometer. */
public final class MetricsUseApiAndMicrometer {
  public void count(MeterRegistry registry, Direction direction) {
    registry.counter("braid.planted", "direction", direction.name()).increment();
  }
}
