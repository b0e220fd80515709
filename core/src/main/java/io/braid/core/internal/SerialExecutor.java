package io.braid.core.internal;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a delegate executor. Events go through one of
 * these so that listeners see them in order even on a multi-threaded executor; a task that throws is
 * logged and the next one runs.
 */
public final class SerialExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor delegate;
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private boolean running;

  public SerialExecutor(Executor delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public void execute(Runnable task) {
    enqueue(task);
    flush();
  }

  /**
   * Queues {@code task} without starting it. Safe to call while holding a lock: the caller fixes the
   * order of events under its own lock and calls {@link #flush()} once it released it.
   */
  public void enqueue(Runnable task) {
    Objects.requireNonNull(task, "task");
    synchronized (queue) {
      queue.add(task);
    }
  }

  /**
   * Starts running the queued tasks unless they are running already. Must not be called while holding
   * a lock that a task might need: with a direct delegate the tasks run on the calling thread.
   */
  public void flush() {
    synchronized (queue) {
      if (running || queue.isEmpty()) {
        return;
      }
      running = true;
    }
    try {
      delegate.execute(this::drain);
    } catch (RuntimeException e) {
      synchronized (queue) {
        running = false;
      }
      log.warn("event executor rejected a task; events may be lost", e);
    }
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (queue) {
        next = queue.poll();
        if (next == null) {
          running = false;
          return;
        }
      }
      try {
        next.run();
      } catch (Throwable t) {
        log.warn("event task threw; continuing with the next one", t);
      }
    }
  }
}
