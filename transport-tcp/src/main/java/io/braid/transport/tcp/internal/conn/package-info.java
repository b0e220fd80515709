/**
 * The wiring of the TCP transport: {@link io.braid.transport.tcp.internal.conn.Upgrader} turns a raw channel
 * into a {@link io.braid.transport.tcp.internal.conn.TcpConn} (multistream-select {@code /noise}, Noise XX,
 * multistream-select {@code /yamux/1.0.0}, Yamux), which hands out
 * {@link io.braid.transport.tcp.internal.conn.TcpStream}s after negotiating each stream's protocol with a pure
 * multistream-select negotiator fed with the stream's bytes. Inbound stream negotiation is bounded by the
 * transport's handshake timeout. Not API.
 */
package io.braid.transport.tcp.internal.conn;
