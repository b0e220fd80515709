package io.braid.core.internal;

import io.braid.api.BraidException;
import io.braid.api.CloseReason;
import io.braid.api.ConnectionConfig;
import io.braid.api.ConnectionClosedException;
import io.braid.api.Direction;
import io.braid.api.InboundConnectionHandler;
import io.braid.api.LimitExceededException;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetworkMetrics.LimitScope;
import io.braid.api.PeerId;
import io.braid.api.ResourceLimits;
import io.braid.api.ResourceScope;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which connections a peer keeps, and accounts for their slots on every path.
 *
 * <p>Outbound: a dial reserves per-peer and global slots before its handshake ({@link #reserveForDial}),
 * and each attempt gives its slot back when it ends without a connection ({@link #releaseAttempt}) or
 * hands it to the connection it made ({@link #admitOutbound}). Inbound: the peer is known only after the
 * handshake, so an inbound connection holds a global slot and a handshake slot from
 * {@link #accept} on, and takes a per-peer slot when {@link #connected} admits it. At the per-peer cap
 * the {@link SimultaneousOpen} rule settles who keeps what: an inbound connection from a smaller peer
 * takes the slot of one of our attempts in flight, or replaces an idle connection we dialed; from a
 * larger peer it is refused.
 *
 * <p>Threads: the {@link InboundConnectionHandler} methods run on transport threads, holding no lock;
 * the others require the peer's lock and return the global slots to release, which the caller gives back
 * once it has unlocked (releasing may complete the close future, whose callbacks are user code).
 * Refusals are reported to the metrics ({@code limitRefused}) after unlocking too.
 */
public final class Admission implements InboundConnectionHandler {
  private static final Logger log = LoggerFactory.getLogger(Admission.class);

  private final PeerId localPeer;
  private final int maxPerPeer;
  private final SlotPool slots;
  private final ConnectionRegistry registry;
  private final GuardedGater gater;
  private final GuardedMetrics metrics;
  private final ScopedResourceManager resources;
  private final InboundGate gate;
  private final HandshakeQueue handshakes;
  private final long maxOutbound;
  /**
   * Outbound connections node-wide, dialing or established ({@link ResourceLimits.Limit#CONNECTIONS_OUTBOUND}):
   * one per attempt's reserved slot, handed on to the connection it makes and given back when that closes,
   * or when the attempt ends without one (or its slot goes to an inbound connection).
   */
  private final AtomicLong outbound = new AtomicLong();

  public Admission(PeerId localPeer, int maxPerPeer, SlotPool slots, ConnectionRegistry registry,
      GuardedGater gater) {
    this(localPeer, maxPerPeer, slots, registry, gater, GuardedMetrics.NONE);
  }

  public Admission(PeerId localPeer, int maxPerPeer, SlotPool slots, ConnectionRegistry registry,
      GuardedGater gater, GuardedMetrics metrics) {
    this(localPeer, maxPerPeer, slots, registry, gater, metrics,
        new ScopedResourceManager(ResourceLimits.defaults(), metrics),
        new HandshakeQueue(slots, ResourceLimits.defaults()));
  }

  /**
   * @param resources the address scopes of inbound connections ({@link ScopedResourceManager#inboundGate()})
   *     and the refusal tally
   * @param handshakes the outbound handshake queue, pumped whenever an inbound handshake gives its slot back
   */
  public Admission(PeerId localPeer, int maxPerPeer, SlotPool slots, ConnectionRegistry registry,
      GuardedGater gater, GuardedMetrics metrics, ScopedResourceManager resources, HandshakeQueue handshakes) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.localPeer = Objects.requireNonNull(localPeer, "localPeer");
    this.maxPerPeer = maxPerPeer;
    this.slots = Objects.requireNonNull(slots, "slots");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.gater = Objects.requireNonNull(gater, "gater");
    this.resources = Objects.requireNonNull(resources, "resources");
    this.gate = resources.inboundGate();
    this.maxOutbound = resources.limits().get(ResourceLimits.Limit.CONNECTIONS_OUTBOUND);
    this.handshakes = Objects.requireNonNull(handshakes, "handshakes");
  }

  /** The outbound handshake queue this admission pumps. */
  HandshakeQueue handshakes() {
    return handshakes;
  }

  /** What became of an outbound connection: kept, or dropped with a reason (and maybe a failure to report). */
  record Outbound(boolean keep, String dropReason, Throwable failure, int slotsToRelease) {
    static final Outbound KEPT = new Outbound(true, null, null, 0);
  }

  // ---- outbound (caller holds the peer's lock)

  /**
   * Reserves up to {@code need} slots for new attempts to {@code p}, within the node-wide outbound limit and
   * {@link ConnectionConfig#maxConnections()}; how many were granted.
   */
  int reserveForDial(PeerState p, int need) {
    if (need <= 0) {
      return 0;
    }
    long room;
    long before;
    do {
      before = outbound.get();
      room = Math.max(0, Math.min(need, maxOutbound - before));
    } while (room > 0 && !outbound.compareAndSet(before, before + room));
    int granted = room > 0 ? slots.reserve((int) room) : 0;
    outbound.addAndGet(granted - room); // what maxConnections did not grant
    p.reserved += granted;
    return granted;
  }

  /** Whether {@link ResourceLimits.Limit#CONNECTIONS_OUTBOUND} is what keeps dials from reserving a slot. */
  boolean outboundFull() {
    return outbound.get() >= maxOutbound;
  }

  /** Outbound connections dialing or established now, node-wide. */
  long outbound() {
    return outbound.get();
  }

  /** The exception for a dial refused by the node-wide outbound limit. */
  LimitExceededException outboundRefusal(PeerId peer) {
    resources.countRefusal(ResourceLimits.Limit.CONNECTIONS_OUTBOUND.configName());
    return new LimitExceededException(ResourceScope.SYSTEM, "",
        ResourceLimits.Limit.CONNECTIONS_OUTBOUND.configName(), maxOutbound, outbound.get(), "cannot dial " + peer);
  }

  /** An attempt ends without a connection: its per-peer slot goes; returns the global slots to release. */
  int releaseAttempt(PeerState p) {
    if (p.superseded > 0) {
      p.superseded--; // its slot was handed to an inbound connection already
      return 0;
    }
    p.reserved--;
    outbound.decrementAndGet();
    return 1;
  }

  /** Whether the attempts to {@code p} lost a slot to an inbound connection (and should give up). */
  static boolean slotTaken(PeerState p) {
    return p.superseded > 0;
  }

  /**
   * An attempt to {@code p} made {@code conn}: admits it into the registry, or says why it is dropped.
   *
   * @param secured the gater's verdict, asked before locking
   * @param cancelled whether the dial was cancelled meanwhile
   */
  Outbound admitOutbound(PeerState p, NetConn conn, boolean secured, boolean cancelled) {
    if (p.superseded > 0) {
      p.superseded--; // an inbound connection from the smaller peer holds this attempt's slot
      return new Outbound(false, SimultaneousOpen.RULE, null, 0);
    }
    p.reserved--;
    outbound.decrementAndGet(); // the attempt's; a kept connection takes it again below
    if (slots.isClosed() || cancelled) {
      return new Outbound(false, "dial cancelled", null, 1);
    }
    if (!conn.isOpen()) {
      return new Outbound(false, "closed during the handshake",
          new ConnectionClosedException("connection closed right after its handshake"), 1);
    }
    if (!secured) {
      return new Outbound(false, "denied by the connection gater",
          new BraidException("peer denied by the connection gater", false), 1);
    }
    registry.add(p, conn);
    outbound.incrementAndGet();
    conn.closeFuture().whenComplete((r, e) -> outbound.decrementAndGet());
    return Outbound.KEPT;
  }

  // ---- inbound (transport threads, no lock held)

  @Override
  public boolean accept(Multiaddr remoteAddress) {
    return accept(remoteAddress, null);
  }

  /**
   * Admits a raw inbound connection before any crypto work: the gater, then its address's and subnet's
   * limits ({@link InboundGate}), then a connection slot and a handshake slot. With the node-wide pending
   * cap full, the eviction rule may hand it the slots of another address's oldest handshake, which
   * {@code abort} of that one then closes.
   */
  @Override
  public boolean accept(Multiaddr remoteAddress, Runnable abort) {
    if (slots.isClosed()) {
      return false;
    }
    if (!gater.allowAccept(remoteAddress)) {
      metrics.limitRefused(null, LimitScope.GATER, Direction.INBOUND);
      return false;
    }
    InboundGate.Pending pending;
    try {
      pending = gate.admit(remoteAddress, abort);
    } catch (LimitExceededException e) {
      log.debug("refusing an inbound connection from {}: {}", remoteAddress, e.getMessage());
      metrics.limitRefused(null, e.scope() == ResourceScope.IP ? LimitScope.PER_IP
          : e.scope() == ResourceScope.SUBNET ? LimitScope.PER_SUBNET : LimitScope.MAX_CONNECTIONS, Direction.INBOUND);
      return false;
    }
    SlotPool.Inbound taken = slots.tryAcceptInbound();
    if (taken == SlotPool.Inbound.TAKEN) {
      return true;
    }
    InboundGate.Pending victim = taken == SlotPool.Inbound.AT_MAX_PENDING_HANDSHAKES ? gate.evictFor(pending) : null;
    if (victim != null) {
      // The newcomer holds the victim's connection and handshake slots from now on.
      log.debug("evicting the oldest handshake from {} to admit one from {}: maxPendingHandshakes reached",
          victim.remote, remoteAddress);
      metrics.limitRefused(null, LimitScope.MAX_PENDING_HANDSHAKES, Direction.INBOUND);
      victim.abort.run();
      return true;
    }
    gate.failed(pending);
    if (taken == SlotPool.Inbound.AT_MAX_CONNECTIONS) {
      log.debug("refusing an inbound connection from {}: maxConnections reached", remoteAddress);
      resources.countRefusal("maxConnections");
      metrics.limitRefused(null, LimitScope.MAX_CONNECTIONS, Direction.INBOUND);
    } else if (taken == SlotPool.Inbound.AT_MAX_PENDING_HANDSHAKES) {
      log.debug("refusing an inbound connection from {}: maxPendingHandshakes reached", remoteAddress);
      resources.countRefusal("maxPendingHandshakes");
      metrics.limitRefused(null, LimitScope.MAX_PENDING_HANDSHAKES, Direction.INBOUND);
    }
    return false;
  }

  @Override
  public void connected(NetConn connection) {
    InboundGate.Pending pending = gate.take(connection.remoteAddress());
    if (pending != null && !gate.established(pending)) {
      // Evicted just as its handshake ended: its slots belong to another connection already.
      connection.close();
      return;
    }
    releaseHandshake();
    admitInbound(connection, pending);
  }

  @Override
  public void failed(Multiaddr remoteAddress, Throwable cause) {
    InboundGate.Pending pending = gate.take(remoteAddress);
    if (pending != null) {
      boolean evicted = gate.wasEvicted(pending);
      gate.failed(pending);
      if (!evicted) {
        gate.strike(pending); // its own failure: garbage, a stall to the deadline, a wrong key
      }
      if (evicted) {
        return; // its slots were handed to the connection that evicted it
      }
    }
    releaseHandshake();
    slots.release(1);
    log.debug("inbound handshake from {} failed: {}", remoteAddress, cause.toString());
  }

  private void releaseHandshake() {
    slots.releaseHandshake();
    handshakes.pump();
  }

  private void admitInbound(NetConn conn, InboundGate.Pending pending) {
    PeerId id = conn.remotePeer();
    if (slots.isClosed()) {
      release(pending);
      slots.release(1);
      conn.close();
      return;
    }
    if (!gater.allowSecured(id, conn.remoteAddress(), Direction.INBOUND)) {
      log.debug("refusing inbound connection {} from {}: denied by the connection gater", conn.id(), id);
      metrics.limitRefused(id, LimitScope.GATER, Direction.INBOUND);
      gate.strike(pending);
      release(pending);
      slots.release(1);
      conn.close();
      return;
    }
    boolean keep = false;
    NetConn evicted = null;
    int toRelease = 0;
    Runnable completion = () -> {};
    PeerState p = registry.lock(id);
    try {
      int used = p.open.size() + p.reserved;
      boolean remoteWins = SimultaneousOpen.remoteWins(id, localPeer);
      if (slots.isClosed()) {
        keep = false;
      } else if (used < maxPerPeer) {
        keep = true;
      } else if (remoteWins && p.reserved > 0) {
        // The remote (smaller) peer's dial wins; one of our attempts gives up its slot.
        p.reserved--;
        outbound.decrementAndGet(); // that attempt's outbound slot is now this inbound connection's
        p.superseded++;
        toRelease++;
        keep = true;
      } else if (remoteWins && (evicted = SimultaneousOpen.replaceable(p.open)) != null) {
        // Our own dial completed first: the smaller peer refuses that connection by the same rule, so it
        // is replaced by the smaller peer's dial (only if idle or already closing).
        keep = true;
      }
      if (keep) {
        if (evicted != null) {
          registry.replace(p, evicted, conn, SimultaneousOpen.replacedReason(maxPerPeer));
          toRelease++; // the replaced connection's slot; the inbound one holds its own since accept
        } else {
          registry.add(p, conn);
        }
        if (p.dial != null) {
          completion = p.dial.completionIfDone();
        }
      }
    } finally {
      registry.unlock(p);
    }
    slots.release(toRelease);
    if (keep) {
      registry.flushEvents();
      registry.watch(id, conn);
      if (pending != null) {
        conn.closeFuture().whenComplete((r, e) -> {
          if (flooded(r)) {
            resources.countRefusal(ResourceLimits.Limit.REFUSED_STREAMS_PER_CONNECTION.configName());
            gate.offence(pending); // it kept opening streams it was refused: as bad as failed handshakes
          }
          gate.closed(pending);
        });
      }
      if (evicted != null) {
        evicted.close();
      }
      completion.run();
    } else {
      log.debug("refusing inbound connection {} from {}: maxConnectionsPerPeer ({}) reached", conn.id(), id,
          maxPerPeer);
      if (!slots.isClosed()) {
        resources.countRefusal("maxConnectionsPerPeer");
        metrics.limitRefused(id, LimitScope.MAX_CONNECTIONS_PER_PEER, Direction.INBOUND);
        gate.strike(pending); // a peer reconnecting past its cap costs a handshake each time
      }
      release(pending);
      slots.release(1);
      conn.close();
    }
  }

  /** Whether a connection closed because its peer kept opening streams past refusals. */
  static boolean flooded(CloseReason reason) {
    return reason != null && reason.kind() == CloseReason.Kind.REFUSED
        && reason.cause() instanceof LimitExceededException e
        && e.limit().equals(ResourceLimits.Limit.REFUSED_STREAMS_PER_CONNECTION.configName());
  }

  private void release(InboundGate.Pending pending) {
    if (pending != null) {
      gate.closed(pending);
    }
  }
}
