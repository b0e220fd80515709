package io.braid.balancer.spi;

import io.braid.api.LoadBalancer;

/**
 * Service-provider interface for load balancers, discovered with {@link java.util.ServiceLoader}: a
 * balancer module lists its implementation in
 * {@code META-INF/services/io.braid.balancer.spi.LoadBalancerProvider} and is then found by name through
 * {@link LoadBalancerRegistry#getDefault()}.
 *
 * <h2>Contract for implementers</h2>
 * <ul>
 *   <li><b>Stateless factory.</b> The provider holds no per-network state; {@link #create()} makes the
 *       stateful {@link LoadBalancer}, one per network (or per use) that asks for it.</li>
 *   <li><b>Cheap and quiet discovery.</b> A public no-argument constructor that does no I/O and never
 *       throws; {@link #name()}, {@link #priority()} and {@link #isAvailable()} return at once and never
 *       throw. A provider that does throw there is skipped by the registry with a logged warning, so it
 *       silently disappears: do not rely on that.</li>
 *   <li><b>Say when you cannot work.</b> A provider that cannot work in this JVM (a missing optional
 *       library, an unsupported platform) returns {@code false} from {@link #isAvailable()} and is
 *       skipped; it must not throw to express that.</li>
 *   <li><b>Fixed answers.</b> {@link #name()} and {@link #priority()} return the same value on every
 *       call; the registry reads them once, when the provider is registered.</li>
 *   <li><b>Threads.</b> Every method may be called from any thread, concurrently.</li>
 * </ul>
 *
 * <p>The testkit's {@code LoadBalancerContract} checks these rules together with the
 * {@link LoadBalancer} contract; a plug-in's tests should extend it.
 */
public interface LoadBalancerProvider {

  /** The default {@link #priority()}; Braid's own providers use it. */
  int DEFAULT_PRIORITY = 5;

  /**
   * The balancer's name: lower_snake ({@code [a-z][a-z0-9]*(_[a-z0-9]+)*}, at most
   * {@value LoadBalancerRegistry#MAX_NAME_LENGTH} characters), e.g. {@code round_robin},
   * {@code least_loaded}. Fixed for the provider's life; never null.
   */
  String name();

  /**
   * Decides between two providers of the same name: the higher priority wins. Two available providers of
   * one name with the same priority make that name ambiguous (see {@link LoadBalancerRegistry#get}).
   * Fixed for the provider's life.
   *
   * @return {@value #DEFAULT_PRIORITY} unless overridden
   */
  default int priority() {
    return DEFAULT_PRIORITY;
  }

  /**
   * Whether this provider can create a working balancer in this JVM. Unavailable providers are skipped
   * at discovery (logged at debug level) and refused by {@link LoadBalancerRegistry#register}.
   * Must not throw.
   */
  default boolean isAvailable() {
    return true;
  }

  /**
   * Makes a new balancer. Never returns null; may be called many times, from any thread.
   *
   * @return a balancer honouring the {@link LoadBalancer} contract
   */
  LoadBalancer create();
}
