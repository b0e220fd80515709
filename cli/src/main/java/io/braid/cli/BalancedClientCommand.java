package io.braid.cli;

import io.braid.api.ConnectionConfig;
import picocli.CommandLine.Option;

/** A client command that can open several connections and pick a balancer. */
abstract class BalancedClientCommand extends ClientCommand {
  @Option(names = "--connections", paramLabel = "K", defaultValue = "1",
      description = "Connections to keep to the peer (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(names = "--balancer", paramLabel = "NAME", defaultValue = ConnectionConfig.DEFAULT_LOAD_BALANCING_STRATEGY,
      description = "Load balancer that spreads streams over the connections (default: ${DEFAULT-VALUE};"
          + " also least_loaded).")
  String balancer;

  @Override
  int connections() {
    return connectionCount("--connections", connections);
  }

  @Override
  String balancer() {
    return balancer;
  }
}
