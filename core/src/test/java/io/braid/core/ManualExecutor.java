package io.braid.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/** An executor that only queues: the test runs the tasks, in an order of its choosing. Thread-safe. */
final class ManualExecutor implements Executor {
  private final List<Runnable> tasks = new ArrayList<>();

  @Override
  public synchronized void execute(Runnable task) {
    tasks.add(task);
  }

  synchronized int size() {
    return tasks.size();
  }

  /** Runs the task queued at {@code index} (0 is the oldest) on the calling thread. */
  void runAt(int index) {
    Runnable task;
    synchronized (this) {
      task = tasks.remove(index);
    }
    task.run();
  }

  /** Runs queued tasks, oldest first, including those they queue, until none is left; false if it ran away. */
  boolean drain() {
    for (int i = 0; i < 100_000; i++) {
      if (size() == 0) {
        return true;
      }
      runAt(0);
    }
    return false;
  }
}
