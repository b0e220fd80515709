package io.braid.cli;

import io.braid.api.NetConn;
import io.braid.core.Swarm;
import io.braid.transport.tcp.IdentifyResult;
import io.braid.transport.tcp.TcpTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Pings a peer over {@code /ipfs/ping/1.0.0}, round-robin over the connections, after an identify. */
@Command(name = "ping", mixinStandardHelpOptions = true, description = "Ping a peer (and identify it).")
final class PingCommand extends ClientCommand {
  @Option(names = "--count", paramLabel = "N", defaultValue = "3", description = "Pings to send (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "--connections", paramLabel = "K", defaultValue = "1",
      description = "Connections to open; pings take turns over them (default: ${DEFAULT-VALUE}).")
  int connections;

  @Override
  int connections() {
    return connectionCount("--connections", connections);
  }

  @Override
  public Integer call() throws Exception {
    if (count < 1 || count > 100_000) {
      throw new CliException("--count must be between 1 and 100000, was " + count);
    }
    try (Swarm swarm = swarm()) {
      List<NetConn> conns = dial(swarm);
      IdentifyResult id = await(TcpTransport.identify(conns.get(0)), timeout(), "identify");
      if (!json) {
        out().printf("PEER %s agent=%s connections=%d%n", peer(), id.agentVersion(), conns.size());
      }
      List<Double> rtts = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        NetConn c = conns.get(i % conns.size());
        Duration rtt = await(TcpTransport.ping(c), timeout(), "ping " + (i + 1));
        double ms = rtt.toNanos() / 1e6;
        rtts.add(ms);
        if (!json) {
          out().printf(Locale.ROOT, "PING %s seq=%d conn=%s time=%.3f ms%n", peer(), i + 1, c.id(), ms);
          out().flush();
        }
      }
      double min = rtts.stream().mapToDouble(d -> d).min().orElse(0);
      double max = rtts.stream().mapToDouble(d -> d).max().orElse(0);
      double avg = rtts.stream().mapToDouble(d -> d).average().orElse(0);
      if (json) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("command", "ping");
        o.put("ok", true);
        o.put("peer", peer().toString());
        o.put("agent", id.agentVersion());
        o.put("connections", conns.size());
        o.put("count", count);
        o.put("rtt_ms", rtts);
        o.put("min_ms", min);
        o.put("avg_ms", avg);
        o.put("max_ms", max);
        printJson(o);
      } else {
        out().printf(Locale.ROOT, "%d pings, rtt min/avg/max = %.3f/%.3f/%.3f ms%n", count, min, avg, max);
      }
      return 0;
    }
  }
}
