package io.braid.benchmarks;

import io.braid.api.ConnectionConfig;
import io.braid.api.HostIdentity;
import io.braid.api.InboundConnectionHandler;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import io.braid.api.StreamRouter;
import io.braid.api.TransportContext;
import io.braid.core.Swarm;
import io.braid.testkit.MemoryNetwork;
import io.braid.testkit.MemoryTransport;
import io.braid.testkit.TestIdentity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Swarms and bare listening peers on a {@link MemoryNetwork}, shared by the swarm benchmarks and
 * {@link HeapPerConnection}. Not a public API: the benchmarks' set-up code only.
 */
final class SwarmFixtures {
  private SwarmFixtures() {}

  /** Runs every task on the calling thread: no thread hand-offs, so a benchmark sees CPU cost only. */
  static final Executor INLINE = Runnable::run;

  static final Multiaddr ANY_MEMORY = Multiaddr.fromString("/memory/0");

  /** Admits every inbound connection; the listening transport itself keeps track of it. */
  static final InboundConnectionHandler ACCEPT_ALL = new InboundConnectionHandler() {
    @Override
    public boolean accept(Multiaddr remoteAddress) {
      return true;
    }

    @Override
    public void connected(NetConn connection) {}

    @Override
    public void failed(Multiaddr remoteAddress, Throwable cause) {}
  };

  /**
   * A swarm on {@code network} with one {@link MemoryTransport}.
   *
   * @param executor the memory transport's executor and the swarm's event executor; {@code null} for
   *     their defaults (the testkit's shared daemon pool, the common fork-join pool)
   */
  static Swarm swarm(MemoryNetwork network, HostIdentity identity, ConnectionConfig config, Executor executor) {
    Swarm.Builder b = Swarm.builder(identity)
        .connectionConfig(config)
        .transport(ctx -> {
          MemoryTransport.Builder t = MemoryTransport.builder(network).context(ctx);
          if (executor != null) {
            t.executor(executor);
          }
          return t.build();
        });
    if (executor != null) {
      b.executor(executor);
    }
    return b.build();
  }

  /** A peer without a swarm: a memory transport for {@code identity}, listening with {@link #ACCEPT_ALL}. */
  static BarePeer barePeer(MemoryNetwork network, HostIdentity identity, Executor executor) {
    MemoryTransport.Builder b = MemoryTransport.builder(network)
        .context(new TransportContext(identity, StreamRouter.refuseAll(), Duration.ofSeconds(30)));
    if (executor != null) {
      b.executor(executor);
    }
    MemoryTransport transport = b.build();
    Multiaddr address = await(transport.listen(ANY_MEMORY, ACCEPT_ALL)).addresses().get(0);
    return new BarePeer(identity.peerId(), transport, address);
  }

  /** {@code count} bare peers with the identities of seeds {@code firstSeed, firstSeed + 1, ...}. */
  static List<BarePeer> barePeers(MemoryNetwork network, int count, long firstSeed, Executor executor) {
    List<BarePeer> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(barePeer(network, TestIdentity.fromSeed(firstSeed + i), executor));
    }
    return out;
  }

  /**
   * Has {@code swarm} dial every peer (to {@code perPeer} connections each), at most {@code window}
   * peers at a time so the swarm's pending-handshake cap is never what limits the dials.
   *
   * @throws IllegalStateException if any peer ends up with another number of connections
   */
  static void dialAll(Swarm swarm, List<BarePeer> peers, int perPeer, int window) {
    for (BarePeer p : peers) {
      swarm.addAddresses(p.id(), p.address());
    }
    for (int from = 0; from < peers.size(); from += window) {
      int to = Math.min(peers.size(), from + window);
      List<CompletableFuture<List<NetConn>>> dials = new ArrayList<>(to - from);
      for (int i = from; i < to; i++) {
        dials.add(swarm.dialPeer(peers.get(i).id()));
      }
      for (int i = from; i < to; i++) {
        int got = await(dials.get(i - from)).size();
        if (got != perPeer) {
          throw new IllegalStateException("dialPeer(" + peers.get(i).id() + ") gave " + got
              + " connections, expected " + perPeer);
        }
      }
    }
  }

  /** Waits at most 30 s: a hang in set-up must fail the run, not stall it. */
  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("benchmark set-up failed: " + e, e);
    }
  }

  /** A remote peer that only listens. */
  record BarePeer(PeerId id, MemoryTransport transport, Multiaddr address) {}
}
