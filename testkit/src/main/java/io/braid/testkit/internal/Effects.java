package io.braid.testkit.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Side effects (future completions, callbacks) collected while a lock is held and dispatched after it
 * is released, each to its executor, in the order they were added. This is how the in-memory transport
 * keeps its promise never to run user code while holding a lock.
 */
public final class Effects {
  private final List<Executor> executors = new ArrayList<>(4);
  private final List<Runnable> tasks = new ArrayList<>(4);

  public void add(Executor executor, Runnable task) {
    executors.add(executor);
    tasks.add(task);
  }

  /** Dispatches everything collected; call without holding any lock. */
  public void run() {
    for (int i = 0; i < tasks.size(); i++) {
      executors.get(i).execute(tasks.get(i));
    }
    executors.clear();
    tasks.clear();
  }
}
