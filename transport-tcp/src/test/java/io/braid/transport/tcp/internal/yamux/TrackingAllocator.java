package io.braid.transport.tcp.internal.yamux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Records every buffer it hands out so a test can assert that each one was released (refCnt 0): a
 * leak check that fails the test instead of only logging, as the paranoid leak detector does.
 */
final class TrackingAllocator extends AbstractByteBufAllocator {

  private final List<ByteBuf> buffers = new ArrayList<>();

  TrackingAllocator() {
    super(false);
  }

  @Override
  protected synchronized ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    ByteBuf b = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
    buffers.add(b);
    return b;
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    return newHeapBuffer(initialCapacity, maxCapacity);
  }

  @Override
  public boolean isDirectBufferPooled() {
    return false;
  }

  synchronized int allocated() {
    return buffers.size();
  }

  synchronized void assertAllReleased() {
    int leaked = 0;
    for (ByteBuf b : buffers) {
      if (b.refCnt() != 0) {
        leaked++;
      }
    }
    assertEquals(0, leaked, "buffers not released out of " + buffers.size() + " allocated");
  }
}
