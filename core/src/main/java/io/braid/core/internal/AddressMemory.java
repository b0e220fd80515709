package io.braid.core.internal;

import io.braid.api.Multiaddr;
import io.braid.api.PeerExplanation.AddressState;
import io.braid.api.PeerExplanation.Result;
import io.braid.api.PeerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-address backoff memory of the dial budget: what the last try of each address did, and until
 * when a new dial skips it. A failed try puts its address in backoff for the delay of its retry (the
 * {@link io.braid.api.RetryConfig} schedule, jitter included) or, when it is not retried, for the
 * un-jittered delay after that many failures in a row; a try that connects clears it. Also feeds
 * {@code explain}.
 *
 * <p>Threads: any thread; entries are immutable records replaced atomically in concurrent maps. Memory
 * grows with the addresses dialed, like the address book.
 */
final class AddressMemory {
  /** {@code seq} orders the entries: a dial heeds only those that existed when it began. */
  private record Entry(Result result, String failure, long at, int failures, long until, long seq) {}

  private final java.util.concurrent.atomic.AtomicLong seq = new java.util.concurrent.atomic.AtomicLong();

  private final ConcurrentHashMap<PeerId, Map<Multiaddr, Entry>> entries = new ConcurrentHashMap<>();

  void failed(PeerId peer, Multiaddr addr, Throwable cause, long now, long until) {
    String m = cause.getMessage();
    String failure = cause.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    entries.computeIfAbsent(peer, k -> new ConcurrentHashMap<>())
        .merge(addr, new Entry(Result.FAILED, failure, now, 1, until, seq.incrementAndGet()),
            (old, add) -> new Entry(Result.FAILED, failure, now, old.failures() + 1, until, add.seq()));
  }

  void succeeded(PeerId peer, Multiaddr addr, long now) {
    entries.computeIfAbsent(peer, k -> new ConcurrentHashMap<>()).put(addr, new Entry(Result.OK, "", now, 0, 0,
        seq.incrementAndGet()));
  }

  /** Failed tries of {@code addr} in a row. */
  int failures(PeerId peer, Multiaddr addr) {
    Entry e = entry(peer, addr);
    return e == null ? 0 : e.failures();
  }

  /** The newest entry so far: a dial that begins now heeds the entries up to this one. */
  long mark() {
    return seq.get();
  }

  /**
   * Whether a dial that began at {@code mark} should skip {@code addr} at {@code now}: its address failed
   * before that dial began, and the backoff has not passed. (Failures during the dial are its own retries'
   * business: its other attempts may still try the address.)
   */
  boolean inBackoff(PeerId peer, Multiaddr addr, long now, long mark) {
    Entry e = entry(peer, addr);
    return e != null && e.seq() <= mark && e.until() - now > 0;
  }

  /** When {@code addr}'s backoff ends for a dial that began at {@code mark} ({@code now} if it has none). */
  long backoffUntil(PeerId peer, Multiaddr addr, long now, long mark) {
    return inBackoff(peer, addr, now, mark) ? entry(peer, addr).until() : now;
  }

  /** Each of {@code addresses} as {@code explain} shows it. */
  List<AddressState> explain(PeerId peer, List<Multiaddr> addresses, long now) {
    List<AddressState> out = new ArrayList<>(addresses.size());
    for (Multiaddr a : addresses) {
      Entry e = entry(peer, a);
      if (e == null) {
        out.add(new AddressState(a, Result.NONE, "", Optional.empty(), 0, Duration.ZERO));
      } else {
        out.add(new AddressState(a, e.result(), e.failure(), Optional.of(Duration.ofNanos(Math.max(0, now - e.at()))),
            e.failures(), Duration.ofNanos(Math.max(0, e.until() - now))));
      }
    }
    return out;
  }

  private Entry entry(PeerId peer, Multiaddr addr) {
    Map<Multiaddr, Entry> m = entries.get(peer);
    return m == null ? null : m.get(addr);
  }
}
