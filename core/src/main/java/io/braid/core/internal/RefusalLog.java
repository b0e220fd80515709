package io.braid.core.internal;

import io.braid.api.LimitExceededException;
import io.braid.api.PeerExplanation.Refusal;
import io.braid.api.PeerId;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The last few limit refusals, per peer and node-wide, for {@code explain}: the dial path's (the per-peer
 * and global connection caps, the handshake queue, the dial budget) and the resource manager's (streams,
 * memory). Bounded: {@value #PER_PEER} per peer for the {@value #PEERS} peers refused most recently, and
 * {@value #PER_PEER} refusals that concern no single peer.
 *
 * <p>Threads: any thread; one lock, held only to copy entries in and out.
 */
public final class RefusalLog {
  static final int PER_PEER = 8;
  static final int PEERS = 1024;

  private record Logged(LimitExceededException e, long at) {}

  private final LongSupplier ticker;
  private final Object lock = new Object();
  private final ArrayDeque<Logged> nodeWide = new ArrayDeque<>();
  private final Map<PeerId, ArrayDeque<Logged>> perPeer = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<PeerId, ArrayDeque<Logged>> eldest) {
      return size() > PEERS;
    }
  };

  public RefusalLog(LongSupplier ticker) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  /** Records a refusal concerning {@code peer}, or the whole node if {@code peer} is null; returns {@code e}. */
  public LimitExceededException record(PeerId peer, LimitExceededException e) {
    Logged entry = new Logged(e, ticker.getAsLong());
    synchronized (lock) {
      ArrayDeque<Logged> q = peer == null ? nodeWide : perPeer.computeIfAbsent(peer, k -> new ArrayDeque<>());
      if (q.size() == PER_PEER) {
        q.removeFirst();
      }
      q.addLast(entry);
    }
    return e;
  }

  /** The refusals concerning {@code peer} and the node-wide ones, newest first. */
  List<Refusal> recent(PeerId peer) {
    long now = ticker.getAsLong();
    List<Logged> all = new ArrayList<>();
    synchronized (lock) {
      ArrayDeque<Logged> q = perPeer.get(peer);
      if (q != null) {
        all.addAll(q);
      }
      all.addAll(nodeWide);
    }
    all.sort((a, b) -> Long.compare(b.at(), a.at()));
    List<Refusal> out = new ArrayList<>(all.size());
    for (Logged en : all) {
      out.add(Refusal.of(en.e(), Duration.ofNanos(Math.max(0, now - en.at()))));
    }
    return out;
  }
}
