package io.braid.benchmarks;

import io.braid.api.ConnectionConfig;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import io.braid.core.Swarm;
import io.braid.testkit.MemoryNetwork;
import io.braid.testkit.TestIdentity;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of the swarm's connection views with {@code peers} peers of 3 connections each (30,000
 * connections by default), all open.
 *
 * <p>Set-up makes one bare listening {@link io.braid.testkit.MemoryTransport} per remote peer (no
 * swarm: connections are per peer, so each peer needs its own identity, but nothing more) and has the
 * swarm under test dial them all, with inline executors so the 30,000 dials take seconds. The per-peer
 * views look up a different peer on each call, cycling through all of them.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar Views -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ViewsBenchmark {
  private static final int PER_PEER = 3;

  @Param({"10000"})
  public int peers;

  private Swarm swarm;
  private List<SwarmFixtures.BarePeer> remotes;
  private PeerId[] ids;
  private int cursor;

  @Setup(Level.Trial)
  public void setUp() {
    MemoryNetwork network = new MemoryNetwork();
    ConnectionConfig config = ConnectionConfig.builder()
        .maxConnectionsPerPeer(PER_PEER)
        .maxConnections(peers * PER_PEER)
        .build();
    swarm = SwarmFixtures.swarm(network, TestIdentity.fromSeed(0), config, SwarmFixtures.INLINE);
    remotes = SwarmFixtures.barePeers(network, peers, 1, SwarmFixtures.INLINE);
    SwarmFixtures.dialAll(swarm, remotes, PER_PEER, 32);
    ids = remotes.stream().map(SwarmFixtures.BarePeer::id).toArray(PeerId[]::new);
    int total = swarm.getConnections().size();
    if (total != peers * PER_PEER) {
      throw new IllegalStateException("expected " + peers * PER_PEER + " connections, got " + total);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    swarm.close();
    for (SwarmFixtures.BarePeer p : remotes) {
      p.transport().close();
    }
  }

  private PeerId nextPeer() {
    int i = cursor;
    cursor = i + 1 == ids.length ? 0 : i + 1;
    return ids[i];
  }

  @Benchmark
  public List<NetConn> getConnectionsOfPeer() {
    return swarm.getConnections(nextPeer());
  }

  @Benchmark
  public Optional<NetConn> getConnection() {
    return swarm.getConnection(nextPeer());
  }

  @Benchmark
  public List<NetConn> getConnections() {
    return swarm.getConnections();
  }

  @Benchmark
  public Map<PeerId, List<NetConn>> getConnectionsMap() {
    return swarm.getConnectionsMap();
  }

  @Benchmark
  public Map<PeerId, NetConn> connectionsLegacy() {
    return swarm.connectionsLegacy();
  }
}
