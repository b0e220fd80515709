package examples.quickstart;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;

import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.PeerId;
import io.braid.core.Swarm;
import io.braid.identity.Identity;
import io.braid.protocols.Echo;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;

/** Braid in one page: two nodes on loopback TCP, a dial, a stream, a reply. */
public final class QuickStart {
  public static void main(String[] args) throws Exception {
    System.out.println(talk("hello, braid"));
  }

  /** Starts a server and a client swarm, sends {@code message} over an echo stream, returns the reply. */
  public static String talk(String message) throws Exception {
    try (Swarm server = Swarm.create(Identity.generate()); // TCP + Noise + Yamux, found on the class path
        Swarm client = Swarm.create(Identity.generate())) {
      server.setStreamHandler(Echo.PROTOCOL, Echo.server());
      List<Multiaddr> addresses = server.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0")).get(10, SECONDS);

      PeerId peer = server.localPeer();
      client.addAddresses(peer, addresses.toArray(Multiaddr[]::new));
      List<NetConn> connections = client.dialPeer(peer).get(30, SECONDS); // 3 by default, even to one address

      try (NetStream stream = client.newStream(peer, Echo.PROTOCOL).get(30, SECONDS)) { // placed by the balancer
        stream.write(ByteBuffer.wrap(message.getBytes(UTF_8))).get(10, SECONDS);
        stream.closeWrite().get(10, SECONDS); // the server echoes until it reads end of stream
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        for (ByteBuffer b = stream.read().get(10, SECONDS); b.hasRemaining(); b = stream.read().get(10, SECONDS)) {
          byte[] chunk = new byte[b.remaining()];
          b.get(chunk);
          reply.writeBytes(chunk);
        }
        return connections.size() + " connections; reply: " + reply.toString(UTF_8);
      }
    }
  }
}
