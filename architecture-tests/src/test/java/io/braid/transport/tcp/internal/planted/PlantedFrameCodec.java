package io.braid.transport.tcp.internal.planted;

import io.netty.buffer.ByteBuf;

/** Planted internal class of transport-tcp. */
public final class PlantedFrameCodec {
  private PlantedFrameCodec() {}

  public static ByteBuf encode(ByteBuf payload) {
    return payload;
  }
}
