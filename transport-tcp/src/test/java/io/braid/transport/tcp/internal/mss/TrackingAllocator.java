package io.braid.transport.tcp.internal.mss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * An allocator that remembers every buffer it hands out, so a test can assert that all of them were released
 * (the handler's outbound buffers included). Heap only: a direct request gets a heap buffer too.
 */
final class TrackingAllocator extends AbstractByteBufAllocator {
  private final List<ByteBuf> allocated = new ArrayList<>();

  TrackingAllocator() {
    super(false);
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    ByteBuf buf = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
    allocated.add(buf);
    return buf;
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    return newHeapBuffer(initialCapacity, maxCapacity);
  }

  @Override
  public boolean isDirectBufferPooled() {
    return false;
  }

  int count() {
    return allocated.size();
  }

  /** Fails unless every buffer handed out so far has been released. */
  void assertAllReleased() {
    for (int i = 0; i < allocated.size(); i++) {
      assertEquals(0, allocated.get(i).refCnt(), "buffer #" + i + " of " + allocated.size() + " was not released");
    }
  }
}
