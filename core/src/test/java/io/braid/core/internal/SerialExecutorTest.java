package io.braid.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SerialExecutor")
class SerialExecutorTest {

  @Test
  @DisplayName("runs tasks in submission order; a task submitted by a running task runs after it, not inside it")
  void orderAndNoNesting() {
    List<String> log = new ArrayList<>();
    SerialExecutor e = new SerialExecutor(Runnable::run);

    e.execute(() -> {
      log.add("a-start");
      e.execute(() -> log.add("c"));
      log.add("a-end");
    });
    e.execute(() -> log.add("b"));

    assertEquals(List.of("a-start", "a-end", "c", "b"), log);
  }

  @Test
  @DisplayName("queued tasks wait for flush, then run in order")
  void enqueueThenFlush() {
    List<Integer> log = new ArrayList<>();
    SerialExecutor e = new SerialExecutor(Runnable::run);

    e.enqueue(() -> log.add(1));
    e.enqueue(() -> log.add(2));
    assertEquals(List.of(), log, "nothing runs before flush");
    e.flush();

    assertEquals(List.of(1, 2), log);
  }

  @Test
  @DisplayName("a task that throws does not stop the ones after it")
  void throwingTask() {
    List<Integer> log = new ArrayList<>();
    SerialExecutor e = new SerialExecutor(Runnable::run);

    e.execute(() -> {
      throw new IllegalStateException("boom");
    });
    e.execute(() -> log.add(2));

    assertEquals(List.of(2), log);
  }

  @Test
  @DisplayName("tasks a rejecting delegate refused stay queued for the next flush")
  void rejectionKeepsTasks() {
    AtomicBoolean reject = new AtomicBoolean(true);
    List<Integer> log = new ArrayList<>();
    SerialExecutor e = new SerialExecutor(r -> {
      if (reject.get()) {
        throw new RejectedExecutionException("full");
      }
      r.run();
    });

    e.execute(() -> log.add(1));
    assertEquals(List.of(), log);
    reject.set(false);
    e.execute(() -> log.add(2));

    assertEquals(List.of(1, 2), log);
    assertThrows(NullPointerException.class, () -> e.execute(null));
  }
}
