package io.braid.cli;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures {@code braid ping} ends with, as ping(8) prints them: {@code mdev} is the population standard
 * deviation (ping(8)'s {@code sqrt(sum(x^2)/n - avg^2)}), and the percentiles are nearest-rank (the value at
 * rank {@code ceil(p/100 * n)} of the sorted samples), so each is one of the samples.
 *
 * @param transmitted pings sent
 * @param received pings answered; {@code rtts} holds their round-trip times
 * @param timeMillis wall time of the run
 * @param min smallest round trip in ms (0 when none was received); likewise the rest
 */
record RttStats(int transmitted, int received, double timeMillis, double min, double avg, double max, double mdev,
    double p50, double p99) {

  /** The figures of {@code rtts} (ms), out of {@code transmitted} pings sent over {@code timeMillis}. */
  static RttStats of(int transmitted, List<Double> rtts, double timeMillis) {
    double[] x = rtts.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = x.length;
    if (n == 0) {
      return new RttStats(transmitted, 0, timeMillis, 0, 0, 0, 0, 0, 0);
    }
    double sum = Arrays.stream(x).sum();
    double avg = sum / n;
    double var = 0;
    for (double v : x) {
      var += (v - avg) * (v - avg);
    }
    double mdev = Math.sqrt(var / n);
    return new RttStats(transmitted, n, timeMillis, x[0], avg, x[n - 1], mdev, nearestRank(x, 50), nearestRank(x, 99));
  }

  /** The nearest-rank {@code p}th percentile of the sorted, non-empty {@code x}. */
  static double nearestRank(double[] x, double p) {
    int rank = (int) Math.ceil(p / 100 * x.length);
    return x[Math.max(1, Math.min(rank, x.length)) - 1];
  }

  /** Lost pings as a percentage of those sent, rounded down as ping(8) does; 0 when none was sent. */
  int lossPercent() {
    return transmitted == 0 ? 0 : (transmitted - received) * 100 / transmitted;
  }

  /** The three lines after {@code --- <peer> ping statistics ---}, ping(8)'s form plus the percentiles. */
  List<String> lines() {
    return List.of(
        String.format(Locale.ROOT, "%d pings transmitted, %d received, %d%% loss, time %.0f ms", transmitted, received,
            lossPercent(), timeMillis),
        String.format(Locale.ROOT, "rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms", min, avg, max, mdev),
        String.format(Locale.ROOT, "p50/p99 = %.3f/%.3f ms", p50, p99));
  }

  /** The same figures for {@code --json}. */
  Map<String, Object> json() {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("transmitted", transmitted);
    o.put("received", received);
    o.put("loss_percent", lossPercent());
    o.put("time_ms", timeMillis);
    o.put("min_ms", min);
    o.put("avg_ms", avg);
    o.put("max_ms", max);
    o.put("mdev_ms", mdev);
    o.put("p50_ms", p50);
    o.put("p99_ms", p99);
    return o;
  }
}
