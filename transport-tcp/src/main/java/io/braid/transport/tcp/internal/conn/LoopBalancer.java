package io.braid.transport.tcp.internal.conn;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorChooserFactory;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Places each new channel on the event loop that has the fewest live channels (ties go round-robin), so
 * that k connections to one peer run on k different loops, and so on k cores where the machine has them,
 * even after other connections came and went (Netty's default chooser is plain round-robin, which after
 * churn can put two busy connections on one loop while another loop idles).
 *
 * <p>Counting: {@link EventExecutorChooser#next()} reserves a slot on the loop it returns (Netty calls it
 * once per channel registration; the transport uses its group for nothing else), and {@link #track}
 * gives the slot back when that channel closes. Thread-safe.
 */
public final class LoopBalancer implements EventExecutorChooserFactory {
  private final Map<EventExecutor, AtomicInteger> live = new IdentityHashMap<>();
  private volatile EventExecutor[] loops = new EventExecutor[0];
  private final AtomicInteger turn = new AtomicInteger();

  @Override
  public EventExecutorChooser newChooser(EventExecutor[] executors) {
    synchronized (live) {
      for (EventExecutor e : executors) {
        live.put(e, new AtomicInteger());
      }
      loops = executors.clone();
    }
    return this::choose;
  }

  private EventExecutor choose() {
    EventExecutor[] all = loops;
    int start = Math.floorMod(turn.getAndIncrement(), all.length);
    EventExecutor best = null;
    int bestCount = Integer.MAX_VALUE;
    for (int i = 0; i < all.length; i++) {
      EventExecutor e = all[(start + i) % all.length];
      int n = live.get(e).get();
      if (n < bestCount) {
        best = e;
        bestCount = n;
      }
    }
    live.get(best).incrementAndGet();
    return best;
  }

  /** Gives {@code ch}'s slot back when it closes; call once per channel registered on the group. */
  public void track(Channel ch) {
    AtomicInteger n = live.get(ch.eventLoop());
    if (n != null) {
      ch.closeFuture().addListener(f -> n.decrementAndGet());
    }
  }

  /** Live channels per loop, in the group's order (for tests). */
  public int[] counts() {
    EventExecutor[] all = loops;
    int[] out = new int[all.length];
    for (int i = 0; i < all.length; i++) {
      out[i] = live.get(all[i]).get();
    }
    return out;
  }
}
