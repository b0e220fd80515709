package examples.braid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ConnectionConfig;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import io.braid.core.Swarm;
import io.braid.identity.Identity;
import io.braid.testkit.MidTransferFaults;
import io.braid.testkit.RecordingNetworkListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The testkit's {@link MidTransferFaults} over real TCP (Noise, Yamux): the dialer reaches the listener
 * through a loopback relay in this test, which lets the test close the one chosen socket pair abruptly
 * (RST) while the transfer runs, as a cable pulled or a middlebox dropping the connection would.
 */
@Timeout(120)
class MidTransferFaultOverTcpTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void killingOneOfThreeTcpConnectionsMidTransferFailsOnlyItsStreams() throws Exception {
    MidTransferFaults scenario = new MidTransferFaults();
    ConnectionConfig three = ConnectionConfig.builder().maxConnectionsPerPeer(3).build();
    Swarm listener = Swarm.builder(Identity.generate()).connectionConfig(three).build();
    Swarm dialer = Swarm.builder(Identity.generate()).connectionConfig(three)
        .loadBalancer(scenario.balancer()).build();
    RecordingNetworkListener events = new RecordingNetworkListener();
    dialer.addListener(events);
    try {
      listener.setStreamHandler(MidTransferFaults.PROTOCOL, scenario.checksumHandler());
      Multiaddr real = listener.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"))
          .get(WAIT.toSeconds(), TimeUnit.SECONDS).get(0);
      try (Relay relay = new Relay(Integer.parseInt(real.valueOf("tcp").orElseThrow()))) {
        PeerId peer = listener.localPeer();
        dialer.addAddresses(peer, Multiaddr.fromString("/ip4/127.0.0.1/tcp/" + relay.port()));
        List<NetConn> conns = dialer.dialPeer(peer).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(3, conns.size());
        awaitIdle(conns);

        scenario.run(dialer, peer, events, relay::kill, WAIT);

        assertEquals(1, relay.killed(), "exactly one socket pair was cut");
        io.braid.testkit.Awaits.until(() -> listener.getConnections(dialer.localPeer()).size() == 2, WAIT,
            "the listener keeps the other two");
      }
    } finally {
      dialer.close();
      listener.close();
      dialer.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      listener.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  /** Identify's streams count as load: wait until they are done, so the balancer sees idle connections. */
  private static void awaitIdle(List<NetConn> conns) throws InterruptedException {
    io.braid.testkit.Awaits.until(() -> conns.stream().allMatch(c -> c.streamCount() == 0), WAIT,
        "identify streams closed");
  }

  /**
   * A loopback TCP relay: every accepted socket is joined to a new socket to the target, a thread
   * copying each direction. {@link #kill} cuts the pair whose client end is the given connection.
   */
  private static final class Relay implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final Map<Integer, Socket[]> byClientPort = new ConcurrentHashMap<>();
    private final Thread acceptor;
    private volatile int killed;

    Relay(int target) throws IOException {
      this.target = target;
      this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      this.acceptor = daemon("relay-accept", this::acceptLoop);
    }

    int port() {
      return server.getLocalPort();
    }

    int killed() {
      return killed;
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        try {
          Socket in = server.accept();
          Socket out = new Socket();
          out.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), (int) WAIT.toMillis());
          byClientPort.put(in.getPort(), new Socket[] {in, out});
          pump(in, out);
          pump(out, in);
        } catch (IOException e) {
          return; // closed
        }
      }
    }

    private static void pump(Socket from, Socket to) {
      daemon("relay-pump", () -> {
        byte[] buf = new byte[16 * 1024];
        try (InputStream i = from.getInputStream(); OutputStream o = to.getOutputStream()) {
          int n;
          while ((n = i.read(buf)) >= 0) {
            o.write(buf, 0, n);
          }
        } catch (IOException e) {
          // a side closed or was cut: the pair ends
        } finally {
          closeQuietly(from);
          closeQuietly(to);
        }
      });
    }

    /** Resets both sockets of {@code conn}'s pair (SO_LINGER 0: an RST, no FIN). */
    void kill(NetConn conn) {
      int clientPort = Integer.parseInt(conn.localAddress().valueOf("tcp").orElseThrow());
      Socket[] pair = byClientPort.remove(clientPort);
      if (pair == null) {
        throw new AssertionError("no relayed socket for " + conn + " (local port " + clientPort + ")");
      }
      killed++;
      for (Socket s : pair) {
        try {
          s.setSoLinger(true, 0);
        } catch (IOException e) {
          // already closed
        }
        closeQuietly(s);
      }
    }

    @Override
    public void close() throws Exception {
      server.close();
      acceptor.join(WAIT.toMillis());
      for (Socket[] pair : byClientPort.values()) {
        closeQuietly(pair[0]);
        closeQuietly(pair[1]);
      }
    }

    private static Thread daemon(String name, Runnable task) {
      Thread t = new Thread(task, name);
      t.setDaemon(true);
      t.start();
      return t;
    }

    private static void closeQuietly(Socket s) {
      try {
        s.close();
      } catch (IOException e) {
        // nothing more to do
      }
    }
  }
}
