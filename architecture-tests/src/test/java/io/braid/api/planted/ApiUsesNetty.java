package io.braid.api.planted;

import io.netty.buffer.ByteBuf;

/** Planted violation: an api class that names a Netty type. */
public final class ApiUsesNetty {
  public int readable(ByteBuf buffer) {
    return buffer.readableBytes();
  }
}
