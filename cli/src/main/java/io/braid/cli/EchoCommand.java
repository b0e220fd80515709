package io.braid.cli;

import io.braid.api.NetStream;
import io.braid.core.Swarm;
import io.braid.protocols.Echo;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Sends SIZE bytes on each of S {@code /echo/1.0.0} streams and checks every byte that comes back. */
@Command(name = "echo", mixinStandardHelpOptions = true,
    description = "Echo SIZE bytes on each of S streams and verify them byte for byte.")
final class EchoCommand extends StreamsCommand {
  @Option(names = "--bytes", paramLabel = "SIZE", required = true, converter = Sizes.class,
      description = "Bytes per stream, e.g. 1000, 64KiB, 1MiB.")
  long bytes;

  @Override
  public Integer call() throws Exception {
    checkStreams();
    try (Swarm swarm = swarm()) {
      int conns = dial(swarm).size();
      List<NetStream> opened = openStreams(swarm, Echo.PROTOCOL);
      Run<?> run = runOnAll(opened, s -> Echo.client(s, bytes), "echo");
      double seconds = run.seconds();
      long total = bytes * streams;
      double gbps = seconds > 0 ? total * 8 / seconds / 1e9 : 0;
      if (json) {
        Map<String, Object> o = jsonResult("echo", conns);
        o.put("bytes_per_stream", bytes);
        o.put("total_bytes", total);
        o.put("verified", true);
        o.put("seconds", seconds);
        o.put("gbps", gbps);
        o.put("streams_per_connection", streamsPerConnection(opened));
        putIntervals(o, run);
        printJson(o);
      } else {
        out().printf(Locale.ROOT, "ECHO %s verified on %d streams over %d connections (%s) in %.3f s, %.3f Gbit/s%n",
            Sizes.format(total), streams, conns, balancer, seconds, gbps);
        out().println("streams per connection: " + streamsPerConnection(opened));
      }
      return 0;
    }
  }
}
