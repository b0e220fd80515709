package io.braid.protocols;

import java.time.Duration;
import java.util.Objects;

/**
 * What one {@code /perf/1.0.0} exchange measured, from the client's side.
 *
 * @param uploadBytes bytes sent after the 8-byte request header
 * @param downloadBytes bytes received back
 * @param uploadTime from the first byte written until the half-close was accepted
 * @param downloadTime from the half-close until the server's end of stream
 */
public record PerfResult(long uploadBytes, long downloadBytes, Duration uploadTime, Duration downloadTime) {
  public PerfResult {
    if (uploadBytes < 0) {
      throw new IllegalArgumentException("uploadBytes must be >= 0, was " + uploadBytes);
    }
    if (downloadBytes < 0) {
      throw new IllegalArgumentException("downloadBytes must be >= 0, was " + downloadBytes);
    }
    Objects.requireNonNull(uploadTime, "uploadTime");
    Objects.requireNonNull(downloadTime, "downloadTime");
    if (uploadTime.isNegative() || downloadTime.isNegative()) {
      throw new IllegalArgumentException("durations must not be negative: " + uploadTime + ", " + downloadTime);
    }
  }

  /** Upload throughput in Gbit/s (0 when nothing or no time was measured). */
  public double uploadGbps() {
    return gbps(uploadBytes, uploadTime);
  }

  /** Download throughput in Gbit/s (0 when nothing or no time was measured). */
  public double downloadGbps() {
    return gbps(downloadBytes, downloadTime);
  }

  static double gbps(long bytes, Duration time) {
    long nanos = time.toNanos();
    return nanos == 0 ? 0 : bytes * 8.0 / nanos;
  }
}
