/**
 * Braid's {@link io.braid.api.NetworkMetrics} on Micrometer: {@link
 * io.braid.metrics.micrometer.MicrometerNetworkMetrics} registers meters for connections, streams, dials,
 * handshakes, balancer choices, bytes and limit refusals in any {@code MeterRegistry}. Depends on the api and
 * {@code micrometer-core} only.
 */
package io.braid.metrics.micrometer;
