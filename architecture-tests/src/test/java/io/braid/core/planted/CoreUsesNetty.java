package io.braid.core.planted;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Planted violation: core touching Netty buffers. */
public final class CoreUsesNetty {
  public ByteBuf empty() {
    return Unpooled.EMPTY_BUFFER;
  }
}
