package io.braid.transport.tcp.planted;

import io.braid.transport.tcp.internal.planted.PlantedFrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Planted, allowed: a transport using Netty and its own internals. Stands in for transport-tcp. */
public final class PlantedTcpTransport {
  public ByteBuf frame(byte[] payload) {
    return PlantedFrameCodec.encode(Unpooled.wrappedBuffer(payload));
  }
}
