package io.braid.core.internal;

import io.braid.api.Multiaddr;
import io.braid.api.PeerId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The addresses known for each peer, in the order they were first added, without {@code /p2p/<id>}
 * suffixes and without duplicates. Threads: any thread; each peer's list is an immutable snapshot replaced
 * atomically by {@link ConcurrentHashMap#merge}, so readers never lock.
 */
public final class AddressBook {
  private final ConcurrentHashMap<PeerId, List<Multiaddr>> book = new ConcurrentHashMap<>();

  /**
   * Adds {@code addresses} for {@code peer}.
   *
   * @throws IllegalArgumentException if an address names another peer (nothing is added then)
   */
  public void add(PeerId peer, Multiaddr... addresses) {
    Objects.requireNonNull(peer, "peer");
    List<Multiaddr> clean = new ArrayList<>();
    for (Multiaddr a : addresses) {
      Objects.requireNonNull(a, "address");
      Optional<PeerId> embedded = a.peerId();
      if (embedded.isPresent() && !embedded.get().equals(peer)) {
        throw new IllegalArgumentException("address " + a + " names peer " + embedded.get() + ", not " + peer);
      }
      clean.add(a.withoutPeerId());
    }
    book.merge(peer, List.copyOf(clean), (old, add) -> {
      LinkedHashSet<Multiaddr> set = new LinkedHashSet<>(old);
      set.addAll(add);
      return List.copyOf(set);
    });
  }

  /** The addresses known for {@code peer}, in the order they were added; immutable. */
  public List<Multiaddr> addresses(PeerId peer) {
    return book.getOrDefault(peer, List.of());
  }
}
