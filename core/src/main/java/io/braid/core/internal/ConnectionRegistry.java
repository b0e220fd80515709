package io.braid.core.internal;

import io.braid.api.CloseReason;
import io.braid.api.NetConn;
import io.braid.api.NetworkMetrics;
import io.braid.api.PeerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The connection table: one {@link PeerState} per peer with any state, the immutable snapshot views
 * built from it, and the bookkeeping when a connection closes (its slot back, its events queued).
 *
 * <p>Design: a record exists while the peer has connections, reserved slots or a dial in flight, and is
 * retired (removed, and marked so a thread that raced to lock it looks again) by {@link #unlock} once
 * it holds nothing. Views read the volatile {@link PeerState#open} lists without locking; those lists
 * are never mutated, so a view is a consistent snapshot per peer.
 *
 * <p>Threads: any thread. Mutators ({@link #add}, {@link #replace}) require the peer's lock, and queue
 * the events of the change under it so events keep the order of changes; {@link #flushEvents()} delivers
 * them and must be called with no lock held. Metrics of a change ({@link NetworkMetrics#connectionOpened},
 * {@link NetworkMetrics#peerConnections}, ...) are captured under the lock too, with the count of that
 * moment, and reported by {@link #flushEvents()} (or, for a close, right after unlocking), never under it.
 */
public final class ConnectionRegistry {
  private final ConcurrentHashMap<PeerId, PeerState> peers = new ConcurrentHashMap<>();
  private final SlotPool slots;
  private final EventDispatcher events;
  private final GuardedMetrics metrics;
  /** When each connection in the table was admitted, on the metrics clock; for its lifetime at close. */
  private final ConcurrentHashMap<NetConn, Long> admittedAt = new ConcurrentHashMap<>();
  /** Metrics captured under a peer lock, reported by the next {@link #flushEvents()}. */
  private final ConcurrentLinkedQueue<Runnable> pendingMetrics = new ConcurrentLinkedQueue<>();

  public ConnectionRegistry(SlotPool slots, EventDispatcher events) {
    this(slots, events, GuardedMetrics.NONE);
  }

  public ConnectionRegistry(SlotPool slots, EventDispatcher events, GuardedMetrics metrics) {
    this.slots = Objects.requireNonNull(slots, "slots");
    this.events = Objects.requireNonNull(events, "events");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  // ---- records and their lock

  /** The peer's record, locked; a record being retired is skipped for a fresh one. */
  PeerState lock(PeerId id) {
    while (true) {
      PeerState p = peers.computeIfAbsent(id, PeerState::new);
      p.lock();
      if (!p.retired) {
        return p;
      }
      p.unlock();
    }
  }

  /** Unlocks {@code p}, retiring the record if it holds nothing any more. */
  void unlock(PeerState p) {
    if (!p.retired && p.isIdle()) {
      p.retired = true;
      peers.remove(p.id, p);
    }
    p.unlock();
  }

  /** The peer's record, unlocked, or null. */
  PeerState find(PeerId id) {
    return peers.get(id);
  }

  /** The peers with a record now; a copy. */
  List<PeerId> peerIds() {
    return List.copyOf(peers.keySet());
  }

  /** The peer's connections still in the table, closing ones included; an immutable snapshot. */
  List<NetConn> tracked(PeerId peer) {
    PeerState p = peers.get(peer);
    return p == null ? List.of() : p.open;
  }

  /** Peers with any state (connections, attempts in flight). */
  public int trackedPeers() {
    return peers.size();
  }

  // ---- views

  /** The peer's open connections, oldest first; an immutable snapshot. */
  public List<NetConn> connections(PeerId peer) {
    PeerState p = peers.get(peer);
    return p == null ? List.of() : onlyOpen(p.open);
  }

  /** Every open connection; an immutable snapshot. */
  public List<NetConn> connections() {
    // One pass into a presized array, wrapped once: no growth copies, no second copy.
    List<List<NetConn>> lists = new ArrayList<>(peers.size());
    int total = 0;
    for (PeerState p : peers.values()) {
      List<NetConn> open = onlyOpen(p.open);
      lists.add(open);
      total += open.size();
    }
    NetConn[] all = new NetConn[total];
    int i = 0;
    for (List<NetConn> open : lists) { // immutable snapshots: sizes cannot change under us
      for (int j = 0, n = open.size(); j < n; j++) {
        all[i++] = open.get(j);
      }
    }
    return List.of(all);
  }

  /** Each connected peer's open connections; an immutable snapshot. */
  public Map<PeerId, List<NetConn>> connectionsMap() {
    // Keys are distinct (the table is keyed by peer), so the entries go straight into Map.ofEntries:
    // hashed once, unlike a LinkedHashMap copied with Map.copyOf.
    List<Map.Entry<PeerId, List<NetConn>>> entries = new ArrayList<>(peers.size());
    for (PeerState p : peers.values()) {
      List<NetConn> open = onlyOpen(p.open);
      if (!open.isEmpty()) {
        entries.add(Map.entry(p.id, open));
      }
    }
    return ofEntries(entries);
  }

  /** The peer's oldest open connection. */
  public Optional<NetConn> oldest(PeerId peer) {
    PeerState p = peers.get(peer);
    return p == null ? Optional.empty() : Optional.ofNullable(firstOpen(p.open));
  }

  /** Each connected peer's oldest open connection; an immutable snapshot. */
  public Map<PeerId, NetConn> oldestPerPeer() {
    List<Map.Entry<PeerId, NetConn>> entries = new ArrayList<>(peers.size());
    for (PeerState p : peers.values()) {
      NetConn c = firstOpen(p.open);
      if (c != null) {
        entries.add(Map.entry(p.id, c));
      }
    }
    return ofEntries(entries);
  }

  /** The list itself when every connection in it is open (the common case), else a filtered copy. */
  static List<NetConn> onlyOpen(List<NetConn> list) {
    for (int i = 0, n = list.size(); i < n; i++) { // index loop: no iterator on the hot path
      if (!list.get(i).isOpen()) {
        List<NetConn> open = new ArrayList<>(list.size());
        for (NetConn d : list) {
          if (d.isOpen()) {
            open.add(d);
          }
        }
        return List.copyOf(open);
      }
    }
    return list;
  }

  private static NetConn firstOpen(List<NetConn> list) {
    for (int i = 0, n = list.size(); i < n; i++) {
      if (list.get(i).isOpen()) {
        return list.get(i);
      }
    }
    return null;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <V> Map<PeerId, V> ofEntries(List<Map.Entry<PeerId, V>> entries) {
    return Map.ofEntries(entries.toArray(new Map.Entry[0]));
  }

  // ---- changes (caller holds the peer's lock)

  /** Adds {@code conn} to the peer's views and queues its events, in order. */
  void add(PeerState p, NetConn conn) {
    boolean first = p.open.isEmpty();
    NetConn[] a = p.open.toArray(new NetConn[p.open.size() + 1]);
    a[a.length - 1] = conn;
    p.open = List.of(a);
    if (first) {
      events.queuePeerConnected(p.id);
    }
    events.queueConnectionOpened(conn);
    admittedAt.put(conn, metrics.now());
    PeerId id = p.id;
    int count = a.length;
    pendingMetrics.add(() -> {
      metrics.connectionOpened(id, conn.direction(), NetworkMetrics.transportName(conn.remoteAddress()));
      metrics.peerConnections(id, count);
    });
  }

  /**
   * Swaps {@code old} for {@code conn} in one step, so no view ever holds both, and queues the events:
   * {@code conn} opened, {@code old} closed with {@code why}.
   */
  void replace(PeerState p, NetConn old, NetConn conn, CloseReason why) {
    List<NetConn> next = new ArrayList<>(p.open.size());
    for (NetConn c : p.open) {
      if (c != old) {
        next.add(c);
      }
    }
    next.add(conn);
    p.open = List.copyOf(next);
    events.queueConnectionOpened(conn);
    events.queueConnectionClosed(old, why);
    long now = metrics.now();
    admittedAt.put(conn, now);
    Long since = admittedAt.remove(old);
    PeerId id = p.id;
    int count = next.size();
    pendingMetrics.add(() -> {
      metrics.connectionOpened(id, conn.direction(), NetworkMetrics.transportName(conn.remoteAddress()));
      metrics.connectionClosed(id, old.direction(), NetworkMetrics.transportName(old.remoteAddress()),
          since == null ? Duration.ZERO : metrics.since(since), why.kind());
      metrics.peerConnections(id, count);
    });
  }

  /** Reports the captured metrics and delivers the queued events. Call with no lock held. */
  void flushEvents() {
    flushMetrics();
    events.flush();
  }

  private void flushMetrics() {
    for (Runnable r; (r = pendingMetrics.poll()) != null; ) {
      r.run(); // GuardedMetrics: never throws
    }
  }

  // ---- closing

  /**
   * Watches an admitted connection: when it closes it leaves the views, its slot goes back, and its
   * close (and, if it was the last, the peer's disconnection) is reported once.
   */
  void watch(PeerId peer, NetConn conn) {
    conn.closeFuture().whenComplete((reason, err) -> onClosed(peer, conn,
        reason != null ? reason : CloseReason.error(err != null ? Failures.unwrap(err) : new IllegalStateException(
            "connection " + conn.id() + " closed without a reason"))));
  }

  private void onClosed(PeerId id, NetConn conn, CloseReason reason) {
    CloseReason why = slots.isClosed() && reason.kind() == CloseReason.Kind.LOCAL ? CloseReason.SHUTDOWN : reason;
    boolean removed = false;
    int left = 0;
    PeerState p = peers.get(id);
    if (p != null) {
      p.lock();
      try {
        int i = p.open.indexOf(conn);
        if (i >= 0) {
          List<NetConn> rest = new ArrayList<>(p.open);
          rest.remove(i);
          p.open = List.copyOf(rest);
          removed = true;
          left = p.open.size();
          events.queueConnectionClosed(conn, why);
          if (p.open.isEmpty()) {
            events.queuePeerDisconnected(id);
          }
        }
      } finally {
        unlock(p);
      }
    }
    if (removed) {
      slots.release(1);
      Long since = admittedAt.remove(conn);
      flushMetrics(); // an open captured earlier goes first
      metrics.connectionClosed(id, conn.direction(), NetworkMetrics.transportName(conn.remoteAddress()),
          since == null ? Duration.ZERO : metrics.since(since), why.kind());
      metrics.peerConnections(id, left);
      events.flush();
    }
  }
}
