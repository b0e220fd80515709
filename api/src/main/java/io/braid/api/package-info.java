/**
 * Braid's ports and value types. Depends on the JDK alone.
 *
 * <p>Users code against {@link io.braid.api.Network}; transports implement {@link io.braid.api.Transport},
 * {@link io.braid.api.NetConn} and {@link io.braid.api.NetStream}; balancers implement
 * {@link io.braid.api.LoadBalancer}. Values ({@link io.braid.api.PeerId}, {@link io.braid.api.Multiaddr},
 * configs) are immutable. Unless a method says otherwise, parameters and results are non-null.
 */
package io.braid.api;
