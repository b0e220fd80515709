package io.braid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.KeepConnected;
import io.braid.api.NetConn;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Keep-N under any interleaving of kills (either end), inbound dials from the peer and time passing, on
 * the memory transport with a fake clock.
 */
class KeepConnectedPropertyTest {

  @Property(tries = 200)
  @Label("never over the per-peer cap on either side, and back at the target once time passes")
  void neverOverTheCapAndRestored(@ForAll @IntRange(min = 1, max = 3) int target,
      @ForAll @Size(max = 25) List<@IntRange(min = 0, max = 4) Integer> ops,
      @ForAll @IntRange(min = 0, max = 1000) int pick) {
    try (SwarmFixture fx = new SwarmFixture()) {
      var a = fx.node(SwarmFixture.config(3));
      var b = fx.node(SwarmFixture.config(3));
      SwarmFixture.introduce(a, b);
      SwarmFixture.introduce(b, a);
      KeepConnected keep = a.swarm().keepConnected(b.peer(), target);
      int i = pick;
      for (int op : ops) {
        List<NetConn> conns = a.swarm().getConnections(b.peer());
        switch (op) {
          case 0 -> {
            if (!conns.isEmpty()) {
              a.transport().faults().kill(conns.get(i++ % conns.size()));
            }
          }
          case 1 -> {
            List<NetConn> theirs = b.swarm().getConnections(a.peer());
            if (!theirs.isEmpty()) {
              theirs.get(i++ % theirs.size()).close(); // the remote closes one
            }
          }
          case 2 -> b.swarm().dialPeer(a.peer()); // inbound to a; may or may not find room
          case 3 -> fx.clock.forward(Duration.ofMillis(100));
          default -> fx.clock.forward(Duration.ofMillis(7));
        }
        assertTrue(a.swarm().getConnections(b.peer()).size() <= 3, "a over its cap");
        assertTrue(b.swarm().getConnections(a.peer()).size() <= 3, "b over its cap");
      }
      fx.clock.forward(Duration.ofSeconds(5));
      assertTrue(keep.isActive(), "gave up: " + a.swarm().explain(b.peer()));
      int now = a.swarm().getConnections(b.peer()).size();
      assertTrue(now >= target && now <= 3, now + " connections for a target of " + target);
      assertEquals(0, a.swarm().pendingHandshakes());
      keep.close();
    }
  }
}
