package io.braid.cli;

import io.braid.api.ConnectionConfig;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import io.braid.api.RetryConfig;
import io.braid.core.Swarm;
import io.braid.identity.Identity;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * A command that dials one peer with a fresh identity. The swarm it makes keeps {@code --connections}
 * connections to the peer and spreads streams over them with {@code --balancer}.
 */
abstract class ClientCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "MULTIADDR", converter = PeerAddress.class,
      description = "The peer, e.g. /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW... (as printed by 'braid listen').")
  Multiaddr target;

  @Mixin
  SecurityOption security = new SecurityOption();

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
      description = "Give up on any one step after this many seconds (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  /** The most connections to one peer a command may ask for. */
  static final int MAX_CONNECTIONS = 1024;

  /** {@code value} of {@code option}, checked to be a connection count from 1 to {@link #MAX_CONNECTIONS}. */
  static int connectionCount(String option, int value) {
    if (value < 1 || value > MAX_CONNECTIONS) {
      throw CliException.usage(option + " must be between 1 and " + MAX_CONNECTIONS + ", was " + value);
    }
    return value;
  }

  /** The number of connections to open; commands without the option use 1. */
  int connections() {
    return 1;
  }

  /** The balancer name; commands without the option use the default. */
  String balancer() {
    return ConnectionConfig.DEFAULT_LOAD_BALANCING_STRATEGY;
  }

  Duration timeout() {
    return Duration.ofSeconds(timeoutSeconds);
  }

  PeerId peer() {
    return target.peerId().orElseThrow();
  }

  /** More configuration of the command's swarm; none by default. */
  ConnectionConfig.Builder configure(ConnectionConfig.Builder config) {
    return config;
  }

  /** A swarm with a fresh Ed25519 identity; the caller closes it. */
  Swarm swarm() {
    if (timeoutSeconds < 1) {
      throw CliException.usage("--timeout must be >= 1, was " + timeoutSeconds);
    }
    ConnectionConfig config;
    try {
      config = configure(ConnectionConfig.builder()
          .maxConnectionsPerPeer(connections())
          .connectionTimeout(timeout())
          .loadBalancingStrategy(balancer()))
          .build();
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage(), e);
    }
    try {
      return Swarm.builder(Identity.generate())
          .connectionConfig(config)
          .transport(security.transport())
          // One retry: a command line user wants to hear about an unreachable peer soon.
          .retryConfig(RetryConfig.builder().maxRetries(1).build())
          .build();
    } catch (IllegalArgumentException e) {
      // An unknown balancer name: the message lists the known ones.
      throw new CliException(e.getMessage(), e);
    }
  }

  /** Dials the target and returns the connections the swarm opened. */
  List<NetConn> dial(Swarm swarm) throws InterruptedException {
    swarm.addAddresses(peer(), target.withoutPeerId());
    List<NetConn> conns;
    try {
      conns = await(swarm.dialPeer(peer()), timeout(), "dialing " + target);
    } catch (CliException e) {
      // A dial that failed or timed out is "unreachable" unless its causes say more (mismatch, limit).
      int code = ExitCodes.of(e);
      throw new CliException(code == ExitCodes.FAILED ? ExitCodes.UNREACHABLE : code, e.getMessage(), e.getCause());
    }
    if (conns.isEmpty()) {
      throw new CliException("dialing " + target + " opened no connection");
    }
    return conns;
  }

  /** Parses a multiaddr that must name its peer. */
  static final class PeerAddress implements ITypeConverter<Multiaddr> {
    @Override
    public Multiaddr convert(String value) {
      Multiaddr m;
      try {
        m = Multiaddr.fromString(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("'" + value + "' is not a multiaddr: " + e.getMessage());
      }
      if (m.peerId().isEmpty()) {
        throw new TypeConversionException("'" + value + "' names no peer: add /p2p/<peer id> (as 'braid listen' prints)");
      }
      return m;
    }
  }
}
