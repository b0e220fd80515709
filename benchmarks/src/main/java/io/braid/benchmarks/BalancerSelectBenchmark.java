package io.braid.benchmarks;

import io.braid.api.ConnectionHealth;
import io.braid.api.LoadBalancer;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import io.braid.balancer.spi.LoadBalancerRegistry;
import io.braid.testkit.FakeNetConn;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one {@link LoadBalancer#select} — the call the swarm makes on every stream open — for each
 * built-in balancer, created by name through {@link LoadBalancerRegistry#getDefault()} as the swarm
 * does, on lists of 1, 3, 8 and 64 connections to one peer.
 *
 * <p>Stream counts are {@code 1 + (7i + 3) mod 11}: varied, and never zero, so least_loaded scans
 * the whole list (its worst case) instead of stopping at an idle connection. The counts do not change
 * between picks (a real swarm's would, after each open).
 *
 * <p>The swarm calls the health-aware {@code select(peer, candidates, health)} (issue 14), and so does this
 * benchmark: {@code health} is a concurrent map from connection to its readings, the same lookup the
 * swarm's health monitor makes (RTTs {@code 1 + (5i mod 9)} ms, all healthy). round_robin and
 * least_loaded ignore it (the default method hands over to the two-argument form); ewma reads the RTT
 * and in-flight streams of the two connections it draws.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar BalancerSelect -prof gc}; the target is
 * at most 20 ns/op and about 0 B/op ({@code gc.alloc.rate.norm}) at 8 candidates.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BalancerSelectBenchmark {

  @Param({"round_robin", "least_loaded", "ewma"})
  public String balancer;

  @Param({"1", "3", "8", "64"})
  public int candidates;

  private LoadBalancer loadBalancer;
  private List<NetConn> connections;
  private PeerId peer;
  private ConnectionHealth health;

  /** Readings like the swarm's health monitor keeps: one map lookup, then volatile reads. */
  static final class Readings implements ConnectionHealth {
    static final class Row {
      volatile long rtt;
      volatile boolean unhealthy;
    }

    final ConcurrentHashMap<NetConn, Row> rows = new ConcurrentHashMap<>();

    @Override
    public long smoothedRttNanos(NetConn conn) {
      Row r = rows.get(conn);
      return r == null ? UNKNOWN_RTT : r.rtt;
    }

    @Override
    public long lastRttNanos(NetConn conn) {
      Row r = rows.get(conn);
      return r == null ? UNKNOWN_RTT : r.rtt;
    }

    @Override
    public boolean healthy(NetConn conn) {
      Row r = rows.get(conn);
      return r == null || !r.unhealthy;
    }
  }

  @Setup
  public void setUp() {
    loadBalancer = LoadBalancerRegistry.getDefault().create(balancer);
    peer = FakeNetConn.testPeer(1);
    List<NetConn> list = new ArrayList<>(candidates);
    for (int i = 0; i < candidates; i++) {
      list.add(FakeNetConn.builder().remotePeer(peer).streamCount(1 + (7 * i + 3) % 11).build());
    }
    // immutable, as the swarm hands it over
    connections = List.copyOf(list);
    Readings readings = new Readings();
    for (int i = 0; i < candidates; i++) {
      Readings.Row row = new Readings.Row();
      row.rtt = (1 + (5L * i) % 9) * 1_000_000L;
      readings.rows.put(connections.get(i), row);
    }
    health = readings;
  }

  @Benchmark
  public NetConn select() {
    return loadBalancer.select(peer, connections, health);
  }
}
