package io.braid.transport.tcp.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.identity.Identity;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The certificate stock: each certificate handed out once, stocked off the caller's thread, bounded. */
class CertificatePoolTest {
  private final Identity identity = Identity.generate();
  private final AtomicInteger made = new AtomicInteger();
  private final Supplier<Libp2pCertificate.CertifiedKey> maker = () -> {
    made.incrementAndGet();
    return Libp2pCertificate.generate(identity);
  };

  /** Runs what it was given only when the test says so. */
  private static final class ManualExecutor implements Executor {
    final Queue<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }

    void runAll() {
      for (Runnable t; (t = tasks.poll()) != null; ) {
        t.run();
      }
    }
  }

  @Test
  void anEmptyStockMakesACertificateOnTheCallersThreadAndStartsStockingElsewhere() {
    ManualExecutor executor = new ManualExecutor();
    CertificatePool pool = new CertificatePool(maker, 3, executor);

    Libp2pCertificate.CertifiedKey first = pool.take();

    assertEquals(1, made.get(), "made at once for the caller");
    assertEquals(0, pool.ready());
    assertEquals(1, executor.tasks.size(), "one stocking task queued, not run on the caller's thread");
    executor.runAll();
    assertEquals(3, pool.ready(), "stocked up to the capacity, no further");
    assertEquals(4, made.get());
    assertNotSame(first, pool.take());
  }

  @Test
  void everyCertificateIsHandedOutOnceAndTakingTopsTheStockUp() {
    ManualExecutor executor = new ManualExecutor();
    CertificatePool pool = new CertificatePool(maker, 2, executor);
    Set<Libp2pCertificate.CertifiedKey> seen = new HashSet<>();
    List<byte[]> keys = new ArrayList<>();

    for (int i = 0; i < 7; i++) {
      Libp2pCertificate.CertifiedKey k = pool.take();
      assertTrue(seen.add(k), "certificate " + i + " was handed out before");
      keys.add(k.certificate().getPublicKey().getEncoded());
      executor.runAll();
      assertEquals(2, pool.ready());
    }
    for (int a = 0; a < keys.size(); a++) {
      for (int b = a + 1; b < keys.size(); b++) {
        assertTrue(!java.util.Arrays.equals(keys.get(a), keys.get(b)), "two connections would share a key");
      }
    }
  }

  @Test
  void onlyOneStockingTaskRunsAtATime() {
    ManualExecutor executor = new ManualExecutor();
    CertificatePool pool = new CertificatePool(maker, 4, executor);

    pool.take();
    pool.take();
    pool.take();

    assertEquals(1, executor.tasks.size());
  }

  @Test
  void aFailingMakerWhileStockingLeavesTakeToReportItsOwnError() {
    ManualExecutor executor = new ManualExecutor();
    AtomicInteger calls = new AtomicInteger();
    CertificatePool pool = new CertificatePool(() -> {
      if (calls.incrementAndGet() > 1) {
        throw new IllegalStateException("no entropy");
      }
      return Libp2pCertificate.generate(identity);
    }, 2, executor);

    pool.take();
    executor.runAll(); // the failure ends the stocking quietly

    assertEquals(0, pool.ready());
    IllegalStateException e = assertThrows(IllegalStateException.class, pool::take);
    assertEquals("no entropy", e.getMessage());
    assertEquals(1, executor.tasks.size(), "stocking is tried again on the next take");
  }

  @Test
  void closingDropsTheStockAndStopsStocking() {
    ManualExecutor executor = new ManualExecutor();
    CertificatePool pool = new CertificatePool(maker, 2, executor);
    pool.take();
    executor.runAll();

    pool.close();

    assertEquals(0, pool.ready());
    int before = made.get();
    pool.take();
    assertEquals(before + 1, made.get(), "made for the caller");
    assertTrue(executor.tasks.isEmpty(), "no stocking after close");
  }

  @Test
  void aCapacityBelowOneIsRefusedWithTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CertificatePool(maker, 0, Runnable::run));
    assertEquals("capacity must be >= 1, was 0", e.getMessage());
  }
}
