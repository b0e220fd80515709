/**
 * Braid's {@code NetworkMetrics} on Micrometer: hand a {@code MicrometerNetworkMetrics} to the swarm's
 * builder and every connection, stream, dial, handshake, byte and refusal figure lands in your
 * {@code MeterRegistry}.
 */
@SuppressWarnings("requires-automatic") // micrometer-core 1.17 names its module only in its manifest
module io.braid.metrics.micrometer {
  requires transitive io.braid.api;
  requires transitive micrometer.core;

  exports io.braid.metrics.micrometer;
}
