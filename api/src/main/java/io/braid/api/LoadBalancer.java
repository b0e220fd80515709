package io.braid.api;

import java.util.List;

/**
 * Picks the connection a new stream to a peer goes over.
 *
 * <p>The swarm calls {@link #select} for every {@link Network#newStream}; balancers are made by a
 * {@code LoadBalancerProvider} (module {@code balancer-spi}) and found by name.
 *
 * <h2>Contract for implementers</h2>
 * <ul>
 *   <li>{@code candidates} is non-empty, holds only connections that were open when the list was made,
 *       oldest first, and is immutable; it may differ from call to call (connections come and go).</li>
 *   <li>The result must be one of {@code candidates} (same instance); never null.</li>
 *   <li>Thread-safe: called concurrently from any thread, for any peers.</li>
 *   <li>Never blocks, performs no I/O, and should not allocate: it runs on every stream open.</li>
 *   <li>It must not close connections or open streams; it only chooses.</li>
 * </ul>
 * The testkit's {@code LoadBalancerContract} checks these; a plug-in's tests should extend it.
 *
 * <h2>Health (issue 14)</h2>
 * The swarm calls the three-argument {@link #select(PeerId, List, ConnectionHealth)}; its default hands
 * over to the two-argument form, so a balancer written before health existed keeps working unchanged.
 * The swarm's candidates already exclude unhealthy and draining connections, except that when every open
 * connection is unhealthy the unhealthy ones are offered as a last resort (draining ones never are).
 */
@FunctionalInterface
public interface LoadBalancer {

  /**
   * Chooses one of {@code candidates} for a new stream to {@code peer}.
   *
   * @param peer the remote peer
   * @param candidates the peer's open connections, oldest first; non-empty, immutable
   * @return one element of {@code candidates}
   */
  NetConn select(PeerId peer, List<NetConn> candidates);

  /**
   * Chooses one of {@code candidates} for a new stream to {@code peer}, knowing each connection's health.
   * Same contract as {@link #select(PeerId, List)}; {@code health}'s lookups are allocation-free. A
   * latency-aware balancer overrides this; the default ignores {@code health}.
   *
   * @param health RTT, streams in flight and health of each candidate; never null
   */
  default NetConn select(PeerId peer, List<NetConn> candidates, ConnectionHealth health) {
    return select(peer, candidates);
  }
}
