/**
 * multistream-select 1.0 (multiformats/multistream-select; libp2p/specs connections/README.md): the message
 * format ({@link io.braid.transport.tcp.internal.mss.MultistreamCodec},
 * {@link io.braid.transport.tcp.internal.mss.MultistreamReader}), the negotiation as a pure byte-in/byte-out state
 * machine ({@link io.braid.transport.tcp.internal.mss.MultistreamNegotiator}, usable on a connection or on a muxed
 * stream) and its Netty adapter for a channel ({@link io.braid.transport.tcp.internal.mss.MultistreamHandler}).
 * Internal to transport-tcp.
 */
package io.braid.transport.tcp.internal.mss;
