/**
 * Braid's testkit: contracts every implementation of a port should pass, and fakes for tests.
 *
 * <ul>
 *   <li>{@link io.braid.testkit.TransportContract}: the JUnit 5 suite every {@link io.braid.api.Transport}
 *       extends, with {@link io.braid.testkit.Streams}, {@link io.braid.testkit.TestStreamRouter} and
 *       {@link io.braid.testkit.RecordingInboundHandler} as reusable helpers.</li>
 *   <li>{@link io.braid.testkit.LoadBalancerContract}: the JUnit 5 + jqwik suite every
 *       {@link io.braid.api.LoadBalancer} plug-in extends; {@link io.braid.testkit.FakeNetConn} is a
 *       connection with settable stream count and state for balancer tests.</li>
 *   <li>{@link io.braid.testkit.MemoryTransport} on a {@link io.braid.testkit.MemoryNetwork}: an in-JVM
 *       transport with real connection and stream semantics and fault injection; its provider
 *       ({@code memory}) is registered for {@link java.util.ServiceLoader}.</li>
 *   <li>{@link io.braid.testkit.NetworkContract}: the suite every {@link io.braid.api.Network} (swarm)
 *       extends, with {@link io.braid.testkit.RecordingNetworkListener} to check events.</li>
 *   <li>{@link io.braid.testkit.FakeClock}: deterministic time and scheduling.</li>
 *   <li>{@link io.braid.testkit.TestIdentity}: peer identities that need no key pair.</li>
 * </ul>
 *
 * Everything here is an ordinary jar so third parties can extend the contracts from their tests.
 */
package io.braid.testkit;
