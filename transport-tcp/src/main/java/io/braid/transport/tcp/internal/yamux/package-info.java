/**
 * Yamux stream multiplexing ({@code /yamux/1.0.0}, libp2p/specs yamux and hashicorp/yamux spec.md).
 *
 * <h2>For the wiring</h2>
 * <ul>
 *   <li>After multistream-select agreed on {@code /yamux/1.0.0} over the secured channel, add
 *       {@code new YamuxSession(isDialer, YamuxConfig.defaults(), listener)} as the last handler, and
 *       forward to it (with {@code fireChannelRead}) any bytes read past the negotiation. The session
 *       starts (first keepalive ping) when it is added to an active channel.</li>
 *   <li>{@link io.braid.transport.tcp.internal.yamux.YamuxSession#openStream()} gives a
 *       {@link io.braid.transport.tcp.internal.yamux.MuxedStream}; inbound ones reach the
 *       {@link io.braid.transport.tcp.internal.yamux.MuxedStreamListener} on the event loop. Run
 *       multistream-select per stream over that interface, then wrap it into a
 *       {@link io.braid.api.NetStream} adding {@code protocol()} and {@code connection()}; the
 *       semantics of read/write/closeWrite/reset/close/closeFuture already match NetStream's.</li>
 *   <li>{@code streamCount()} is exact; {@code closeFuture()} says when the connection is gone;
 *       {@code isRemoteGoingAway()} says the connection should get no new streams;
 *       {@code goAway()} then {@code close()} is the orderly shutdown.</li>
 * </ul>
 *
 * <p>No Netty type crosses the stream API: data is copied into heap {@link java.nio.ByteBuffer}s at the
 * edge. Everything here is internal to the transport module.
 */
package io.braid.transport.tcp.internal.yamux;
