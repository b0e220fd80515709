package io.braid.cli;

import io.braid.api.NetStream;
import io.braid.api.StreamResetException;
import io.braid.core.Swarm;
import io.braid.protocols.Perf;
import io.braid.protocols.PerfResult;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs {@code /perf/1.0.0} on S streams at once, each uploading and downloading the given sizes. A
 * direction's throughput is all streams' bytes over the longest stream's time for that direction (the
 * streams start together, so that is the wall time of the phase).
 */
@Command(name = "perf", mixinStandardHelpOptions = true,
    description = "Measure throughput with /perf/1.0.0: each of S streams uploads and downloads the given sizes.")
final class PerfCommand extends StreamsCommand {
  @Option(names = "--upload", paramLabel = "SIZE", required = true, converter = Sizes.class,
      description = "Bytes each stream sends, e.g. 0, 64KiB, 1GiB.")
  long upload;

  @Option(names = "--download", paramLabel = "SIZE", required = true, converter = Sizes.class,
      description = "Bytes each stream asks back (the listener caps this: --perf-max-download).")
  long download;

  @Override
  public Integer call() throws Exception {
    checkStreams();
    try (Swarm swarm = swarm()) {
      int conns = dial(swarm).size();
      List<NetStream> opened = openStreams(swarm, Perf.PROTOCOL);
      Run<PerfResult> run;
      try {
        run = runOnAll(opened, s -> Perf.client(s, upload, download), "perf");
      } catch (CliException e) {
        if (Braid.unwrap(e.getCause()) instanceof StreamResetException) {
          throw new CliException(e.getMessage() + " (a listener refuses a download above its --perf-max-download)",
              e.getCause());
        }
        throw e;
      }
      long upNanos = 0;
      long downNanos = 0;
      for (PerfResult r : run.results()) {
        upNanos = Math.max(upNanos, r.uploadTime().toNanos());
        downNanos = Math.max(downNanos, r.downloadTime().toNanos());
      }
      long upTotal = upload * streams;
      long downTotal = download * streams;
      double upGbps = upNanos > 0 ? upTotal * 8.0 / upNanos : 0;
      double downGbps = downNanos > 0 ? downTotal * 8.0 / downNanos : 0;
      if (json) {
        Map<String, Object> o = jsonResult("perf", conns);
        o.put("upload_bytes", upTotal);
        o.put("download_bytes", downTotal);
        o.put("upload_seconds", upNanos / 1e9);
        o.put("download_seconds", downNanos / 1e9);
        o.put("upload_gbps", upGbps);
        o.put("download_gbps", downGbps);
        o.put("streams_per_connection", streamsPerConnection(opened));
        putIntervals(o, run);
        printJson(o);
      } else {
        out().printf(Locale.ROOT, "PERF %d streams over %d connections (%s)%n", streams, conns, balancer);
        out().printf(Locale.ROOT, "upload   %s in %.3f s = %.3f Gbit/s%n", Sizes.format(upTotal), upNanos / 1e9, upGbps);
        out().printf(Locale.ROOT, "download %s in %.3f s = %.3f Gbit/s%n", Sizes.format(downTotal), downNanos / 1e9,
            downGbps);
        out().println("streams per connection: " + streamsPerConnection(opened));
      }
      return 0;
    }
  }
}
