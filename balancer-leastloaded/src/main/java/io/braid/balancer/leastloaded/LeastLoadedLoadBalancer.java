package io.braid.balancer.leastloaded;

import io.braid.api.LoadBalancer;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks a connection carrying the fewest streams ({@link NetConn#streamCount()}).
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>Least loaded.</b> The result has the smallest stream count among the counts this pick read,
 *       one read per candidate. Counts change while other threads open and close streams, so under
 *       concurrency that is the minimum of a moving picture, not of one instant; with counts that do not
 *       change during the pick it is the exact minimum. A count below zero (which a correct
 *       {@link NetConn} never reports) counts as zero.</li>
 *   <li><b>Ties spread.</b> Each pick starts its scan at a rotating position (a counter shared by all
 *       peers, advanced once per pick) and keeps the first least-loaded connection it meets from there,
 *       wrapping around. So with one caller, one peer and unchanged counts, any {@code n} consecutive
 *       picks on a list of {@code n} return every tied least-loaded connection at least once; when all
 *       are tied (say, all idle) they are returned in turn. Picks for other peers or from other threads
 *       move the start too, which spreads ties statistically instead.</li>
 *   <li><b>Any list.</b> Every pick reads only the list it is given: a changing list never throws and
 *       never yields a connection outside it. A one-element list is answered at once.</li>
 * </ul>
 *
 * <h2>Threads and cost</h2>
 * Thread-safe, lock-free and stateless apart from the rotating start: a pick is one atomic increment
 * and at most {@code n} {@code streamCount()} calls (it stops early at an idle connection, which no
 * other can beat), and allocates nothing. No state is kept per peer, so memory does not grow with the
 * number of peers.
 */
public final class LeastLoadedLoadBalancer implements LoadBalancer {
  private final AtomicInteger start = new AtomicInteger();

  /** A new balancer. */
  public LeastLoadedLoadBalancer() {}

  /**
   * Returns a least-loaded connection of {@code candidates}.
   *
   * @throws NullPointerException if {@code peer} or {@code candidates} is null
   * @throws IllegalArgumentException if {@code candidates} is empty
   */
  @Override
  public NetConn select(PeerId peer, List<NetConn> candidates) {
    Objects.requireNonNull(peer, "peer");
    int n = candidates.size();
    if (n == 1) {
      return candidates.get(0);
    }
    if (n == 0) {
      throw new IllegalArgumentException("candidates is empty: there must be at least one open connection");
    }
    // The mask keeps the start non-negative when the counter wraps after 2^31 picks.
    int i = (start.getAndIncrement() & Integer.MAX_VALUE) % n;
    NetConn best = candidates.get(i);
    int bestCount = best.streamCount();
    for (int k = 1; k < n && bestCount > 0; k++) {
      if (++i == n) {
        i = 0;
      }
      NetConn c = candidates.get(i);
      int count = c.streamCount();
      if (count < bestCount) {
        best = c;
        bestCount = count;
      }
    }
    return best;
  }

  @Override
  public String toString() {
    return "LeastLoadedLoadBalancer";
  }
}
