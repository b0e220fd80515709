package io.braid.core.internal;

import io.braid.api.LimitExceededException;
import io.braid.api.Multiaddr;
import io.braid.api.ResourceLimits;
import io.braid.api.ResourceLimits.Limit;
import io.braid.api.ResourceScope;
import io.braid.api.ResourceUsage;
import io.braid.core.internal.ScopeCounts.RemoteKey;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The address scopes of inbound connections: per remote IP and per subnet, pending handshakes
 * ({@link Limit#PENDING_PER_IP}, {@link Limit#PENDING_PER_SUBNET}) and inbound connections, handshaking or
 * established ({@link Limit#CONNECTIONS_INBOUND_PER_IP}, {@link Limit#CONNECTIONS_INBOUND_PER_SUBNET}, and
 * node-wide {@link Limit#CONNECTIONS_INBOUND}); failed handshakes per address in a 10-second window
 * ({@link Limit#FAILED_HANDSHAKES_PER_IP}, counted by {@link #strike});
 * and the <b>eviction rule</b> for when the node-wide pending cap is full: the address holding the most
 * pending handshakes loses its oldest one to the newcomer, provided it holds at least two more than the
 * newcomer's address (so that the swap never leaves the newcomer's address holding more than the
 * victim's). A flood from one address, or from a few, therefore never keeps a peer from another address
 * out.
 *
 * <p>Each raw inbound connection is a {@link Pending}, from {@link #admit} until {@link #established} or
 * {@link #failed}, then (if established) until {@link #closed}. Addresses with no IP (memory, DNS) are
 * counted nowhere here and never evicted.
 *
 * <p>Threads: any; all state is guarded by this object's lock, and nothing is called out under it (the
 * caller runs an evicted handshake's abort after {@link #evictFor} returned).
 */
final class InboundGate {
  /** One raw inbound connection. Its state is guarded by the gate's lock. */
  static final class Pending {
    final Multiaddr remote;
    final RemoteKey key;
    final Runnable abort;
    private boolean inPendingCounts = true;
    private boolean inConnectionCounts = true;
    private boolean evicted;
    private boolean ended;

    private Pending(Multiaddr remote, RemoteKey key, Runnable abort) {
      this.remote = remote;
      this.key = key;
      this.abort = abort;
    }
  }

  private final Object lock = new Object();
  private final ResourceLimits limits;
  private final ScopeCounts.Refusals refusals;
  private final Map<String, ScopeCounts> ips = new HashMap<>();
  private final Map<String, ScopeCounts> subnets = new HashMap<>();
  /** Per IP, its evictable handshakes, oldest first. */
  private final Map<String, ArrayDeque<Pending>> queues = new HashMap<>();
  /** Handshakes under way by remote address, to find the one a transport's callback is about. */
  private final Map<Multiaddr, ArrayDeque<Pending>> byRemote = new HashMap<>();
  /** Inbound connections (with an IP) handshaking or established, node-wide ({@link Limit#CONNECTIONS_INBOUND}). */
  private long inbound;

  /** How long a failed handshake counts against its address ({@link Limit#FAILED_HANDSHAKES_PER_IP}). */
  static final long STRIKE_WINDOW_NANOS = 10_000_000_000L;
  /**
   * The longest an address is turned away for failed handshakes: its ban doubles with each consecutive
   * offence, from one window (10 s) up to this (320 s).
   */
  static final long MAX_BAN_NANOS = STRIKE_WINDOW_NANOS << 5;
  /** Addresses whose failures are remembered at once; past it the oldest window is forgotten. */
  static final int MAX_STRIKE_ADDRESSES = 4096;

  /**
   * Failed handshakes of one address in its current window, and its ban. Guarded by the gate's lock.
   *
   * <p>Reaching {@link Limit#FAILED_HANDSHAKES_PER_IP} in a window is an <i>offence</i>: the address is
   * banned (its new connections refused before any work) for one window the first time and twice as long
   * for each further consecutive offence, up to {@link #MAX_BAN_NANOS}. A window that ends below the limit,
   * or a quiet spell of {@link #MAX_BAN_NANOS} after a ban, forgives the offences. So a peer that keeps
   * reconnecting past its cap, or a client that keeps sending garbage, costs a bounded and shrinking number
   * of handshakes however long it insists: 64, then 64 per 20 s, per 40 s, ... per 320 s by default.
   */
  private static final class Strikes {
    long windowStart;
    long count;
    int offences;
    long bannedUntil;
    boolean banned;

    boolean inWindow(long now) {
      return now - windowStart < STRIKE_WINDOW_NANOS;
    }

    boolean isBanned(long now) {
      return banned && now - bannedUntil < 0;
    }
  }

  private final LongSupplier nanoClock;
  /** Per IP, its failures in the current window; insertion order, so the oldest window goes first. */
  private final LinkedHashMap<String, Strikes> strikes = new LinkedHashMap<>();

  InboundGate(ResourceLimits limits, ScopeCounts.Refusals refusals) {
    this(limits, refusals, System::nanoTime);
  }

  /** @param nanoClock a monotonic clock in nanoseconds for the failed-handshake windows */
  InboundGate(ResourceLimits limits, ScopeCounts.Refusals refusals, LongSupplier nanoClock) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.refusals = Objects.requireNonNull(refusals, "refusals");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  /**
   * Counts a failed handshake (or a connection refused right after its handshake) against {@code p}'s
   * address ({@link Limit#FAILED_HANDSHAKES_PER_IP}); the strike that reaches the limit bans the address
   * (see {@link Strikes}).
   */
  void strike(Pending p) {
    strike(p, false);
  }

  /** One strike, or (with {@code wholeOffence}) as many as it takes to reach the limit. */
  private void strike(Pending p, boolean wholeOffence) {
    if (p == null || p.key.ip() == null) {
      return;
    }
    long now = nanoClock.getAsLong();
    long max = limits.get(Limit.FAILED_HANDSHAKES_PER_IP);
    synchronized (lock) {
      Strikes s = strikes.get(p.key.ip());
      if (s == null || (!s.inWindow(now) && !s.isBanned(now))) {
        strikes.remove(p.key.ip()); // re-inserted last: its window is the newest
        Strikes next = new Strikes();
        if (s != null && s.count >= max && !(s.banned && now - s.bannedUntil >= MAX_BAN_NANOS)) {
          next.offences = s.offences; // the last window was an offence, and not long ago: not forgiven
        }
        s = next;
        s.windowStart = now;
        strikes.put(p.key.ip(), s);
        if (strikes.size() > MAX_STRIKE_ADDRESSES) {
          strikes.remove(strikes.keySet().iterator().next());
        }
      }
      long before = s.count;
      s.count += wholeOffence ? Math.max(1, max - before) : 1;
      if (before < max && s.count >= max) {
        s.offences++;
        s.banned = true;
        s.bannedUntil = now + (STRIKE_WINDOW_NANOS << Math.min(s.offences - 1, 5));
      }
    }
  }

  /**
   * Counts an offence against {@code p}'s address at once, as if its failed handshakes had reached
   * {@link Limit#FAILED_HANDSHAKES_PER_IP}: an established connection of it flooded (see
   * {@link Limit#REFUSED_STREAMS_PER_CONNECTION}). An address already banned keeps its ban as it is.
   */
  void offence(Pending p) {
    strike(p, true);
  }

  /** Failed handshakes counted against {@code ip} in its current window or ban (0 once both are over). */
  long strikes(String ip) {
    synchronized (lock) {
      Strikes s = strikes.get(ip);
      long now = nanoClock.getAsLong();
      return s == null || (!s.inWindow(now) && !s.isBanned(now)) ? 0 : s.count;
    }
  }

  /** How long {@code ip} is still turned away for failed handshakes, in nanoseconds; 0 if it is not. */
  long banRemainingNanos(String ip) {
    synchronized (lock) {
      Strikes s = strikes.get(ip);
      long now = nanoClock.getAsLong();
      return s == null || !s.isBanned(now) ? 0 : s.bannedUntil - now;
    }
  }

  /**
   * Charges a raw inbound connection from {@code remote} to its address and subnet.
   *
   * @param abort closes the connection before its handshake ends, or null if the transport cannot (then
   *     it is never evicted)
   * @throws LimitExceededException if the address or the subnet is at a limit (nothing is charged)
   */
  Pending admit(Multiaddr remote, Runnable abort) {
    RemoteKey key = RemoteKey.of(remote);
    Pending p = new Pending(remote, key, abort);
    synchronized (lock) {
      if (key.ip() != null) {
        ScopeCounts ip = ips.getOrDefault(key.ip(), new ScopeCounts());
        ScopeCounts net = subnets.getOrDefault(key.subnet(), new ScopeCounts());
        Strikes struck = strikes.get(key.ip());
        if (struck != null) {
          long now = nanoClock.getAsLong();
          if (struck.isBanned(now)) {
            refuse(ResourceScope.IP, key.ip(), Limit.FAILED_HANDSHAKES_PER_IP, struck.count);
          } else if (struck.inWindow(now)) {
            check(ResourceScope.IP, key.ip(), Limit.FAILED_HANDSHAKES_PER_IP, struck.count);
          }
        }
        check(ResourceScope.IP, key.ip(), Limit.PENDING_PER_IP, ip.pending);
        check(ResourceScope.SUBNET, key.subnet(), Limit.PENDING_PER_SUBNET, net.pending);
        check(ResourceScope.IP, key.ip(), Limit.CONNECTIONS_INBOUND_PER_IP, ip.connectionsInbound);
        check(ResourceScope.SUBNET, key.subnet(), Limit.CONNECTIONS_INBOUND_PER_SUBNET, net.connectionsInbound);
        check(ResourceScope.SYSTEM, "", Limit.CONNECTIONS_INBOUND, inbound);
        inbound++;
        ips.put(key.ip(), ip);
        subnets.put(key.subnet(), net);
        ip.pending++;
        ip.connectionsInbound++;
        net.pending++;
        net.connectionsInbound++;
        if (abort != null) {
          queues.computeIfAbsent(key.ip(), k -> new ArrayDeque<>()).addLast(p);
        }
        byRemote.computeIfAbsent(remote, k -> new ArrayDeque<>()).addLast(p);
      } else {
        // Counted nowhere here, so not tracked either: take() will not find it, which is harmless.
        p.inPendingCounts = false;
        p.inConnectionCounts = false;
        p.ended = true;
      }
    }
    return p;
  }

  private void check(ResourceScope scope, String name, Limit limit, long current) {
    if (current >= limits.get(limit)) {
      refuse(scope, name, limit, current);
    }
  }

  private void refuse(ResourceScope scope, String name, Limit limit, long current) {
    refusals.count(limit.configName());
    throw new LimitExceededException(scope, name, limit.configName(), limits.get(limit), current,
        "inbound connection refused");
  }

  /**
   * The node-wide pending cap is full and {@code newcomer} (already admitted here) wants a handshake slot:
   * picks the victim by the eviction rule, marks it evicted and uncharges it. The newcomer takes over the
   * victim's node-wide slots; the caller runs {@code victim.abort} after this returns.
   *
   * @return the victim, or null if no address holds two more than the newcomer's
   */
  Pending evictFor(Pending newcomer) {
    synchronized (lock) {
      long own = newcomer.key.ip() == null ? 0 : ips.get(newcomer.key.ip()).pending - 1;
      String worst = null;
      long most = own + 1;
      for (Map.Entry<String, ArrayDeque<Pending>> e : queues.entrySet()) {
        if (e.getValue().isEmpty() || e.getKey().equals(newcomer.key.ip())) {
          continue;
        }
        long held = ips.get(e.getKey()).pending;
        if (held > most) {
          most = held;
          worst = e.getKey();
        }
      }
      if (worst == null) {
        return null;
      }
      ArrayDeque<Pending> q = queues.get(worst);
      Pending victim = q.pollFirst();
      if (q.isEmpty()) {
        queues.remove(worst);
      }
      victim.evicted = true;
      uncharge(victim, true);
      refusals.count("evictedPending");
      return victim;
    }
  }

  /** The oldest handshake under way from {@code remote}, which a transport's callback reports as ended; null if unknown. */
  Pending take(Multiaddr remote) {
    synchronized (lock) {
      ArrayDeque<Pending> q = byRemote.get(remote);
      Pending p = q == null ? null : q.pollFirst();
      if (q != null && q.isEmpty()) {
        byRemote.remove(remote);
      }
      if (p != null) {
        p.ended = true;
      }
      return p;
    }
  }

  /** Whether {@code p} was evicted: its node-wide slots went to another connection. */
  boolean wasEvicted(Pending p) {
    synchronized (lock) {
      return p.evicted;
    }
  }

  /**
   * {@code p}'s handshake succeeded: it stops counting as pending, and counts as an inbound connection of
   * its address until {@link #closed}. False if it was evicted meanwhile (the caller then closes it).
   */
  boolean established(Pending p) {
    synchronized (lock) {
      if (p.evicted) {
        return false;
      }
      dequeue(p);
      if (p.inPendingCounts) {
        p.inPendingCounts = false;
        ips.get(p.key.ip()).pending--;
        subnets.get(p.key.subnet()).pending--;
      }
      return true;
    }
  }

  /** {@code p}'s handshake failed, or its connection was refused: uncharges it. */
  void failed(Pending p) {
    synchronized (lock) {
      dequeue(p);
      uncharge(p, true);
    }
  }

  /** {@code p}'s established connection closed: it stops counting for its address. */
  void closed(Pending p) {
    synchronized (lock) {
      uncharge(p, false);
    }
  }

  private void dequeue(Pending p) {
    if (p.key.ip() != null) {
      ArrayDeque<Pending> q = queues.get(p.key.ip());
      if (q != null) {
        q.remove(p);
        if (q.isEmpty()) {
          queues.remove(p.key.ip());
        }
      }
    }
    if (!p.ended) {
      ArrayDeque<Pending> q = byRemote.get(p.remote);
      if (q != null && q.remove(p) && q.isEmpty()) {
        byRemote.remove(p.remote);
      }
      p.ended = true;
    }
  }

  private void uncharge(Pending p, boolean pendingToo) {
    if (p.key.ip() == null) {
      return;
    }
    ScopeCounts ip = ips.get(p.key.ip());
    ScopeCounts net = subnets.get(p.key.subnet());
    if (pendingToo && p.inPendingCounts) {
      p.inPendingCounts = false;
      ip.pending--;
      net.pending--;
    }
    if (p.inConnectionCounts) {
      p.inConnectionCounts = false;
      inbound--;
      ip.connectionsInbound--;
      net.connectionsInbound--;
    }
    ScopeCounts.dropIfEmpty(ips, p.key.ip());
    ScopeCounts.dropIfEmpty(subnets, p.key.subnet());
  }

  /** Inbound connections (with an IP) handshaking or established now, node-wide. */
  long inbound() {
    synchronized (lock) {
      return inbound;
    }
  }

  /** Handshakes counted per address now (for tests and snapshots). */
  long pending(String ip) {
    synchronized (lock) {
      ScopeCounts c = ips.get(ip);
      return c == null ? 0 : c.pending;
    }
  }

  /** The per-IP and per-subnet snapshot: {ips, subnets}. */
  @SuppressWarnings("unchecked")
  Map<String, ResourceUsage.Usage>[] snapshot() {
    synchronized (lock) {
      return new Map[] {ScopeCounts.snapshot(ips), ScopeCounts.snapshot(subnets)};
    }
  }
}
