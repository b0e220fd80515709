package io.braid.transport.tcp;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector (paranoid in this build) reports a leaked buffer while it
 * ran. Netty only reports a leak once the buffer was garbage-collected and a later allocation polls the
 * detector's queue, so after the class this runs the collector and allocates a few buffers of each kind
 * before it looks.
 */
public final class LeakCheck implements BeforeAllCallback, AfterAllCallback {
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  static {
    ByteBufUtil.setLeakListener((type, records) -> LEAKS.add(type + ": " + records));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
      fail("tests must run with -Dio.netty.leakDetection.level=paranoid, was " + ResourceLeakDetector.getLevel());
    }
    LEAKS.clear();
  }

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    for (int round = 0; round < 3; round++) {
      System.gc();
      Thread.sleep(50);
      for (ByteBufAllocator alloc : List.of(PooledByteBufAllocator.DEFAULT, UnpooledByteBufAllocator.DEFAULT)) {
        for (int i = 0; i < 16; i++) {
          ByteBuf b = alloc.directBuffer(16);
          b.release();
          ByteBuf h = alloc.heapBuffer(16);
          h.release();
        }
      }
    }
    if (!LEAKS.isEmpty()) {
      fail(LEAKS.size() + " leaked buffer(s) reported in " + context.getDisplayName() + ":\n"
          + String.join("\n", LEAKS));
    }
  }
}
