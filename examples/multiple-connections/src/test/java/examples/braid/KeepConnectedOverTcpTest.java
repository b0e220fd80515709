package examples.braid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ConnectionConfig;
import io.braid.api.KeepConnected;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetworkListener;
import io.braid.api.PeerId;
import io.braid.core.Swarm;
import io.braid.identity.Identity;
import io.braid.testkit.Awaits;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Keep-N over real TCP (Noise, Yamux) on loopback: a connection the remote closes is replaced. */
@Timeout(60)
class KeepConnectedOverTcpTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void aConnectionTheRemoteClosesIsReplacedAndTheEventsSaySo() throws Exception {
    ConnectionConfig three = ConnectionConfig.builder().maxConnectionsPerPeer(3).build();
    Swarm listener = Swarm.builder(Identity.generate()).connectionConfig(three).build();
    Swarm dialer = Swarm.builder(Identity.generate()).connectionConfig(three).build();
    List<String> events = new CopyOnWriteArrayList<>();
    dialer.addListener(new NetworkListener() {
      @Override
      public void belowTarget(PeerId peer, int current, int target) {
        events.add("below " + current + "/" + target);
      }

      @Override
      public void targetRestored(PeerId peer, int connections, Duration took) {
        events.add("restored " + connections);
      }
    });
    try {
      Multiaddr addr = listener.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"))
          .get(WAIT.toSeconds(), TimeUnit.SECONDS).get(0);
      PeerId peer = listener.localPeer();
      dialer.addAddresses(peer, addr);
      KeepConnected keep = dialer.keepConnected(peer, 3);
      Awaits.until(() -> dialer.getConnections(peer).size() == 3, WAIT, "3 connections kept");
      Awaits.until(() -> events.contains("restored 3"), WAIT, "restored reported");

      // The listener admits the connections on its own threads, possibly a moment after the dialer counts them.
      Awaits.until(() -> listener.getConnections(dialer.localPeer()).size() == 3, WAIT, "the listener admits 3");
      NetConn victim = listener.getConnections(dialer.localPeer()).get(0);
      victim.close(); // the remote end goes away; the dialer sees its socket close
      Awaits.until(() -> events.size() == 4, WAIT, "below target, then restored: " + events);

      assertEquals(List.of("below 0/3", "restored 3", "below 2/3", "restored 3"), events);
      List<NetConn> now = dialer.getConnections(peer);
      assertEquals(3, now.size());
      assertFalse(now.stream().anyMatch(c -> c.id().equals(victim.id())));
      Awaits.until(() -> listener.getConnections(dialer.localPeer()).size() == 3, WAIT, "the listener sees 3");
      assertTrue(keep.isActive());
      keep.close();
    } finally {
      dialer.close();
      listener.close();
      dialer.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      listener.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }
}
