package io.braid.benchmarks;

import io.braid.api.ConnectionConfig;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.PeerId;
import io.braid.core.Swarm;
import io.braid.testkit.MemoryNetwork;
import io.braid.testkit.MemoryTransport;
import io.braid.testkit.TestIdentity;
import java.util.List;
import java.util.concurrent.Executor;
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
 * Cost of opening a stream through the swarm ({@link Swarm#newStream}: connection lookup, balancer
 * pick, fallback order, future plumbing) and resetting it, against opening it on one of the same
 * connections directly ({@link NetConn#newStream}); the difference is the swarm's own overhead.
 *
 * <p>Two swarms share a {@link MemoryNetwork}; the client dialed the server to 3 connections
 * ({@code maxConnectionsPerPeer 3}); the server's handler for {@value #PROTOCOL} resets every stream
 * at once; the opener resets its end after {@code join()}. {@code executor=pool} runs the memory
 * transport as tests do (completions hop to a thread pool, so most of the time is thread hand-offs);
 * {@code executor=inline} runs every completion on the calling thread, which leaves the CPU cost alone
 * and is the fairer basis for the swarm-vs-connection ratio.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar NewStream -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NewStreamBenchmark {
  static final String PROTOCOL = "/braid/bench/reset/1.0.0";

  @Param({"round_robin", "least_loaded"})
  public String balancer;

  @Param({"inline", "pool"})
  public String executor;

  private Swarm server;
  private Swarm client;
  private PeerId serverPeer;
  private NetConn direct;

  @Setup(Level.Trial)
  public void setUp() {
    Executor ex = switch (executor) {
      case "inline" -> SwarmFixtures.INLINE;
      case "pool" -> null;
      default -> throw new IllegalArgumentException("executor must be inline or pool, was " + executor);
    };
    MemoryNetwork network = new MemoryNetwork();
    ConnectionConfig config = ConnectionConfig.builder()
        .maxConnectionsPerPeer(3)
        .loadBalancingStrategy(balancer)
        .build();
    server = SwarmFixtures.swarm(network, TestIdentity.fromSeed(1), config, ex);
    client = SwarmFixtures.swarm(network, TestIdentity.fromSeed(2), config, ex);
    server.setStreamHandler(PROTOCOL, NetStream::reset);
    serverPeer = server.localPeer();
    client.addAddresses(serverPeer, SwarmFixtures.await(server.listen(SwarmFixtures.ANY_MEMORY))
        .toArray(Multiaddr[]::new));
    List<NetConn> conns = SwarmFixtures.await(client.dialPeer(serverPeer));
    if (conns.size() != 3) {
      throw new IllegalStateException("expected 3 connections to the server, got " + conns.size());
    }
    direct = conns.get(0);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    int left = client.getConnections(serverPeer).size();
    // Every stream was reset before its op returned, and a reset takes both ends out at once.
    int streams = ((MemoryTransport) client.transports().get(0)).openStreamCount();
    client.close();
    server.close();
    if (left != 3) {
      throw new IllegalStateException("the client lost connections during the run: " + left + " of 3 left");
    }
    if (streams != 0) {
      throw new IllegalStateException(streams + " streams were still open after the run: the benchmark leaks");
    }
  }

  /** {@code swarm.newStream(peer, protocol).join()}, then {@code reset()}. */
  @Benchmark
  public NetStream swarmNewStream() {
    NetStream s = client.newStream(serverPeer, PROTOCOL).join();
    s.reset();
    return s;
  }

  /** The same on one of the same connections, without the swarm. */
  @Benchmark
  public NetStream connectionNewStream() {
    NetStream s = direct.newStream(PROTOCOL).join();
    s.reset();
    return s;
  }
}
