package io.braid.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A deterministic clock and scheduler for tests: time stands still until the test moves it.
 *
 * <p>{@link #scheduler()} is a {@link ScheduledExecutorService} that never runs anything by itself. Its
 * tasks run on the thread that calls {@link #forward(Duration)}, {@link #forwardNanos(long)} or
 * {@link #runDueTasks()}, in order of due time (tasks due at the same time in submission order), and the
 * clock reads each task's due time while it runs. Tasks submitted without a delay ({@code execute},
 * {@code submit}, a zero or negative delay) are due now: they run at the next of those calls. A task that
 * schedules another task due within the forwarded span sees it run in the same call. Periodic tasks run
 * once per period passed (fixed rate) or once per delay after their previous run (fixed delay). Cancelled
 * tasks leave the queue at once, so {@link #pendingTaskCount()} and {@link #pendingTasks()} show exactly
 * the timers still armed: a test can prove that a component leaked none.
 *
 * <p>Errors: a task submitted with {@code schedule} or {@code submit} that throws completes its future
 * exceptionally (as the JDK's executors do). A task given to {@code execute} has no future, so what it
 * throws propagates out of {@code forward}/{@code runDueTasks}, after the clock is consistent; tasks
 * not yet run stay queued for the next call.
 *
 * <p>{@link #nanoTime()} starts at 0 (or the value given to the constructor) and {@link #clock()} at
 * 2000-01-01T00:00:00Z (or the given instant); both move together, and only forward.
 *
 * <p>Thread-safe: any thread may schedule, cancel, read the time or forward it. Tasks run without any
 * lock of this class held, so they may schedule, cancel and read freely. Concurrent {@code forward}
 * calls each run the tasks they find due and together move time by the sum of their amounts; a
 * {@code forward} made by a running task moves time relative to that task's due time. Blocking
 * collective operations ({@code invokeAll}, {@code invokeAny}) would wait for time that never passes
 * and throw {@link UnsupportedOperationException}.
 */
public final class FakeClock {
  /** The wall-clock instant a {@code new FakeClock()} starts at. */
  public static final Instant DEFAULT_START = Instant.parse("2000-01-01T00:00:00Z");

  private static final Comparator<ScheduledTask<?>> ORDER =
      Comparator.<ScheduledTask<?>>comparingLong(t -> t.dueNanos).thenComparingLong(t -> t.sequence);

  private final Object lock = new Object();
  private final PriorityQueue<ScheduledTask<?>> queue = new PriorityQueue<>(ORDER);
  private final long startNanos;
  private final Instant startInstant;
  private final FakeScheduler scheduler = new FakeScheduler();
  private volatile long nowNanos;
  /** The furthest time any forward call has promised to reach; guarded by lock. */
  private long horizon;
  /** How deep the current thread is inside running tasks of this clock. */
  private final ThreadLocal<int[]> taskDepth = ThreadLocal.withInitial(() -> new int[1]);
  private long nextSequence;
  private boolean shutdown;

  /** A clock at nano time 0 and {@link #DEFAULT_START}. */
  public FakeClock() {
    this(0L, DEFAULT_START);
  }

  /** A clock at nano time {@code startNanos} and wall-clock time {@code startInstant}. */
  public FakeClock(long startNanos, Instant startInstant) {
    this.startNanos = startNanos;
    this.startInstant = Objects.requireNonNull(startInstant, "startInstant");
    this.nowNanos = startNanos;
    this.horizon = startNanos;
  }

  /** The current fake time in nanoseconds, in the manner of {@link System#nanoTime()}. */
  public long nanoTime() {
    return nowNanos;
  }

  /** The current fake wall-clock instant. */
  public Instant instant() {
    return startInstant.plusNanos(nowNanos - startNanos);
  }

  /** A {@link Clock} (UTC) that reads this fake time; {@link Clock#withZone} keeps reading it. */
  public Clock clock() {
    return new FakeJavaClock(ZoneOffset.UTC);
  }

  /** An {@link InstantSource} that reads this fake time. */
  public InstantSource instantSource() {
    return clock();
  }

  /** The scheduler whose tasks run only when this clock is moved. Always the same instance. */
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /**
   * Moves time forward by {@code duration}, running every task that falls due, in order.
   *
   * @return the number of task runs
   * @throws IllegalArgumentException if {@code duration} is negative or does not fit in a long of nanos
   */
  public int forward(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("cannot move time backwards: duration was " + duration);
    }
    long nanos;
    try {
      nanos = duration.toNanos();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("duration too long for nanosecond time: " + duration, e);
    }
    return forwardNanos(nanos);
  }

  /**
   * Moves time forward by {@code nanos} nanoseconds, running every task that falls due, in order.
   *
   * @return the number of task runs
   * @throws IllegalArgumentException if {@code nanos} is negative or the time would overflow a long
   */
  public int forwardNanos(long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("cannot move time backwards: nanos was " + nanos);
    }
    long target;
    synchronized (lock) {
      // A task that forwards moves time relative to its own run; top-level calls add up, even when
      // several threads forward at once while tasks are still running at intermediate times.
      long base = taskDepth.get()[0] > 0 ? nowNanos : Math.max(horizon, nowNanos);
      try {
        target = Math.addExact(base, nanos);
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("time would overflow: " + base + " + " + nanos, e);
      }
      horizon = Math.max(horizon, target);
    }
    return runUntil(target);
  }

  /** Runs every task due now (including tasks those tasks submit without delay), without moving time. */
  public int runDueTasks() {
    return runUntil(nowNanos);
  }

  /** How many tasks are waiting (scheduled, not cancelled, not yet run; a periodic task counts once). */
  public int pendingTaskCount() {
    synchronized (lock) {
      return queue.size();
    }
  }

  /** How many tasks are waiting whose due time has come. */
  public int dueTaskCount() {
    synchronized (lock) {
      int n = 0;
      for (ScheduledTask<?> t : queue) {
        if (t.dueNanos <= nowNanos) {
          n++;
        }
      }
      return n;
    }
  }

  /** A snapshot of the waiting tasks, earliest first; for leak checks and diagnostics. */
  public List<ScheduledTask<?>> pendingTasks() {
    List<ScheduledTask<?>> copy;
    synchronized (lock) {
      copy = new ArrayList<>(queue);
    }
    copy.sort(ORDER);
    return copy;
  }

  @Override
  public String toString() {
    return "FakeClock[nanoTime=" + nowNanos + ", pending=" + pendingTaskCount() + "]";
  }

  private int runUntil(long target) {
    int runs = 0;
    while (true) {
      ScheduledTask<?> next;
      synchronized (lock) {
        next = queue.peek();
        if (next == null || next.dueNanos > target) {
          if (nowNanos < target) {
            nowNanos = target;
          }
          return runs;
        }
        queue.poll();
        if (next.dueNanos > nowNanos) {
          nowNanos = next.dueNanos;
        }
      }
      runs++;
      int[] depth = taskDepth.get();
      depth[0]++;
      try {
        next.run();
      } finally {
        depth[0]--;
      }
      if (next.propagate && next.isDone()) {
        next.rethrowIfFailed();
      }
    }
  }

  private void enqueue(ScheduledTask<?> task) {
    synchronized (lock) {
      if (shutdown) {
        throw new RejectedExecutionException("the FakeClock scheduler was shut down");
      }
      task.sequence = nextSequence++;
      queue.add(task);
    }
  }

  /** Re-arms a periodic task after a run; false if the scheduler was shut down meanwhile. */
  private boolean requeue(ScheduledTask<?> task, long due) {
    synchronized (lock) {
      if (shutdown) {
        return false;
      }
      task.dueNanos = due;
      task.sequence = nextSequence++;
      queue.add(task);
      return true;
    }
  }

  private void remove(ScheduledTask<?> task) {
    synchronized (lock) {
      queue.remove(task);
    }
  }

  private long dueAfter(long delay, TimeUnit unit) {
    long nanos = unit.toNanos(Math.max(0L, delay));
    long now = nowNanos;
    long due = now + nanos;
    return due < now ? Long.MAX_VALUE : due;
  }

  /**
   * One task of the fake scheduler, as listed by {@link #pendingTasks()}. Its future behaves as the JDK's
   * {@link java.util.concurrent.ScheduledThreadPoolExecutor} futures do.
   */
  public final class ScheduledTask<V> extends FutureTask<V> implements RunnableScheduledFuture<V> {
    private final Object command;
    /** 0: one-shot; positive: fixed rate; negative: fixed delay (as in the JDK). */
    private final long periodNanos;
    private final boolean propagate;
    private volatile long dueNanos;
    private long sequence;
    private Throwable failure;

    private ScheduledTask(Callable<V> callable, Object command, long dueNanos, long periodNanos,
        boolean propagate) {
      super(callable);
      this.command = command;
      this.dueNanos = dueNanos;
      this.periodNanos = periodNanos;
      this.propagate = propagate;
    }

    /** The {@link Runnable} or {@link Callable} that was submitted. */
    public Object command() {
      return command;
    }

    /** The fake nano time at which this task runs next. */
    public long dueTimeNanos() {
      return dueNanos;
    }

    @Override
    public boolean isPeriodic() {
      return periodNanos != 0;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - nowNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      if (other == this) {
        return 0;
      }
      if (other instanceof FakeClock.ScheduledTask<?> t) {
        return ORDER.compare(this, t);
      }
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public void run() {
      if (!isPeriodic()) {
        super.run();
      } else if (runAndReset()) {
        long next = periodNanos > 0 ? saturatedAdd(dueNanos, periodNanos) : saturatedAdd(nowNanos, -periodNanos);
        if (!requeue(this, next)) {
          super.cancel(false);
        }
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      if (cancelled) {
        remove(this);
      }
      return cancelled;
    }

    @Override
    protected void setException(Throwable t) {
      failure = t;
      super.setException(t);
    }

    private void rethrowIfFailed() {
      Throwable t = failure;
      if (t instanceof RuntimeException r) {
        throw r;
      }
      if (t instanceof Error e) {
        throw e;
      }
      if (t != null) {
        throw new IllegalStateException("task threw", t);
      }
    }

    @Override
    public String toString() {
      return "ScheduledTask[due=" + dueNanos + (isPeriodic() ? ", period=" + Math.abs(periodNanos) : "")
          + ", command=" + command + "]";
    }
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    if (((a ^ r) & (b ^ r)) < 0) {
      return b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    return r;
  }

  private final class FakeScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private <V> ScheduledTask<V> submitTask(Callable<V> callable, Object command, long due, long period,
        boolean propagate) {
      ScheduledTask<V> task = new ScheduledTask<>(callable, command, due, period, propagate);
      enqueue(task);
      return task;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      Objects.requireNonNull(command, "command");
      Objects.requireNonNull(unit, "unit");
      return submitTask(Executors.callable(command), command, dueAfter(delay, unit), 0, false);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
      Objects.requireNonNull(callable, "callable");
      Objects.requireNonNull(unit, "unit");
      return submitTask(callable, callable, dueAfter(delay, unit), 0, false);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period,
        TimeUnit unit) {
      Objects.requireNonNull(command, "command");
      Objects.requireNonNull(unit, "unit");
      if (period <= 0) {
        throw new IllegalArgumentException("period must be > 0, was " + period);
      }
      return submitTask(Executors.callable(command), command, dueAfter(initialDelay, unit),
          Math.max(1, unit.toNanos(period)), false);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
        TimeUnit unit) {
      Objects.requireNonNull(command, "command");
      Objects.requireNonNull(unit, "unit");
      if (delay <= 0) {
        throw new IllegalArgumentException("delay must be > 0, was " + delay);
      }
      return submitTask(Executors.callable(command), command, dueAfter(initialDelay, unit),
          -Math.max(1, unit.toNanos(delay)), false);
    }

    @Override
    public void execute(Runnable command) {
      Objects.requireNonNull(command, "command");
      submitTask(Executors.callable(command), command, nowNanos, 0, true);
    }

    @Override
    public Future<?> submit(Runnable task) {
      return schedule(task, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public <T> Future<T> submit(Runnable task, T result) {
      Objects.requireNonNull(task, "task");
      return submitTask(Executors.callable(task, result), task, nowNanos, 0, false);
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
      return schedule(task, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) {
      throw blocking("invokeAll");
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit) {
      throw blocking("invokeAll");
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) {
      throw blocking("invokeAny");
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit) {
      throw blocking("invokeAny");
    }

    private UnsupportedOperationException blocking(String method) {
      return new UnsupportedOperationException(method + " would wait for fake time that never passes by"
          + " itself; submit the tasks and call FakeClock.forward or runDueTasks instead");
    }

    /** Rejects new tasks; queued tasks still run when time moves, periodic ones are not re-armed. */
    @Override
    public void shutdown() {
      synchronized (lock) {
        shutdown = true;
      }
    }

    /** Rejects new tasks and removes every queued one, returning them unrun. */
    @Override
    public List<Runnable> shutdownNow() {
      synchronized (lock) {
        shutdown = true;
        List<Runnable> unrun = new ArrayList<>(queue);
        queue.clear();
        return unrun;
      }
    }

    @Override
    public boolean isShutdown() {
      synchronized (lock) {
        return shutdown;
      }
    }

    @Override
    public boolean isTerminated() {
      synchronized (lock) {
        return shutdown && queue.isEmpty();
      }
    }

    /** Never waits: fake time does not pass while a thread waits. Returns {@link #isTerminated()}. */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return isTerminated();
    }

    @Override
    public String toString() {
      return "FakeClock.scheduler[" + FakeClock.this + "]";
    }
  }

  private final class FakeJavaClock extends Clock {
    private final ZoneId zone;

    FakeJavaClock(ZoneId zone) {
      this.zone = zone;
    }

    @Override
    public ZoneId getZone() {
      return zone;
    }

    @Override
    public Clock withZone(ZoneId newZone) {
      return new FakeJavaClock(Objects.requireNonNull(newZone, "zone"));
    }

    @Override
    public Instant instant() {
      return FakeClock.this.instant();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof FakeJavaClock c && c.owner() == FakeClock.this && c.zone.equals(zone);
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(FakeClock.this) ^ zone.hashCode();
    }

    private FakeClock owner() {
      return FakeClock.this;
    }

    @Override
    public String toString() {
      return "FakeClock.clock[" + instant() + ", " + zone + "]";
    }
  }
}
