package io.braid.core.internal;

import io.braid.api.NetConn;
import io.braid.api.PeerExplanation;
import io.braid.api.PeerId;
import java.util.List;

/**
 * Answers {@code Network.explain(peer)} (issue 14, item 6) from the parts that know: the keeper (target
 * and state), the registry (connections, attempts in flight), the address book and the dial budget's
 * backoff memory (each address's last result), the refusal log and the budget's counters. Reads each part
 * once, without holding one lock across them, so the parts may be a moment apart. Any thread.
 */
public final class PeerExplainer {
  private final ConnectionKeeper keeper;
  private final ConnectionRegistry registry;
  private final AddressBook book;
  private final DialBudget budget;
  private final RefusalLog refusals;

  public PeerExplainer(ConnectionKeeper keeper, ConnectionRegistry registry, AddressBook book, DialBudget budget,
      RefusalLog refusals) {
    this.keeper = keeper;
    this.registry = registry;
    this.book = book;
    this.budget = budget;
    this.refusals = refusals;
  }

  public PeerExplanation explain(PeerId peer) {
    ConnectionKeeper.State keep = keeper.state(peer);
    List<PeerExplanation.Connection> conns = registry.connections(peer).stream()
        .map((NetConn c) -> new PeerExplanation.Connection(c.id(), c.direction(), c.remoteAddress())).toList();
    int reserved = 0;
    PeerState p = registry.find(peer);
    if (p != null) {
      p.lock();
      try {
        reserved = p.reserved;
      } finally {
        p.unlock();
      }
    }
    PeerExplanation.Dials dials = new PeerExplanation.Dials(reserved, budget.queued(peer), budget.inFlight(),
        budget.queued(), budget.maxInFlight());
    return new PeerExplanation(peer, keep.keep(), keep.target(), conns,
        budget.addresses().explain(peer, book.addresses(peer), budget.now()), refusals.recent(peer), dials);
  }
}
