package io.braid.testkit.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shared default executor and scheduler of the in-memory transport: daemon threads, made on first
 * use, never shut down (they must not keep a test JVM alive, and any number of transports share them).
 */
public final class DaemonExecutors {
  private DaemonExecutors() {}

  private static final class Holder {
    static final ExecutorService EXECUTOR = Executors.newCachedThreadPool(factory("braid-memory-"));
    static final ScheduledExecutorService SCHEDULER = scheduler();

    private static ScheduledExecutorService scheduler() {
      ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, factory("braid-memory-timer-"));
      s.setRemoveOnCancelPolicy(true);
      return s;
    }
  }

  /** A cached pool of daemon threads named {@code braid-memory-N}. */
  public static ExecutorService executor() {
    return Holder.EXECUTOR;
  }

  /** One daemon timer thread; cancelled tasks are removed at once. */
  public static ScheduledExecutorService scheduler() {
    return Holder.SCHEDULER;
  }

  private static ThreadFactory factory(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
