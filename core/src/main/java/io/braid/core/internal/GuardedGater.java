package io.braid.core.internal;

import io.braid.api.ConnectionGater;
import io.braid.api.Direction;
import io.braid.api.Multiaddr;
import io.braid.api.PeerId;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user's {@link ConnectionGater}, asked so that a gater that throws denies (and is logged) instead of
 * breaking a dial or an accept. Owns no state. Threads: called on whichever thread dials or accepts, and
 * never while a lock of the swarm is held, since the gater is user code.
 */
public final class GuardedGater {
  private static final Logger log = LoggerFactory.getLogger(GuardedGater.class);

  private final ConnectionGater gater;

  public GuardedGater(ConnectionGater gater) {
    this.gater = Objects.requireNonNull(gater, "gater");
  }

  boolean allowDialPeer(PeerId peer) {
    return ask(() -> gater.allowDialPeer(peer));
  }

  boolean allowDialAddress(PeerId peer, Multiaddr address) {
    return ask(() -> gater.allowDialAddress(peer, address));
  }

  boolean allowAccept(Multiaddr remoteAddress) {
    return ask(() -> gater.allowAccept(remoteAddress));
  }

  boolean allowSecured(PeerId peer, Multiaddr remoteAddress, Direction direction) {
    return ask(() -> gater.allowSecured(peer, remoteAddress, direction));
  }

  private static boolean ask(BooleanSupplier check) {
    try {
      return check.getAsBoolean();
    } catch (RuntimeException e) {
      log.warn("connection gater threw; treating it as a denial", e);
      return false;
    }
  }
}
