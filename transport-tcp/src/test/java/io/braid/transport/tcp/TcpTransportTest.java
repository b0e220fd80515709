package io.braid.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.braid.api.HostIdentity;
import io.braid.api.Multiaddr;
import io.braid.api.Transport;
import io.braid.api.TransportContext;
import io.braid.identity.Identity;
import io.braid.testkit.TransportContract;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The testkit's transport contract against {@link TcpTransport} (native epoll where available).
 *
 * <p>Identify-on-connect is turned off here: the contract asserts that a fresh connection carries no
 * stream ({@code streamCount() == 0} right after the dial), while the default transport opens an identify
 * stream on every new connection that counts until the answer crossed. What the default does is tested in
 * {@link IdentifyOnConnectTest} (identify on connect, and the count returning to 0 afterwards).
 */
@ExtendWith(LeakCheck.class)
class TcpTransportTest extends TransportContract {

  @Override
  protected Transport createTransport(TransportContext context) {
    return TcpTransport.builder(context).identifyOnConnect(false).threads(2).build();
  }

  @Override
  protected Multiaddr listenAddress() {
    return Multiaddr.fromString("/ip4/127.0.0.1/tcp/0");
  }

  @Override
  protected HostIdentity newIdentity() {
    return Identity.generate();
  }

  @Override
  protected void assertQuiescent(Transport transport) {
    TcpTransport tcp = (TcpTransport) transport;
    assertEquals(List.of(), tcp.connections(), "connections left behind");
    if (tcp.isClosed()) {
      try {
        tcp.terminationFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("the event loops of " + tcp + " did not stop", e);
      }
    }
  }
}
