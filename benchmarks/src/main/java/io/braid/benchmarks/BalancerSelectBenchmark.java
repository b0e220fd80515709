package io.braid.benchmarks;

import io.braid.api.LoadBalancer;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import io.braid.balancer.spi.LoadBalancerRegistry;
import io.braid.testkit.FakeNetConn;
import java.util.ArrayList;
import java.util.List;
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

  @Param({"round_robin", "least_loaded"})
  public String balancer;

  @Param({"1", "3", "8", "64"})
  public int candidates;

  private LoadBalancer loadBalancer;
  private List<NetConn> connections;
  private PeerId peer;

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
  }

  @Benchmark
  public NetConn select() {
    return loadBalancer.select(peer, connections);
  }
}
