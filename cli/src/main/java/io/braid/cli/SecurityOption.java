package io.braid.cli;

import io.braid.api.Transport;
import io.braid.api.TransportContext;
import io.braid.transport.tcp.SecurityProtocol;
import io.braid.transport.tcp.TcpTransport;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * {@code --security tls|noise}: the security protocols of the node's TCP transport, preferred first; absent,
 * the transport's default ({@link TcpTransport.Builder#defaultSecurity}).
 */
final class SecurityOption {
  @Option(names = "--security", paramLabel = "LIST",
      description = "Security protocols, comma-separated, preferred first: tls, noise (default: tls,noise where "
          + "BoringSSL loads, as on linux-x86_64; noise,tls elsewhere). "
          + "A dialer proposes them in this order; a listener offers exactly these.")
  String security;

  /** The protocols named, in order; the transport's default when the option is absent. */
  List<SecurityProtocol> protocols() {
    if (security == null) {
      return TcpTransport.Builder.defaultSecurity(
          TcpTransport.openSslAvailable() ? io.braid.transport.tcp.TlsProvider.OPENSSL
              : io.braid.transport.tcp.TlsProvider.JDK);
    }
    List<SecurityProtocol> list = new ArrayList<>();
    for (String name : security.split(",", -1)) {
      SecurityProtocol p;
      try {
        p = SecurityProtocol.parse(name);
      } catch (IllegalArgumentException e) {
        throw CliException.usage("--security: " + e.getMessage(), e);
      }
      if (list.contains(p)) {
        throw CliException.usage("--security names " + p + " twice: \"" + security + "\"");
      }
      list.add(p);
    }
    return list;
  }

  /** A TCP transport factory with these protocols, for {@code Swarm.Builder.transport}. */
  Function<TransportContext, Transport> transport() {
    List<SecurityProtocol> protocols = protocols();
    return context -> TcpTransport.builder(context).security(protocols).build();
  }
}
