package io.braid.benchmarks;

import io.braid.api.ConnectionConfig;
import io.braid.api.NetConn;
import io.braid.api.StreamRouter;
import io.braid.api.TransportContext;
import io.braid.core.Swarm;
import io.braid.testkit.MemoryNetwork;
import io.braid.testkit.MemoryTransport;
import io.braid.testkit.TestIdentity;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Retained heap per connection the swarm tracks, on the in-memory transport.
 *
 * <p>Two modes, each measured as the used heap after repeated full GCs, before and after opening
 * {@code peers × perPeer} connections to bare listening peers (one {@link MemoryTransport} per remote
 * identity, created before the first measurement, so they are not counted):
 * <ul>
 *   <li>{@code transport}: a lone {@link MemoryTransport} dials every connection itself and the harness
 *       keeps them in an array allocated before the measurement. This is the transport's own cost, both
 *       ends of each in-memory connection included.</li>
 *   <li>{@code swarm}: a {@link Swarm} on the same kind of transport is given the addresses and dials
 *       every peer with {@code dialPeer}; this counts the transport <em>and</em> the swarm's
 *       bookkeeping (peer records, connection lists, address book, close-future callbacks).</li>
 * </ul>
 * The difference is the swarm's share. Each mode runs {@code rounds} times after a small warm-up round
 * (class loading, static caches) and the median is reported.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.braid.benchmarks.HeapPerConnection
 * [peers=3000] [perPeer=3] [rounds=3]}.
 */
public final class HeapPerConnection {
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
  /** Dials in flight at once, in peers; stays under the swarm's default pending-handshake cap. */
  private static final int WINDOW = 32;

  private HeapPerConnection() {}

  public static void main(String[] args) {
    int peers = arg(args, 0, 3000, "peers");
    int perPeer = arg(args, 1, 3, "perPeer");
    int rounds = arg(args, 2, 3, "rounds");
    int conns = peers * perPeer;
    List<String> gcs = ManagementFactory.getGarbageCollectorMXBeans().stream()
        .map(GarbageCollectorMXBean::getName).toList();
    System.out.printf(Locale.ROOT, "HeapPerConnection: %d peers x %d = %d connections; java %s; GC %s%n",
        peers, perPeer, conns, Runtime.version(), gcs);

    measure(Mode.TRANSPORT, Math.min(peers, 100), perPeer); // warm-up, not reported
    measure(Mode.SWARM, Math.min(peers, 100), perPeer);

    long[] transport = new long[rounds];
    long[] swarm = new long[rounds];
    for (int r = 0; r < rounds; r++) {
      transport[r] = measure(Mode.TRANSPORT, peers, perPeer);
      swarm[r] = measure(Mode.SWARM, peers, perPeer);
      System.out.printf(Locale.ROOT, "  round %d: transport %,d B, swarm %,d B%n", r + 1, transport[r], swarm[r]);
    }
    long t = median(transport);
    long s = median(swarm);
    System.out.printf(Locale.ROOT, "%-32s %14s %16s %12s%n", "mode (median of rounds)", "heap delta B",
        "B/connection", "B/peer");
    row("transport only (both ends)", t, conns, peers);
    row("swarm + transport", s, conns, peers);
    row("swarm bookkeeping (difference)", s - t, conns, peers);
  }

  private enum Mode { TRANSPORT, SWARM }

  /** Opens the connections in {@code mode}; returns the growth of used heap they caused, in bytes. */
  private static long measure(Mode mode, int peers, int perPeer) {
    MemoryNetwork network = new MemoryNetwork();
    List<SwarmFixtures.BarePeer> remotes = SwarmFixtures.barePeers(network, peers, 1_000_000, null);
    NetConn[] kept = new NetConn[peers * perPeer];
    MemoryTransport lone = null;
    Swarm swarm = null;
    if (mode == Mode.TRANSPORT) {
      lone = MemoryTransport.builder(network)
          .context(new TransportContext(TestIdentity.fromSeed(0), StreamRouter.refuseAll(), Duration.ofSeconds(30)))
          .build();
    } else {
      swarm = SwarmFixtures.swarm(network, TestIdentity.fromSeed(0), ConnectionConfig.builder()
          .maxConnectionsPerPeer(perPeer)
          .maxConnections(peers * perPeer)
          .build(), null);
    }
    long before = usedAfterGc();
    if (mode == Mode.TRANSPORT) {
      for (int from = 0; from < peers; from += WINDOW) {
        int to = Math.min(peers, from + WINDOW);
        List<CompletableFuture<NetConn>> dials = new ArrayList<>();
        for (int i = from; i < to; i++) {
          for (int k = 0; k < perPeer; k++) {
            dials.add(lone.dial(remotes.get(i).address(), remotes.get(i).id()));
          }
        }
        for (int j = 0; j < dials.size(); j++) {
          kept[from * perPeer + j] = SwarmFixtures.await(dials.get(j));
        }
      }
    } else {
      SwarmFixtures.dialAll(swarm, remotes, perPeer, WINDOW);
    }
    long after = usedAfterGc();
    int open = mode == Mode.TRANSPORT ? lone.openConnectionCount() : swarm.getConnections().size();
    if (open != peers * perPeer) {
      throw new IllegalStateException(mode + ": expected " + peers * perPeer + " open connections, got " + open);
    }
    Reference.reachabilityFence(kept);
    if (swarm != null) {
      swarm.close();
      SwarmFixtures.await(swarm.closeFuture());
    }
    if (lone != null) {
      lone.close();
    }
    for (SwarmFixtures.BarePeer p : remotes) {
      p.transport().close();
    }
    Reference.reachabilityFence(network);
    return after - before;
  }

  /** Used heap after full GCs, once it stops shrinking (at most 10 collections). */
  private static long usedAfterGc() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      long now = MEMORY.getHeapMemoryUsage().getUsed();
      if (now >= used && i >= 2) {
        return Math.min(now, used);
      }
      used = Math.min(used, now);
    }
    return used;
  }

  private static void row(String label, long delta, int conns, int peers) {
    System.out.printf(Locale.ROOT, "%-32s %,14d %,16.1f %,12.1f%n", label, delta, (double) delta / conns,
        (double) delta / peers);
  }

  private static long median(long[] values) {
    long[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }

  private static int arg(String[] args, int i, int fallback, String name) {
    if (args.length <= i) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(args[i]);
      if (n < 1) {
        throw new IllegalArgumentException(name + " must be >= 1, was " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, was '" + args[i] + "'", e);
    }
  }
}
