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
  private record Entry(Result result, String failure, long at, int failures, long until) {}

  private final ConcurrentHashMap<PeerId, Map<Multiaddr, Entry>> entries = new ConcurrentHashMap<>();

  void failed(PeerId peer, Multiaddr addr, Throwable cause, long now, long until) {
    String m = cause.getMessage();
    String failure = cause.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    entries.computeIfAbsent(peer, k -> new ConcurrentHashMap<>())
        .merge(addr, new Entry(Result.FAILED, failure, now, 1, until),
            (old, add) -> new Entry(Result.FAILED, failure, now, old.failures() + 1, Math.max(until, now)));
  }

  void succeeded(PeerId peer, Multiaddr addr, long now) {
    entries.computeIfAbsent(peer, k -> new ConcurrentHashMap<>()).put(addr, new Entry(Result.OK, "", now, 0, 0));
  }

  /** Failed tries of {@code addr} in a row. */
  int failures(PeerId peer, Multiaddr addr) {
    Entry e = entry(peer, addr);
    return e == null ? 0 : e.failures();
  }

  /** Whether a new dial should skip {@code addr} at {@code now}. */
  boolean inBackoff(PeerId peer, Multiaddr addr, long now) {
    Entry e = entry(peer, addr);
    return e != null && e.until() - now > 0;
  }

  /** When {@code addr}'s backoff ends (some time at or before {@code now} if it has none). */
  long backoffUntil(PeerId peer, Multiaddr addr, long now) {
    Entry e = entry(peer, addr);
    return e == null || e.until() - now <= 0 ? now : e.until();
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
