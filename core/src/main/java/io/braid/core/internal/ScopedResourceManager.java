package io.braid.core.internal;

import io.braid.api.Direction;
import io.braid.api.LimitExceededException;
import io.braid.api.NetConn;
import io.braid.api.NetworkMetrics.LimitScope;
import io.braid.api.PeerId;
import io.braid.api.ResourceLimits;
import io.braid.api.ResourceLimits.Limit;
import io.braid.api.ResourceManager;
import io.braid.api.ResourceScope;
import io.braid.api.ResourceUsage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The swarm's {@link ResourceManager}: streams and memory in the stream, connection, peer, protocol and
 * system scopes, here; the address scopes of inbound connections in its {@link InboundGate}; the
 * connection budgets in {@link SlotPool}. Every refusal throws {@link LimitExceededException} naming
 * scope, limit and current use, is counted for {@link #usage()}, and is reported to the metrics.
 *
 * <p>Threads: any. The counters are guarded by this object's lock, held only to check and update them:
 * the metrics are told of a refusal after it is released, and the snapshot's connection counts are read
 * from the registry's lock-free views before it is taken. Scopes are created on first use and dropped
 * once they hold nothing.
 */
public final class ScopedResourceManager implements ResourceManager {
  private final Object lock = new Object();
  private final ResourceLimits limits;
  private final GuardedMetrics metrics;
  private final ScopeCounts.Refusals refusals = new ScopeCounts.Refusals();
  private final InboundGate gate;
  private final ScopeCounts system = new ScopeCounts();
  private final Map<String, ScopeCounts> peers = new HashMap<>();
  private final Map<String, ScopeCounts> connections = new HashMap<>();
  private final Map<String, ScopeCounts> protocols = new HashMap<>();
  private volatile Supplier<List<NetConn>> openConnections = List::of;
  private volatile IntSupplier pendingHandshakes = () -> 0;
  /** Told of every refusal with its peer, for {@code explain} (issue 14). */
  private volatile java.util.function.BiConsumer<PeerId, LimitExceededException> onRefusal = (peer, e) -> {};

  public ScopedResourceManager(ResourceLimits limits, GuardedMetrics metrics) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.gate = new InboundGate(limits, refusals);
  }

  /** The limits in force. */
  @Override
  public ResourceLimits limits() {
    return limits;
  }

  InboundGate inboundGate() {
    return gate;
  }

  /** Counts a refusal by a limit kept elsewhere ({@link SlotPool}'s, the per-peer cap), for {@link #usage()}. */
  void countRefusal(String limit) {
    refusals.count(limit);
  }

  /** Tells {@code observer} of every stream or memory refusal, with the remote peer, after the fact. */
  public void observeRefusals(java.util.function.BiConsumer<PeerId, LimitExceededException> observer) {
    this.onRefusal = Objects.requireNonNull(observer, "observer");
  }

  /** Where {@link #usage()} reads the open connections and the handshakes under way from. */
  public void observe(Supplier<List<NetConn>> connections, IntSupplier pendingHandshakes) {
    this.openConnections = Objects.requireNonNull(connections, "connections");
    this.pendingHandshakes = Objects.requireNonNull(pendingHandshakes, "pendingHandshakes");
  }

  @Override
  public StreamScope openStream(NetConn connection, Direction direction) {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(direction, "direction");
    boolean in = direction == Direction.INBOUND;
    String conn = connection.id();
    String peer = connection.remotePeer().toString();
    LimitExceededException refused;
    synchronized (lock) {
      ScopeCounts c = connections.getOrDefault(conn, new ScopeCounts());
      ScopeCounts p = peers.getOrDefault(peer, new ScopeCounts());
      refused = in
          ? firstOver(c.streamsInbound, p.streamsInbound, system.streamsInbound, conn, peer,
              Limit.STREAMS_INBOUND_PER_CONNECTION, Limit.STREAMS_INBOUND_PER_PEER, Limit.STREAMS_INBOUND)
          : firstOver(c.streamsOutbound, p.streamsOutbound, system.streamsOutbound, conn, peer,
              Limit.STREAMS_OUTBOUND_PER_CONNECTION, Limit.STREAMS_OUTBOUND_PER_PEER, Limit.STREAMS_OUTBOUND);
      if (refused == null) {
        connections.put(conn, c);
        peers.put(peer, p);
        for (ScopeCounts s : new ScopeCounts[] {c, p, system}) {
          s.addStream(in, 1);
        }
      }
    }
    if (refused != null) {
      refusals.count(refused.limit());
      metrics.limitRefused(connection.remotePeer(), LimitScope.STREAMS, direction);
      onRefusal.accept(connection.remotePeer(), refused);
      throw refused;
    }
    return new Stream(conn, peer, connection.remotePeer(), direction);
  }

  private LimitExceededException firstOver(long conn, long peer, long sys, String connName, String peerName,
      Limit connLimit, Limit peerLimit, Limit sysLimit) {
    String what = (connLimit == Limit.STREAMS_INBOUND_PER_CONNECTION ? "inbound" : "outbound") + " stream refused";
    if (conn >= limits.get(connLimit)) {
      return new LimitExceededException(ResourceScope.CONNECTION, connName, connLimit.configName(),
          limits.get(connLimit), conn, what);
    }
    if (peer >= limits.get(peerLimit)) {
      return new LimitExceededException(ResourceScope.PEER, peerName, peerLimit.configName(), limits.get(peerLimit),
          peer, what);
    }
    if (sys >= limits.get(sysLimit)) {
      return new LimitExceededException(ResourceScope.SYSTEM, "", sysLimit.configName(), limits.get(sysLimit), sys,
          what);
    }
    return null;
  }

  @Override
  public ResourceUsage usage() {
    // Read the connection views first: they do not lock, and nothing is called out under this lock.
    List<NetConn> open = openConnections.get();
    int handshakes = pendingHandshakes.getAsInt();
    Map<String, ScopeCounts> peerCopy = new HashMap<>();
    ScopeCounts sys = new ScopeCounts();
    Map<String, ResourceUsage.Usage> conns;
    Map<String, ResourceUsage.Usage> protos;
    synchronized (lock) {
      copy(system, sys);
      peers.forEach((k, v) -> copy(v, peerCopy.computeIfAbsent(k, x -> new ScopeCounts())));
      conns = ScopeCounts.snapshot(connections);
      protos = ScopeCounts.snapshot(protocols);
    }
    for (NetConn c : open) {
      ScopeCounts p = peerCopy.computeIfAbsent(c.remotePeer().toString(), x -> new ScopeCounts());
      if (c.direction() == Direction.INBOUND) {
        p.connectionsInbound++;
        sys.connectionsInbound++;
      } else {
        p.connectionsOutbound++;
        sys.connectionsOutbound++;
      }
    }
    Map<String, ResourceUsage.Usage>[] addresses = gate.snapshot();
    return new ResourceUsage(sys.snapshot(), new ResourceUsage.Usage(handshakes, 0, 0, 0, 0, 0), addresses[0],
        addresses[1], ScopeCounts.snapshot(peerCopy), conns, protos, refusals.snapshot());
  }

  private static void copy(ScopeCounts from, ScopeCounts to) {
    to.pending += from.pending;
    to.connectionsInbound += from.connectionsInbound;
    to.connectionsOutbound += from.connectionsOutbound;
    to.streamsInbound += from.streamsInbound;
    to.streamsOutbound += from.streamsOutbound;
    to.memory += from.memory;
  }

  @Override
  public String toString() {
    return "ScopedResourceManager" + limits;
  }

  /** One stream's reservations; its fields are guarded by the manager's lock. */
  private final class Stream implements StreamScope {
    private final String conn;
    private final String peer;
    private final PeerId peerId;
    private final Direction direction;
    private String protocol;
    private long memory;
    private boolean closed;

    Stream(String conn, String peer, PeerId peerId, Direction direction) {
      this.conn = conn;
      this.peer = peer;
      this.peerId = peerId;
      this.direction = direction;
    }

    @Override
    public void setProtocol(String name) {
      Objects.requireNonNull(name, "protocol");
      boolean in = direction == Direction.INBOUND;
      Limit limit = in ? Limit.STREAMS_INBOUND_PER_PROTOCOL : Limit.STREAMS_OUTBOUND_PER_PROTOCOL;
      LimitExceededException refused = null;
      synchronized (lock) {
        if (closed) {
          return;
        }
        if (protocol != null) {
          throw new IllegalStateException("the stream's protocol is set already: " + protocol);
        }
        ScopeCounts s = protocols.getOrDefault(name, new ScopeCounts());
        long current = in ? s.streamsInbound : s.streamsOutbound;
        if (current >= limits.get(limit)) {
          refused = new LimitExceededException(ResourceScope.PROTOCOL, name, limit.configName(), limits.get(limit),
              current, (in ? "inbound" : "outbound") + " stream refused");
        } else {
          protocols.put(name, s);
          protocol = name;
          s.addStream(in, 1);
        }
      }
      if (refused != null) {
        refusals.count(refused.limit());
        metrics.limitRefused(peerId, LimitScope.STREAMS, direction);
        onRefusal.accept(peerId, refused);
        throw refused;
      }
    }

    @Override
    public void reserveMemory(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("bytes must be > 0, was " + bytes);
      }
      LimitExceededException refused;
      synchronized (lock) {
        if (closed) {
          return;
        }
        ScopeCounts c = connections.get(conn);
        ScopeCounts p = peers.get(peer);
        refused = over(ResourceScope.STREAM, conn + "/" + (direction == Direction.INBOUND ? "in" : "out"),
            Limit.MEMORY_PER_STREAM, memory, bytes);
        if (refused == null) {
          refused = over(ResourceScope.CONNECTION, conn, Limit.MEMORY_PER_CONNECTION, c.memory, bytes);
        }
        if (refused == null) {
          refused = over(ResourceScope.PEER, peer, Limit.MEMORY_PER_PEER, p.memory, bytes);
        }
        if (refused == null) {
          refused = over(ResourceScope.SYSTEM, "", Limit.MEMORY, system.memory, bytes);
        }
        if (refused == null) {
          memory += bytes;
          c.memory += bytes;
          p.memory += bytes;
          system.memory += bytes;
        }
      }
      if (refused != null) {
        refusals.count(refused.limit());
        metrics.limitRefused(peerId, LimitScope.MEMORY, direction);
        onRefusal.accept(peerId, refused);
        throw refused;
      }
    }

    private LimitExceededException over(ResourceScope scope, String name, Limit limit, long current, long bytes) {
      long max = limits.get(limit);
      return current + bytes > max
          ? new LimitExceededException(scope, name, limit.configName(), max, current,
              "reserving " + bytes + " bytes refused")
          : null;
    }

    @Override
    public void releaseMemory(long bytes) {
      synchronized (lock) {
        if (!closed) {
          release(Math.min(Math.max(bytes, 0), memory));
        }
      }
    }

    /** Caller holds the lock. */
    private void release(long bytes) {
      memory -= bytes;
      connections.get(conn).memory -= bytes;
      peers.get(peer).memory -= bytes;
      system.memory -= bytes;
    }

    @Override
    public void close() {
      synchronized (lock) {
        if (closed) {
          return;
        }
        release(memory);
        closed = true;
        boolean in = direction == Direction.INBOUND;
        for (ScopeCounts s : new ScopeCounts[] {connections.get(conn), peers.get(peer), system,
            protocol == null ? null : protocols.get(protocol)}) {
          if (s == null) {
            continue;
          }
          s.addStream(in, -1);
        }
        ScopeCounts.dropIfEmpty(connections, conn);
        ScopeCounts.dropIfEmpty(peers, peer);
        if (protocol != null) {
          ScopeCounts.dropIfEmpty(protocols, protocol);
        }
      }
    }
  }
}
