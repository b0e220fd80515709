package io.braid.core.internal;

import io.braid.api.CloseReason;
import io.braid.api.Direction;
import io.braid.api.LimitExceededException;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import java.util.List;

/**
 * The one rule both sides of a simultaneous dial apply alike, so that they agree without talking:
 * <b>the connection dialed by the peer with the smaller peer id is kept</b> (peer ids compare by their
 * bytes, unsigned). Stateless.
 */
final class SimultaneousOpen {
  static final String RULE = "simultaneous open: the connection dialed by the smaller peer id is kept";

  private SimultaneousOpen() {}

  /** Whether a connection dialed by {@code remote} beats one dialed by {@code local}. */
  static boolean remoteWins(PeerId remote, PeerId local) {
    return remote.compareTo(local) < 0;
  }

  /**
   * The connection the winner's inbound dial may replace: the newest one we dialed that is closing or
   * carries no stream, or null. A connection carrying streams is never replaced.
   */
  static NetConn replaceable(List<NetConn> open) {
    for (int i = open.size() - 1; i >= 0; i--) {
      NetConn c = open.get(i);
      if (c.direction() == Direction.OUTBOUND && (!c.isOpen() || c.streamCount() == 0)) {
        return c;
      }
    }
    return null;
  }

  /** The reason reported for a connection replaced under this rule. */
  static CloseReason replacedReason(int maxConnectionsPerPeer) {
    return CloseReason.refused(new LimitExceededException("maxConnectionsPerPeer", maxConnectionsPerPeer, RULE));
  }
}
