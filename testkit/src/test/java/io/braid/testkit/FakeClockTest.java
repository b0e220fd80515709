package io.braid.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class FakeClockTest {
  private final FakeClock clock = new FakeClock();
  private final ScheduledExecutorService scheduler = clock.scheduler();

  @Test
  void aScheduledTaskRunsOnlyOnceTimeReachesItsDueTime() {
    AtomicInteger runs = new AtomicInteger();
    ScheduledFuture<?> f = scheduler.schedule(runs::incrementAndGet, 100, TimeUnit.MILLISECONDS);

    assertEquals(0, clock.forward(Duration.ofMillis(99)));
    assertEquals(0, runs.get());
    assertFalse(f.isDone());
    assertEquals(1, clock.forward(Duration.ofMillis(1)));
    assertEquals(1, runs.get());
    assertTrue(f.isDone());
    assertEquals(0, clock.pendingTaskCount());
  }

  @Test
  void nothingRunsByItselfNotEvenImmediateTasks() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    scheduler.execute(runs::incrementAndGet);
    Future<?> submitted = scheduler.submit(runs::incrementAndGet);
    assertEquals(0, runs.get());
    assertEquals(2, clock.dueTaskCount());

    assertEquals(2, clock.runDueTasks());
    assertEquals(2, runs.get());
    assertEquals(2, submitted.get(0, TimeUnit.SECONDS));
    assertEquals(0, clock.nanoTime(), "runDueTasks does not move time");
  }

  @Test
  void tasksRunInDueTimeOrderAndTiesInSubmissionOrder() {
    List<String> order = new ArrayList<>();
    scheduler.schedule(() -> order.add("c@30"), 30, TimeUnit.NANOSECONDS);
    scheduler.schedule(() -> order.add("a@10"), 10, TimeUnit.NANOSECONDS);
    scheduler.schedule(() -> order.add("b1@20"), 20, TimeUnit.NANOSECONDS);
    scheduler.schedule(() -> order.add("b2@20"), 20, TimeUnit.NANOSECONDS);
    scheduler.execute(() -> order.add("now"));

    assertEquals(5, clock.forwardNanos(100));
    assertEquals(List.of("now", "a@10", "b1@20", "b2@20", "c@30"), order);
  }

  @Test
  void eachTaskSeesItsOwnDueTimeAndTimeEndsAtTheTarget() {
    List<Long> seen = new ArrayList<>();
    for (long d : new long[] {5, 50, 500}) {
      scheduler.schedule(() -> seen.add(clock.nanoTime()), d, TimeUnit.NANOSECONDS);
    }
    clock.forwardNanos(1000);
    assertEquals(List.of(5L, 50L, 500L), seen);
    assertEquals(1000, clock.nanoTime());
  }

  @Test
  void aTaskScheduledByATaskRunsInTheSameForwardOnlyIfDueWithinIt() {
    List<String> order = new ArrayList<>();
    scheduler.schedule(() -> {
      order.add("outer");
      scheduler.schedule(() -> order.add("inner+5"), 5, TimeUnit.NANOSECONDS);
      scheduler.schedule(() -> order.add("inner+50"), 50, TimeUnit.NANOSECONDS);
      scheduler.execute(() -> order.add("inner-now"));
    }, 10, TimeUnit.NANOSECONDS);

    clock.forwardNanos(20);
    assertEquals(List.of("outer", "inner-now", "inner+5"), order);
    assertEquals(1, clock.pendingTaskCount());
    clock.forwardNanos(40);
    assertEquals(List.of("outer", "inner-now", "inner+5", "inner+50"), order);
  }

  @Test
  void aFixedRateTaskRunsOncePerPeriodPassedAndStaysOnePendingTask() {
    List<Long> times = new ArrayList<>();
    ScheduledFuture<?> f = scheduler.scheduleAtFixedRate(() -> times.add(clock.nanoTime()), 5, 10,
        TimeUnit.NANOSECONDS);

    assertEquals(4, clock.forwardNanos(40));
    assertEquals(List.of(5L, 15L, 25L, 35L), times);
    assertEquals(1, clock.pendingTaskCount());
    assertEquals(45, clock.pendingTasks().get(0).dueTimeNanos());
    assertTrue(clock.pendingTasks().get(0).isPeriodic());

    assertTrue(f.cancel(false));
    assertEquals(0, clock.pendingTaskCount());
    clock.forwardNanos(100);
    assertEquals(4, times.size(), "a cancelled periodic task runs no more");
  }

  @Test
  void aFixedDelayTaskCountsItsDelayFromTheEndOfEachRun() {
    List<Long> starts = new ArrayList<>();
    scheduler.scheduleWithFixedDelay(() -> {
      starts.add(clock.nanoTime());
      clock.forwardNanos(3); // the run itself "takes" 3 ns
    }, 0, 10, TimeUnit.NANOSECONDS);
    List<Long> rateStarts = new ArrayList<>();
    FakeClock other = new FakeClock();
    other.scheduler().scheduleAtFixedRate(() -> {
      rateStarts.add(other.nanoTime());
      other.forwardNanos(3);
    }, 0, 10, TimeUnit.NANOSECONDS);

    clock.forwardNanos(35);
    other.forwardNanos(35);
    assertEquals(List.of(0L, 13L, 26L), starts);
    assertEquals(List.of(0L, 10L, 20L, 30L), rateStarts);
  }

  @Test
  void cancellingATaskRemovesItFromThePendingTasks() {
    Runnable a = () -> { };
    Runnable b = () -> { };
    ScheduledFuture<?> fa = scheduler.schedule(a, 1, TimeUnit.SECONDS);
    scheduler.schedule(b, 2, TimeUnit.SECONDS);
    assertEquals(2, clock.pendingTaskCount());

    assertTrue(fa.cancel(false));
    assertEquals(1, clock.pendingTaskCount());
    assertSame(b, clock.pendingTasks().get(0).command());
    assertTrue(fa.isCancelled());
    assertFalse(fa.cancel(false), "cancelling twice reports false");
  }

  @Test
  void pendingTasksListsArmedTimersEarliestFirst() {
    Runnable late = () -> { };
    Callable<String> early = () -> "x";
    scheduler.schedule(late, 2, TimeUnit.SECONDS);
    ScheduledFuture<String> f = scheduler.schedule(early, 1, TimeUnit.SECONDS);
    clock.forward(Duration.ofMillis(250));

    List<FakeClock.ScheduledTask<?>> tasks = clock.pendingTasks();
    assertEquals(2, tasks.size());
    assertSame(early, tasks.get(0).command());
    assertSame(late, tasks.get(1).command());
    assertEquals(1_000_000_000L, tasks.get(0).dueTimeNanos());
    assertEquals(750, f.getDelay(TimeUnit.MILLISECONDS));
    assertTrue(tasks.get(0).compareTo(tasks.get(1)) < 0);
    assertFalse(tasks.get(0).isPeriodic());
  }

  @Test
  void theJavaClockAndInstantSourceFollowFakeTime() {
    Clock c = clock.clock();
    assertEquals(FakeClock.DEFAULT_START, c.instant());
    assertEquals(ZoneId.of("Z"), c.getZone());
    clock.forward(Duration.ofSeconds(90).plusNanos(7));
    assertEquals(FakeClock.DEFAULT_START.plusSeconds(90).plusNanos(7), c.instant());
    assertEquals(c.instant(), clock.instantSource().instant());
    Clock paris = c.withZone(ZoneId.of("Europe/Paris"));
    clock.forward(Duration.ofSeconds(1));
    assertEquals(clock.instant(), paris.instant());
    assertEquals(c.millis(), paris.millis());

    FakeClock custom = new FakeClock(-5, Instant.EPOCH);
    assertEquals(-5, custom.nanoTime());
    custom.forwardNanos(1_000_000_000L);
    assertEquals(999_999_995L, custom.nanoTime());
    assertEquals(Instant.ofEpochSecond(1), custom.instant(), "the instant moves by the nanos passed since the start");
  }

  @Test
  void timeCannotMoveBackwardsOrOverflow() {
    IllegalArgumentException back = assertThrows(IllegalArgumentException.class,
        () -> clock.forward(Duration.ofNanos(-1)));
    assertTrue(back.getMessage().contains("backwards"), back.getMessage());
    assertThrows(IllegalArgumentException.class, () -> clock.forwardNanos(-1));
    assertThrows(IllegalArgumentException.class, () -> clock.forward(Duration.ofDays(365L * 1000)));
    clock.forwardNanos(Long.MAX_VALUE);
    assertThrows(IllegalArgumentException.class, () -> clock.forwardNanos(1));
    assertEquals(Long.MAX_VALUE, clock.nanoTime());
  }

  @Test
  void aHugeDelaySaturatesInsteadOfOverflowing() {
    clock.forwardNanos(10);
    scheduler.schedule(() -> { }, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    assertEquals(Long.MAX_VALUE, clock.pendingTasks().get(0).dueTimeNanos());
    assertEquals(0, clock.forward(Duration.ofDays(365)));
  }

  @Test
  void aNegativeDelayMeansNow() {
    AtomicInteger runs = new AtomicInteger();
    scheduler.schedule(runs::incrementAndGet, -5, TimeUnit.SECONDS);
    assertEquals(1, clock.runDueTasks());
    assertEquals(1, runs.get());
  }

  @Test
  void anExecutedTaskThatThrowsPropagatesOutOfForwardAndLaterTasksStayQueued() {
    AtomicInteger later = new AtomicInteger();
    scheduler.execute(() -> {
      throw new IllegalStateException("boom");
    });
    scheduler.schedule(later::incrementAndGet, 1, TimeUnit.NANOSECONDS);

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> clock.forwardNanos(5));
    assertEquals("boom", e.getMessage());
    assertEquals(0, later.get());
    assertEquals(1, clock.pendingTaskCount());
    clock.forwardNanos(5);
    assertEquals(1, later.get());
  }

  @Test
  void aScheduledTaskThatThrowsFailsItsFutureOnly() {
    ScheduledFuture<Object> f = scheduler.schedule(() -> {
      throw new IllegalStateException("boom");
    }, 1, TimeUnit.NANOSECONDS);
    assertEquals(1, clock.forwardNanos(1));
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(0, TimeUnit.SECONDS));
    assertInstanceOf(IllegalStateException.class, e.getCause());
  }

  @Test
  void aPeriodicTaskThatThrowsStopsRepeating() {
    AtomicInteger runs = new AtomicInteger();
    ScheduledFuture<?> f = scheduler.scheduleAtFixedRate(() -> {
      if (runs.incrementAndGet() == 2) {
        throw new IllegalStateException("second run fails");
      }
    }, 0, 1, TimeUnit.SECONDS);
    clock.forward(Duration.ofSeconds(10));
    assertEquals(2, runs.get());
    assertTrue(f.isDone());
    assertEquals(0, clock.pendingTaskCount());
  }

  @Test
  void blockingCollectiveOperationsAreRefused() {
    List<Callable<Integer>> tasks = List.of(() -> 1);
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> scheduler.invokeAll(tasks));
    assertTrue(e.getMessage().contains("forward"), e.getMessage());
    assertThrows(UnsupportedOperationException.class, () -> scheduler.invokeAny(tasks));
    assertThrows(UnsupportedOperationException.class, () -> scheduler.invokeAll(tasks, 1, TimeUnit.SECONDS));
    assertThrows(UnsupportedOperationException.class, () -> scheduler.invokeAny(tasks, 1, TimeUnit.SECONDS));
  }

  @Test
  void badArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> scheduler.scheduleAtFixedRate(() -> { }, 0, 0, TimeUnit.SECONDS));
    assertThrows(IllegalArgumentException.class,
        () -> scheduler.scheduleWithFixedDelay(() -> { }, 0, -1, TimeUnit.SECONDS));
    assertThrows(NullPointerException.class, () -> scheduler.execute(null));
    assertThrows(NullPointerException.class, () -> scheduler.schedule((Runnable) null, 1, TimeUnit.SECONDS));
    assertEquals(0, clock.pendingTaskCount());
  }

  @Test
  void shutdownRejectsNewTasksAndShutdownNowHandsBackTheUnrunOnes() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    scheduler.schedule(runs::incrementAndGet, 1, TimeUnit.SECONDS);
    scheduler.scheduleAtFixedRate(runs::incrementAndGet, 0, 1, TimeUnit.SECONDS);
    scheduler.shutdown();
    assertTrue(scheduler.isShutdown());
    assertThrows(RejectedExecutionException.class, () -> scheduler.execute(runs::incrementAndGet));
    assertFalse(scheduler.isTerminated());

    clock.forward(Duration.ofSeconds(5));
    assertEquals(2, runs.get(), "queued tasks still run, the periodic one is not re-armed");
    assertTrue(scheduler.isTerminated());
    assertTrue(scheduler.awaitTermination(1, TimeUnit.DAYS));

    FakeClock other = new FakeClock();
    other.scheduler().schedule(runs::incrementAndGet, 1, TimeUnit.SECONDS);
    assertEquals(1, other.scheduler().shutdownNow().size());
    assertEquals(0, other.pendingTaskCount());
    assertTrue(other.scheduler().awaitTermination(0, TimeUnit.SECONDS));
  }

  @Test
  void theSchedulerIsAlwaysTheSameInstanceAndClocksAreIndependent() {
    assertSame(clock.scheduler(), clock.scheduler());
    FakeClock other = new FakeClock();
    assertNotSame(clock.scheduler(), other.scheduler());
    other.forwardNanos(5);
    assertEquals(0, clock.nanoTime());
  }

  @Test
  void tasksScheduledConcurrentlyFromManyThreadsEachRunExactlyOnce() throws Exception {
    int threads = 4;
    int perThread = 500;
    AtomicInteger runs = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> submitters = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        submitters.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            ScheduledFuture<?> f = scheduler.schedule(runs::incrementAndGet, (i * 7L + seed) % 100,
                TimeUnit.MILLISECONDS);
            if (i % 10 == 0) {
              f.cancel(false);
            }
          }
        }));
      }
      for (Future<?> f : submitters) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    int cancelled = threads * (perThread / 10);
    assertEquals(threads * perThread - cancelled, clock.pendingTaskCount());
    clock.forward(Duration.ofMillis(100));
    assertEquals(threads * perThread - cancelled, runs.get());
    assertEquals(0, clock.pendingTaskCount());
  }

  @Test
  void forwardingFromSeveralThreadsRunsEveryTaskOnce() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    for (int i = 0; i < 1000; i++) {
      scheduler.schedule(runs::incrementAndGet, i, TimeUnit.MICROSECONDS);
    }
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        fs.add(pool.submit(() -> {
          for (int i = 0; i < 100; i++) {
            clock.forward(Duration.ofNanos(10_000));
          }
        }));
      }
      for (Future<?> f : fs) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1000, runs.get());
    assertEquals(3_000_000, clock.nanoTime());
  }

  @Property(tries = 200)
  void anyMixOfDelaysRunsInNonDecreasingDueOrderEachAtItsDueTime(
      @ForAll @Size(max = 40) List<@LongRange(min = 0, max = 1_000) Long> delays,
      @ForAll @LongRange(min = 0, max = 1_200) long forwardBy) {
    FakeClock c = new FakeClock();
    List<long[]> ran = new CopyOnWriteArrayList<>();
    for (int i = 0; i < delays.size(); i++) {
      long d = delays.get(i);
      int index = i;
      c.scheduler().schedule(() -> ran.add(new long[] {d, index, c.nanoTime()}), d, TimeUnit.NANOSECONDS);
    }
    int runs = c.forwardNanos(forwardBy);

    long expected = delays.stream().filter(d -> d <= forwardBy).count();
    assertEquals(expected, runs);
    assertEquals(expected, ran.size());
    for (int i = 0; i < ran.size(); i++) {
      assertEquals(ran.get(i)[0], ran.get(i)[2], "a task runs at its due time");
      if (i > 0) {
        long[] prev = ran.get(i - 1);
        long[] cur = ran.get(i);
        assertTrue(prev[0] < cur[0] || (prev[0] == cur[0] && prev[1] < cur[1]), "order by due time, then submission");
      }
    }
    assertEquals(delays.size() - expected, c.pendingTaskCount());
    assertEquals(forwardBy, c.nanoTime());
  }
}
