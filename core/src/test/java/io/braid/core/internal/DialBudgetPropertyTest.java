package io.braid.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ConnectionConfig;
import io.braid.api.PeerId;
import io.braid.testkit.FakeNetConn;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The maxDialsInFlight queue under any sequence of acquires, releases and cancellations. */
class DialBudgetPropertyTest {
  private static final PeerId PEER = FakeNetConn.testPeer(3);

  @Property
  @Label("never more than the cap in flight, no idle slot while a try waits, slots granted first come first served")
  void capFifoAndWorkConserving(@ForAll @IntRange(min = 1, max = 4) int max,
      @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 2) Integer> ops) {
    DialBudget budget = new DialBudget(ConnectionConfig.builder().maxDialsInFlight(max).build(), () -> 0L);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    List<Integer> held = new ArrayList<>(); // indexes of granted, unreleased tries
    List<Integer> grantOrder = new ArrayList<>();
    for (int op : ops) {
      switch (op) {
        case 0 -> {
          int id = all.size();
          CompletableFuture<Void> f = budget.acquire(PEER);
          all.add(f);
          f.thenRun(() -> {
            held.add(id);
            grantOrder.add(id);
          });
        }
        case 1 -> {
          if (!held.isEmpty()) {
            held.remove(0);
            budget.release();
          }
        }
        default -> {
          for (CompletableFuture<Void> f : all) {
            if (!f.isDone()) {
              f.cancel(false);
              break;
            }
          }
        }
      }
      long waiting = all.stream().filter(f -> !f.isDone()).count();
      assertTrue(held.size() <= max, "in flight " + held.size() + " over the cap " + max);
      if (waiting > 0) {
        assertEquals(max, held.size(), "a slot idles while " + waiting + " wait");
      }
      assertEquals(held.size(), budget.inFlight());
      assertEquals(waiting, budget.queued());
    }
    for (int i = 1; i < grantOrder.size(); i++) {
      assertTrue(grantOrder.get(i - 1) < grantOrder.get(i), "granted out of order: " + grantOrder);
    }
  }
}
