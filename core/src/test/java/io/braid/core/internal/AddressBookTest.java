package io.braid.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.braid.api.Multiaddr;
import io.braid.api.PeerId;
import io.braid.testkit.FakeNetConn;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("AddressBook")
class AddressBookTest {
  private final AddressBook book = new AddressBook();
  private final PeerId peer = FakeNetConn.testPeer(1);

  @Test
  @DisplayName("keeps the first-added order, drops duplicates and strips the peer's own /p2p suffix")
  void orderDedupAndSuffix() {
    Multiaddr a = Multiaddr.fromString("/memory/1");
    Multiaddr b = Multiaddr.fromString("/memory/2");
    book.add(peer, b, a);
    book.add(peer, Multiaddr.fromString("/memory/2/p2p/" + peer.toBase58()), a);
    assertEquals(List.of(b, a), book.addresses(peer));
    assertEquals(List.of(), book.addresses(FakeNetConn.testPeer(2)));
  }

  @Test
  @DisplayName("an address naming another peer is refused and nothing of the call is added")
  void otherPeerRefused() {
    Multiaddr foreign = Multiaddr.fromString("/memory/3/p2p/" + FakeNetConn.testPeer(9).toBase58());
    assertThrows(IllegalArgumentException.class, () -> book.add(peer, Multiaddr.fromString("/memory/1"), foreign));
    assertEquals(List.of(), book.addresses(peer));
  }
}
