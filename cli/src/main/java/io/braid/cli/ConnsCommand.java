package io.braid.cli;

import io.braid.api.NetConn;
import io.braid.core.Swarm;
import io.braid.transport.tcp.TcpTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Opens K connections to one peer (the swarm's several-connections-per-peer feature), pings over each to
 * prove the listener kept it, and lists them. Fails unless K answer.
 */
@Command(name = "conns", mixinStandardHelpOptions = true,
    description = "Open K connections to a peer and list them; fails if fewer open.")
final class ConnsCommand extends ClientCommand {
  @Option(names = "--count", paramLabel = "K", required = true, description = "Connections to open.")
  int count;

  @Option(names = "--explain", description = "After the dial (or its failure), explain why the peer has the "
      + "connections it has: each address's last result and backoff, limits that refused, dials in flight.")
  boolean explain;

  @Override
  int connections() {
    return connectionCount("--count", count);
  }

  @Override
  public Integer call() throws Exception {
    try (Swarm swarm = swarm()) {
      long start = System.nanoTime();
      List<NetConn> dialed;
      try {
        dialed = dial(swarm);
      } catch (CliException e) {
        if (explain) { // why not: on stderr, so that stdout stays the command's result
          err().println(swarm.explain(peer()).describe());
        }
        throw e;
      }
      double ms = (System.nanoTime() - start) / 1e6;
      // A listener over its per-peer limit closes the excess right after the handshake, so a dialed
      // connection proves little: a ping answered on it proves the listener kept it.
      List<CompletableFuture<Duration>> pings = new ArrayList<>();
      for (NetConn c : dialed) {
        pings.add(TcpTransport.ping(c).orTimeout(timeoutSeconds, TimeUnit.SECONDS));
      }
      List<Object> list = new ArrayList<>();
      List<NetConn> conns = new ArrayList<>();
      for (int i = 0; i < dialed.size(); i++) {
        NetConn c = dialed.get(i);
        Duration rtt;
        try {
          rtt = pings.get(i).get();
        } catch (ExecutionException e) {
          if (!json) {
            out().println("DROPPED " + c.id() + " " + c.localAddress() + " -> " + c.remoteAddress() + ": "
                + Braid.describe(e.getCause()));
          }
          continue;
        }
        conns.add(c);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", c.id());
        e.put("local", c.localAddress().toString());
        e.put("remote", c.remoteAddress().toString());
        e.put("ping_ms", rtt.toNanos() / 1e6);
        list.add(e);
        if (!json) {
          out().println("CONN " + c.id() + " " + c.localAddress() + " -> " + c.remoteAddress());
        }
      }
      boolean ok = conns.size() == count;
      if (json) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("command", "conns");
        o.put("ok", ok);
        o.put("peer", peer().toString());
        o.put("requested", count);
        o.put("dialed", dialed.size());
        o.put("opened", conns.size());
        o.put("dial_ms", ms);
        o.put("connections", list);
        if (explain) {
          o.put("explain", Explanations.toJson(swarm.explain(peer())));
        }
        printJson(o);
      } else {
        out().printf("%d of %d connections open to %s%n", conns.size(), count, peer());
        if (explain) {
          out().println(swarm.explain(peer()).describe());
        }
      }
      if (!ok) {
        err().println("conns: only " + conns.size() + " of " + count
            + " connections opened (the listener may limit connections per peer: --max-conns-per-peer)");
        return Braid.FAILED;
      }
      return 0;
    }
  }
}
