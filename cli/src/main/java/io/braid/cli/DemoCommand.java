package io.braid.cli;

import io.braid.api.Multiaddr;
import io.braid.api.TransportProvider;
import io.braid.transport.tcp.SecurityProtocol;
import io.braid.transport.tcp.TcpTransport;
import io.braid.transport.tcp.TlsProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import picocli.CommandLine.Command;

/**
 * {@code braid demo}: the {@link SwarmTour} over real loopback TCP (the transport's default security, TLS 1.3
 * where BoringSSL loads, else Noise; then Yamux) in one process. Node C's
 * late address is a loopback port reserved and released just before A dials it; the slow connection of the
 * ewma scene goes through a {@link DelayRelay}. The first check that
 * does not hold fails the command with one line.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run the several-connections-per-peer demo over loopback TCP in this process.")
final class DemoCommand extends BaseCommand {

  @Override
  public Integer call() {
    // With --json the tables go nowhere and the checked figures are printed as one object.
    PrintWriter text = json ? new PrintWriter(Writer.nullWriter()) : out();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("command", "demo");
    result.put("ok", true);
    TransportProvider tcp = tcpProvider();
    String security = TcpTransport.Builder.defaultSecurity(TcpTransport.openSslAvailable() ? TlsProvider.OPENSSL
        : TlsProvider.JDK).get(0) == SecurityProtocol.TLS ? "TLS 1.3" : "Noise";
    SwarmTour.Wire wire = new SwarmTour.Wire("over TCP (" + security + " + Yamux on 127.0.0.1)", "TCP", tcp::create,
        Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"),
        () -> Multiaddr.fromString("/ip4/127.0.0.1/tcp/" + freePort()), "a port reserved and released",
        DemoCommand::relay);
    try {
      result.putAll(SwarmTour.run(wire, text));
    } catch (SwarmTour.Failure e) {
      throw new CliException(e.getMessage(), e);
    }
    if (json) {
      printJson(result);
    }
    return 0;
  }

  /** A {@link DelayRelay} on 127.0.0.1 in front of {@code target}'s TCP port: the demo's slow path. */
  private static SwarmTour.SlowPath relay(Multiaddr target) {
    DelayRelay relay;
    try {
      relay = new DelayRelay(Integer.parseInt(target.valueOf("tcp").orElseThrow()));
    } catch (IOException e) {
      throw new CliException("cannot start a relay on 127.0.0.1: " + e.getMessage(), e);
    }
    Multiaddr address = Multiaddr.fromString("/ip4/127.0.0.1/tcp/" + relay.port());
    return new SwarmTour.SlowPath() {
      @Override
      public Multiaddr address() {
        return address;
      }

      @Override
      public void delay(java.time.Duration oneWay) {
        relay.delay(oneWay);
      }

      @Override
      public void close() {
        relay.close();
      }
    };
  }

  /** The TCP transport provider, found with {@link ServiceLoader} like the swarm would. */
  private static TransportProvider tcpProvider() {
    for (TransportProvider p : ServiceLoader.load(TransportProvider.class)) {
      if (p.name().equals("tcp") && p.isAvailable()) {
        return p;
      }
    }
    throw new CliException("no 'tcp' transport provider on the class path");
  }

  /** A port that was free a moment ago: bound on 127.0.0.1:0, then released. */
  private static int freePort() {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new CliException("cannot reserve a free port on 127.0.0.1: " + e.getMessage(), e);
    }
  }
}
