package io.braid.core.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ConnectionGater;
import io.braid.api.Direction;
import io.braid.api.Multiaddr;
import io.braid.api.PeerId;
import io.braid.testkit.FakeNetConn;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("GuardedGater")
class GuardedGaterTest {
  private final PeerId peer = FakeNetConn.testPeer(1);
  private final Multiaddr addr = Multiaddr.fromString("/memory/1");

  @Test
  @DisplayName("passes the gater's answers through")
  void passesAnswers() {
    GuardedGater g = new GuardedGater(new ConnectionGater() {
      @Override
      public boolean allowDialAddress(PeerId p, Multiaddr a) {
        return false;
      }
    });
    assertTrue(g.allowDialPeer(peer));
    assertFalse(g.allowDialAddress(peer, addr));
    assertTrue(g.allowAccept(addr));
    assertTrue(g.allowSecured(peer, addr, Direction.INBOUND));
  }

  @Test
  @DisplayName("a gater that throws denies, at every step")
  void throwingDenies() {
    GuardedGater g = new GuardedGater(new ConnectionGater() {
      @Override
      public boolean allowDialPeer(PeerId p) {
        throw new IllegalStateException("bug");
      }

      @Override
      public boolean allowDialAddress(PeerId p, Multiaddr a) {
        throw new IllegalStateException("bug");
      }

      @Override
      public boolean allowAccept(Multiaddr a) {
        throw new IllegalStateException("bug");
      }

      @Override
      public boolean allowSecured(PeerId p, Multiaddr a, Direction d) {
        throw new IllegalStateException("bug");
      }
    });
    assertFalse(g.allowDialPeer(peer));
    assertFalse(g.allowDialAddress(peer, addr));
    assertFalse(g.allowAccept(addr));
    assertFalse(g.allowSecured(peer, addr, Direction.OUTBOUND));
  }
}
