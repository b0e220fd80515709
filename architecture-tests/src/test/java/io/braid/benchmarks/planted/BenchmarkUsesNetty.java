package io.braid.benchmarks.planted;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Planted, allowed: a benchmark building Netty buffers (benchmarks are a leaf, see BraidArchitecture). */
public final class BenchmarkUsesNetty {
  public ByteBuf payload() {
    return Unpooled.buffer(16);
  }
}
