package io.braid.transport.tcp.internal.noise;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * An allocator that remembers every buffer it hands out, so a test can fail on any buffer a handler
 * allocated and never released (Netty's leak detector only logs, and only after garbage collection).
 */
final class TrackingAllocator implements ByteBufAllocator {
  private final ByteBufAllocator delegate = new UnpooledByteBufAllocator(false);
  private final List<ByteBuf> allocated = new ArrayList<>();

  private <T extends ByteBuf> T track(T buf) {
    allocated.add(buf);
    return buf;
  }

  /** How many buffers were allocated so far. */
  int count() {
    return allocated.size();
  }

  /** Fails the test if any buffer allocated here still has a positive reference count. */
  void assertAllReleased() {
    int leaked = 0;
    for (ByteBuf b : allocated) {
      if (b.refCnt() != 0) {
        leaked++;
      }
    }
    if (leaked != 0) {
      fail(leaked + " of " + allocated.size() + " buffers allocated by the handlers were not released");
    }
  }

  @Override public ByteBuf buffer() { return track(delegate.buffer()); }
  @Override public ByteBuf buffer(int i) { return track(delegate.buffer(i)); }
  @Override public ByteBuf buffer(int i, int m) { return track(delegate.buffer(i, m)); }
  @Override public ByteBuf ioBuffer() { return track(delegate.ioBuffer()); }
  @Override public ByteBuf ioBuffer(int i) { return track(delegate.ioBuffer(i)); }
  @Override public ByteBuf ioBuffer(int i, int m) { return track(delegate.ioBuffer(i, m)); }
  @Override public ByteBuf heapBuffer() { return track(delegate.heapBuffer()); }
  @Override public ByteBuf heapBuffer(int i) { return track(delegate.heapBuffer(i)); }
  @Override public ByteBuf heapBuffer(int i, int m) { return track(delegate.heapBuffer(i, m)); }
  @Override public ByteBuf directBuffer() { return track(delegate.directBuffer()); }
  @Override public ByteBuf directBuffer(int i) { return track(delegate.directBuffer(i)); }
  @Override public ByteBuf directBuffer(int i, int m) { return track(delegate.directBuffer(i, m)); }
  @Override public CompositeByteBuf compositeBuffer() { return track(delegate.compositeBuffer()); }
  @Override public CompositeByteBuf compositeBuffer(int n) { return track(delegate.compositeBuffer(n)); }
  @Override public CompositeByteBuf compositeHeapBuffer() { return track(delegate.compositeHeapBuffer()); }
  @Override public CompositeByteBuf compositeHeapBuffer(int n) { return track(delegate.compositeHeapBuffer(n)); }
  @Override public CompositeByteBuf compositeDirectBuffer() { return track(delegate.compositeDirectBuffer()); }
  @Override public CompositeByteBuf compositeDirectBuffer(int n) { return track(delegate.compositeDirectBuffer(n)); }
  @Override public boolean isDirectBufferPooled() { return false; }
  @Override public int calculateNewCapacity(int minNewCapacity, int maxCapacity) {
    return delegate.calculateNewCapacity(minNewCapacity, maxCapacity);
  }
}
