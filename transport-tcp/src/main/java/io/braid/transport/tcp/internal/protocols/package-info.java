/**
 * The libp2p protocols every TCP transport serves itself: {@link io.braid.transport.tcp.internal.protocols.Ping}
 * ({@code /ipfs/ping/1.0.0}) and {@link io.braid.transport.tcp.internal.protocols.Identify}
 * ({@code /ipfs/id/1.0.0}), written against the api's {@code NetConn}/{@code NetStream} only. Not API.
 */
package io.braid.transport.tcp.internal.protocols;
