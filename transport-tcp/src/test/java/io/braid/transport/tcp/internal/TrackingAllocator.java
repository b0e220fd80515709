package io.braid.transport.tcp.internal;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * An allocator that remembers every buffer it hands out (composites included), so a handler test can
 * fail on any buffer that was allocated and never released: Netty's paranoid leak detector only logs,
 * and only after garbage collection. Heap only: a direct request gets a heap buffer too. Every buffer's
 * {@code alloc()} is this allocator, so buffers grown or derived through it are tracked as well.
 * Thread-safe. Shared by the noise, yamux and multistream-select handler tests.
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {
  private final List<ByteBuf> allocated = new ArrayList<>();

  public TrackingAllocator() {
    super(false);
  }

  private synchronized <T extends ByteBuf> T track(T buf) {
    allocated.add(buf);
    return buf;
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    return track(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    return newHeapBuffer(initialCapacity, maxCapacity);
  }

  @Override
  public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
    return track(super.compositeHeapBuffer(maxNumComponents));
  }

  @Override
  public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
    return compositeHeapBuffer(maxNumComponents);
  }

  @Override
  public boolean isDirectBufferPooled() {
    return false;
  }

  /** How many buffers were handed out so far. */
  public synchronized int count() {
    return allocated.size();
  }

  /** Fails the test unless every buffer handed out so far has been released (reference count 0). */
  public synchronized void assertAllReleased() {
    List<Integer> leaked = new ArrayList<>();
    for (int i = 0; i < allocated.size(); i++) {
      if (allocated.get(i).refCnt() != 0) {
        leaked.add(i);
      }
    }
    if (!leaked.isEmpty()) {
      fail(leaked.size() + " of " + allocated.size() + " buffers allocated by the handlers were not released"
          + " (buffers #" + leaked + ", counted from 0)");
    }
  }
}
