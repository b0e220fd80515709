package io.braid.cli;

import static io.braid.cli.TourKit.await;
import static io.braid.cli.TourKit.check;
import static io.braid.cli.TourKit.millisSince;

import io.braid.api.CloseReason;
import io.braid.api.ConnectionConfig;
import io.braid.api.ConnectionStats;
import io.braid.api.KeepConnected;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.NetworkListener;
import io.braid.api.PeerId;
import io.braid.core.Swarm;
import io.braid.protocols.Echo;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The demo's connection-set scenes (issue 14): a connection killed and replaced by keep-N, a connection
 * made slow and the {@code ewma} balancer steering new streams around it, and a drain with streams in
 * flight that fails none of them while keep-N opens the replacement first. Each prints what happened with
 * its figures and checks it; the first check that does not hold ends the tour with a
 * {@link SwarmTour.Failure}.
 *
 * <p>Runs inside {@link SwarmTour}'s tour, which makes and closes the swarms ({@link Stage}).
 */
final class SelfCareScenes {
  /** Connections kept to the server; the per-peer cap leaves one more for a replacement opened first. */
  static final int KEPT = 3;
  private static final int CAP = KEPT + 1;
  /** The slow path's one-way delay: a 100 ms round trip where the others take about 1 ms. */
  static final Duration SLOW_ONE_WAY = Duration.ofMillis(50);
  static final int STEERED_STREAMS = 150;
  private static final int STEERED_WAVE = 10;
  static final int DRAIN_STREAMS = 24;
  private static final long DRAIN_STREAM_BYTES = 1L << 20;
  static final Duration DRAIN_GRACE = Duration.ofSeconds(5);

  /** What the scenes need from the tour. */
  interface Stage {
    /** A new node serving echo, named {@code name}, its config made from the tour's with {@code config}. */
    Swarm node(String name, UnaryOperator<ConnectionConfig.Builder> config);

    PrintWriter out();

    Map<String, Object> result();

    void section(String title);

    void table(List<String> headers, List<List<String>> rows);

    /** A slow path to {@code target} on this wire, or null if the wire has none. */
    SwarmTour.SlowPath slowPath(Multiaddr target);
  }

  private final Stage stage;
  private final PrintWriter out;
  private final int firstSection;

  SelfCareScenes(Stage stage, int firstSection) {
    this.stage = stage;
    this.out = stage.out();
    this.firstSection = firstSection;
  }

  /** Runs the three scenes against a server listening on {@code listenAddress}; returns the next section number. */
  int run(Multiaddr listenAddress) {
    Swarm server = stage.node("S", c -> c.maxConnectionsPerPeer(CAP));
    Multiaddr sAddress = await(server.listen(listenAddress), "S listening").get(0);
    Swarm keeper = stage.node("K", c -> c.maxConnectionsPerPeer(CAP));
    keeper.addAddresses(server.localPeer(), sAddress);
    int n = firstSection;
    KeepConnected keep = keepN(n++, keeper, server);
    steer(n++, server, sAddress);
    drain(n++, keeper, server);
    keep.close();
    return n;
  }

  // --- keep N ----------------------------------------------------------------------------------

  private KeepConnected keepN(int section, Swarm k, Swarm s) {
    stage.section(section + ". Keep N: a connection killed and replaced");
    PeerId sPeer = s.localPeer();
    Events events = new Events(sPeer);
    k.addListener(events);
    long t0 = System.nanoTime();
    KeepConnected keep = k.keepConnected(sPeer, KEPT);
    out.printf("K.keepConnected(S, %d) (per-peer cap %d) ...%n", KEPT, CAP);
    await(events.restored(), "K reaching its target of " + KEPT);
    out.printf("... %d connections in %d ms: %s%n", k.getConnections(sPeer).size(), millisSince(t0),
        ids(k.getConnections(sPeer)));

    // The server drops one: to K that is a connection lost, as when a NAT or a middlebox forgets it.
    // S admits K's connections on its own threads, possibly a moment after K counts them.
    await(TourKit.when(() -> s.getConnections(k.localPeer()).size() == KEPT, Duration.ofMillis(5)),
        "S admitting K's " + KEPT + " connections");
    List<NetConn> onServer = s.getConnections(k.localPeer());
    check(onServer.size() == KEPT, "S should see " + KEPT + " connections from K, sees " + onServer.size());
    NetConn dropped = onServer.get(1);
    events.reset();
    long kill = System.nanoTime();
    events.note(kill, "S drops its end of one connection (" + dropped.remoteAddress() + ")");
    dropped.close();
    Duration took = await(events.restored(), "K replacing the dropped connection");
    events.print(out, kill);
    List<NetConn> now = k.getConnections(sPeer);
    out.printf("=> K is back at %d connections %d ms after the drop (targetRestored says %d ms): %s%n",
        now.size(), millisSince(kill), took.toMillis(), ids(now));
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("target", KEPT);
    r.put("replaced_ms", took.toNanos() / 1e6);
    r.put("connections", now.size());
    stage.result().put("keep_n", r);
    check(events.belowTarget.get() == 1, "K should report belowTarget once, reported " + events.belowTarget.get());
    check(now.size() == KEPT, "K should hold " + KEPT + " connections again, holds " + now.size());
    k.removeListener(events);
    return keep;
  }

  // --- a slow connection and the ewma balancer -------------------------------------------------

  private void steer(int section, Swarm s, Multiaddr sAddress) {
    stage.section(section + ". A slow connection: the ewma balancer steers around it");
    List<SwarmTour.SlowPath> paths = new ArrayList<>();
    for (int i = 0; i < KEPT; i++) {
      SwarmTour.SlowPath p = stage.slowPath(sAddress);
      if (p == null) {
        out.println("(this wire cannot slow one connection down: scene skipped)");
        return;
      }
      paths.add(p);
    }
    try {
      Swarm e = stage.node("E", c -> c.maxConnectionsPerPeer(KEPT).loadBalancingStrategy("ewma")
          .keepAliveInterval(Duration.ofMillis(100)));
      PeerId sPeer = s.localPeer();
      out.printf("E (balancer ewma, a keep-alive ping every 100 ms) reaches S through %d relays:%n", KEPT);
      for (SwarmTour.SlowPath p : paths) {
        e.addAddresses(sPeer, p.address());
      }
      List<NetConn> conns = await(e.dialPeer(sPeer), "E.dialPeer(S)");
      check(conns.size() == KEPT, "E should hold " + KEPT + " connections to S, holds " + conns.size());
      Map<Multiaddr, SwarmTour.SlowPath> byAddress = new LinkedHashMap<>();
      for (SwarmTour.SlowPath p : paths) {
        byAddress.put(p.address(), p);
      }
      NetConn slow = conns.get(conns.size() - 1);
      SwarmTour.SlowPath slowPath = byAddress.get(slow.remoteAddress());
      check(slowPath != null, "E's connection " + slow.id() + " should go through a relay, goes to "
          + slow.remoteAddress());
      slowPath.delay(SLOW_ONE_WAY);
      out.printf("the relay under %s now holds each direction back %d ms (a %d ms round trip)%n", slow.id(),
          SLOW_ONE_WAY.toMillis(), 2 * SLOW_ONE_WAY.toMillis());
      long t0 = System.nanoTime();
      long slowNanos = SLOW_ONE_WAY.toNanos(); // smoothed RTT past one one-way delay: seen as slow
      await(TourKit.when(() -> rtt(e, slow) > slowNanos, Duration.ofMillis(20)),
          "E's pings seeing " + slow.id() + " slow");
      out.printf("after %d ms E's pings see it: smoothed RTT %s%n", millisSince(t0), ms(rtt(e, slow)));
      // On a busy machine a fast connection's pings can queue too: wait (bounded) until the slow one is
      // 10 times slower than each of the others, the ratio the balancer is specified for.
      long settle = System.nanoTime();
      boolean tenfold = waitTenfold(e, conns, slow);
      out.printf("%s after %d more ms%n", tenfold ? "10 times slower than the others"
          : "still not 10 times slower than every other (a busy machine); placing anyway", millisSince(settle));

      Map<String, Integer> placed = new ConcurrentHashMap<>();
      long s0 = System.nanoTime();
      for (int done = 0; done < STEERED_STREAMS; done += STEERED_WAVE) {
        List<CompletableFuture<?>> wave = new ArrayList<>();
        for (int i = 0; i < STEERED_WAVE; i++) {
          wave.add(e.newStream(sPeer, Echo.PROTOCOL).thenCompose(st -> {
            placed.merge(st.connection().id(), 1, Integer::sum);
            return Echo.client(st, 1024);
          }));
        }
        await(CompletableFuture.allOf(wave.toArray(CompletableFuture<?>[]::new)), "a wave of echo streams");
      }
      out.printf("%d echo streams (1 KiB each, %d at a time) placed by ewma in %d ms:%n", STEERED_STREAMS,
          STEERED_WAVE, millisSince(s0));
      List<List<String>> rows = new ArrayList<>();
      for (NetConn c : conns) {
        int n = placed.getOrDefault(c.id(), 0);
        long rtt = rtt(e, c);
        rows.add(List.of(c.id(), c == slow ? "slow" : "fast", rtt < 0 ? "?" : String.format("%.2f", rtt / 1e6),
            String.valueOf(n),
            String.format("%.1f%%", 100.0 * n / STEERED_STREAMS)));
      }
      stage.table(List.of("connection", "path", "smoothed RTT ms", "streams", "share"), rows);
      int onSlow = placed.getOrDefault(slow.id(), 0);
      double share = (double) onSlow / STEERED_STREAMS;
      out.printf("=> the slow connection got %.1f%% of the new streams (round_robin: 33.3%%, whatever the RTT)%n",
          100 * share);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("slow_rtt_ms", rtt(e, slow) / 1e6);
      r.put("slow_share", share);
      r.put("streams", STEERED_STREAMS);
      stage.result().put("ewma", r);
      check(share <= 0.20, "ewma should give the slow connection at most 20% of new streams, gave "
          + String.format("%.1f%%", 100 * share));
      e.close();
      await(e.closeFuture(), "closing E");
    } finally {
      paths.forEach(SwarmTour.SlowPath::close);
    }
  }

  /** Waits at most 5 s for {@code slow}'s smoothed RTT to be 10 times each other connection's. */
  private static boolean waitTenfold(Swarm e, List<NetConn> conns, NetConn slow) {
    CompletableFuture<Void> f = TourKit.when(() -> {
      long s = rtt(e, slow);
      for (NetConn c : conns) {
        long r = rtt(e, c);
        if (c != slow && (r < 0 || s < 10 * r)) {
          return false;
        }
      }
      return true;
    }, Duration.ofMillis(20));
    try {
      f.get(5, TimeUnit.SECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException ex) {
      f.cancel(false);
      return false;
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new SwarmTour.Failure("interrupted", ex);
    }
  }

  private static long rtt(Swarm e, NetConn c) {
    for (ConnectionStats st : e.stats(c.remotePeer())) {
      if (st.connectionId().equals(c.id())) {
        return st.smoothedRttNanos();
      }
    }
    return ConnectionStats.UNKNOWN;
  }

  private static String ms(long nanos) {
    return nanos < 0 ? "?" : String.format("%.2f ms", nanos / 1e6);
  }

  // --- drain -----------------------------------------------------------------------------------

  private void drain(int section, Swarm k, Swarm s) {
    stage.section(section + ". Draining a connection with streams in flight");
    PeerId sPeer = s.localPeer();
    List<NetConn> conns = k.getConnections(sPeer);
    check(conns.size() == KEPT, "K should hold " + KEPT + " connections to S, holds " + conns.size());
    List<NetStream> streams = new ArrayList<>();
    for (int i = 0; i < DRAIN_STREAMS; i++) {
      streams.add(await(k.newStream(sPeer, Echo.PROTOCOL), "echo stream " + i));
    }
    NetConn victim = streams.get(0).connection();
    long onVictim = streams.stream().filter(st -> st.connection() == victim).count();
    Events events = new Events(sPeer);
    events.watch(victim);
    k.addListener(events);
    long t0 = System.nanoTime();
    List<CompletableFuture<Echo.EchoResult>> transfers = new ArrayList<>();
    for (NetStream st : streams) {
      transfers.add(Echo.client(st, DRAIN_STREAM_BYTES));
    }
    out.printf("K opens %d echo streams of %d MiB each (round_robin: %d on %s) and drains %s at once,"
        + " grace %d s%n", DRAIN_STREAMS, DRAIN_STREAM_BYTES >> 20, onVictim, victim.id(), victim.id(),
        DRAIN_GRACE.toSeconds());
    events.note(System.nanoTime(), "K.drain(" + victim.id() + ") with " + victim.streamCount() + " streams in flight");
    CompletableFuture<CloseReason> drained = k.drain(victim, DRAIN_GRACE);
    Map<String, Integer> newPlacement = new ConcurrentHashMap<>();
    List<CompletableFuture<?>> fresh = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      fresh.add(k.newStream(sPeer, Echo.PROTOCOL).thenCompose(st -> {
        newPlacement.merge(st.connection().id(), 1, Integer::sum);
        return Echo.client(st, 1024);
      }));
    }
    int failed = 0;
    long bytes = 0;
    for (CompletableFuture<Echo.EchoResult> t : transfers) {
      try {
        bytes += await(t, "an echo stream in flight").bytes();
      } catch (SwarmTour.Failure f) {
        failed++;
      }
    }
    await(CompletableFuture.allOf(fresh.toArray(CompletableFuture<?>[]::new)), "30 new echo streams");
    CloseReason reason = await(drained, "draining " + victim.id());
    long drainMs = millisSince(t0);
    await(events.restored(), "K back at its target after the drain");
    await(events.watchedClosed(), "K's listener hearing " + victim.id() + " close");
    events.print(out, t0);
    out.printf("=> %d of %d streams finished with every byte echoed and checked (%d MiB), %d failed;"
            + " the drain took %d ms (%s)%n", DRAIN_STREAMS - failed, DRAIN_STREAMS, bytes >> 20, failed, drainMs,
        reason.kind());
    out.printf("   30 streams opened during the drain went to %s; none to %s%n",
        newPlacement.keySet().stream().sorted().toList(), victim.id());
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("streams", DRAIN_STREAMS);
    r.put("failed", failed);
    r.put("drain_ms", drainMs);
    r.put("replacement_first", events.openedBeforeClose());
    stage.result().put("drain", r);
    check(failed == 0, "no stream should fail in a drain, " + failed + " did");
    check(!newPlacement.containsKey(victim.id()), "a new stream went to the draining connection " + victim.id());
    check(events.openedBeforeClose(), "keep-N should open the replacement before " + victim.id() + " closed");
    check(k.getConnections(sPeer).size() == KEPT, "K should hold " + KEPT + " connections after the drain, holds "
        + k.getConnections(sPeer).size());
    k.removeListener(events);
  }

  private static String ids(List<NetConn> conns) {
    return conns.stream().map(NetConn::id).toList().toString();
  }

  /** Keep-N and connection events of one peer, timed, for the scenes' timelines. */
  private static final class Events implements NetworkListener {
    private final PeerId peer;
    private record Line(long nanos, String text) {}

    private final ConcurrentLinkedQueue<Line> lines = new ConcurrentLinkedQueue<>();
    final AtomicInteger belowTarget = new AtomicInteger();
    private volatile CompletableFuture<Duration> restored = new CompletableFuture<>();
    private volatile NetConn watched;
    private final CompletableFuture<Void> watchedClosedEvent = new CompletableFuture<>();
    private volatile long watchedClosed;
    private volatile long firstOpened;

    Events(PeerId peer) {
      this.peer = peer;
    }

    void note(long nanos, String line) {
      lines.add(new Line(nanos, line));
    }

    /** Forgets what was heard so far: a new timeline, a new restored future. */
    void reset() {
      restored = new CompletableFuture<>();
      belowTarget.set(0);
      lines.clear();
    }

    CompletableFuture<Duration> restored() {
      return restored;
    }

    void watch(NetConn conn) {
      watched = conn;
    }

    /** Completes when the listener has heard the watched connection close. */
    CompletableFuture<Void> watchedClosed() {
      return watchedClosedEvent;
    }

    /** Whether a new connection opened before the watched one closed. */
    boolean openedBeforeClose() {
      return firstOpened != 0 && (watchedClosed == 0 || firstOpened - watchedClosed < 0);
    }

    /** Prints the timeline, in time order, in milliseconds from {@code t0}. */
    void print(PrintWriter out, long t0) {
      List<Line> sorted = new ArrayList<>(lines);
      sorted.sort(Comparator.comparingLong(Line::nanos));
      for (Line l : sorted) {
        out.printf("  +%4d ms  %s%n", TimeUnit.NANOSECONDS.toMillis(Math.max(0, l.nanos() - t0)), l.text());
      }
    }

    @Override
    public void belowTarget(PeerId p, int current, int target) {
      if (p.equals(peer)) {
        belowTarget.incrementAndGet();
        note(System.nanoTime(), "K: belowTarget(S, " + current + " of " + target + ")");
      }
    }

    @Override
    public void targetRestored(PeerId p, int connections, Duration took) {
      if (p.equals(peer)) {
        note(System.nanoTime(), "K: targetRestored(S, " + connections + ", took " + took.toMillis() + " ms)");
        restored.complete(took);
      }
    }

    @Override
    public void connectionOpened(NetConn c) {
      if (c.remotePeer().equals(peer)) {
        long now = System.nanoTime();
        if (watched != null && firstOpened == 0) {
          firstOpened = now;
        }
        note(now, "K: connectionOpened(" + c.id() + ")");
      }
    }

    @Override
    public void connectionClosed(NetConn c, CloseReason reason) {
      if (c.remotePeer().equals(peer)) {
        long now = System.nanoTime();
        note(now, "K: connectionClosed(" + c.id() + ", " + reason.kind() + ")");
        if (c == watched) {
          watchedClosed = now;
          watchedClosedEvent.complete(null);
        }
      }
    }
  }
}
