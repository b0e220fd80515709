package io.braid.transport.tcp.internal.yamux;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timers of one {@link YamuxSession}. Defaults follow go-yamux (libp2p fork) where it has
 * one, with these choices of ours:
 * <ul>
 *   <li>{@code maxInboundStreams} 256: inbound streams beyond it are refused with RST (go-yamux lets the
 *       resource manager decide; 256 matches the spec's ACK backlog figure).</li>
 *   <li>{@code maxAckBacklog} 256: outbound streams opened but not yet acknowledged; further opens wait
 *       in a queue of at most {@code maxPendingOpens}, beyond which they fail.</li>
 *   <li>{@code maxPendingPongs} 32: ping answers not yet written to the socket; further pings are
 *       left unanswered (go-yamux drops them the same way when its pong queue is full).</li>
 *   <li>{@code maxFrameSize} 16 MiB: the largest Data payload accepted for a stream we no longer know
 *       (its bytes are skipped); for live streams the receive window is the tighter bound.</li>
 * </ul>
 *
 * @param maxStreamWindow upper bound of the auto-tuned receive window, {@code >= 256 KiB}
 * @param keepAliveInterval time between keepalive pings; {@link Duration#ZERO} disables keepalive and
 *     RTT measurement (and therefore window auto-tuning)
 * @param keepAliveTimeout how long a ping may stay unanswered before the session is closed
 */
public record YamuxConfig(
    long maxStreamWindow,
    int maxInboundStreams,
    int maxAckBacklog,
    int maxPendingOpens,
    int maxPendingPongs,
    long maxFrameSize,
    int maxSendFrame,
    Duration keepAliveInterval,
    Duration keepAliveTimeout) {

  /** 16 MiB, go-yamux's MaxStreamWindowSize. */
  public static final long DEFAULT_MAX_STREAM_WINDOW = 16L * 1024 * 1024;

  /**
   * Largest Data payload we send in one frame: with its 12-byte header it fits one Noise transport
   * frame (65519 plaintext bytes).
   */
  public static final int DEFAULT_MAX_SEND_FRAME = 65519 - YamuxFrame.HEADER_LENGTH;

  public YamuxConfig {
    if (maxStreamWindow < YamuxFrame.INITIAL_WINDOW || maxStreamWindow > YamuxFrame.MAX_U32) {
      throw new IllegalArgumentException(
          "maxStreamWindow must be in [262144, 4294967295], was " + maxStreamWindow);
    }
    requireAtLeast("maxInboundStreams", maxInboundStreams, 0);
    requireAtLeast("maxAckBacklog", maxAckBacklog, 1);
    requireAtLeast("maxPendingOpens", maxPendingOpens, 0);
    requireAtLeast("maxPendingPongs", maxPendingPongs, 1);
    requireAtLeast("maxSendFrame", maxSendFrame, 1);
    if (maxFrameSize < 1 || maxFrameSize > YamuxFrame.MAX_U32) {
      throw new IllegalArgumentException("maxFrameSize must be in [1, 4294967295], was " + maxFrameSize);
    }
    Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
    Objects.requireNonNull(keepAliveTimeout, "keepAliveTimeout");
    if (keepAliveInterval.isNegative()) {
      throw new IllegalArgumentException("keepAliveInterval must be >= 0, was " + keepAliveInterval);
    }
    if (keepAliveTimeout.isNegative() || keepAliveTimeout.isZero()) {
      throw new IllegalArgumentException("keepAliveTimeout must be > 0, was " + keepAliveTimeout);
    }
  }

  /** go-yamux-like defaults: keepalive every 30 s, 10 s ping timeout. */
  public static YamuxConfig defaults() {
    return new YamuxConfig(DEFAULT_MAX_STREAM_WINDOW, 256, 256, 1024, 32, 16L * 1024 * 1024,
        DEFAULT_MAX_SEND_FRAME, Duration.ofSeconds(30), Duration.ofSeconds(10));
  }

  public YamuxConfig withKeepAlive(Duration interval, Duration timeout) {
    return new YamuxConfig(maxStreamWindow, maxInboundStreams, maxAckBacklog, maxPendingOpens,
        maxPendingPongs, maxFrameSize, maxSendFrame, interval, timeout);
  }

  public YamuxConfig withMaxInboundStreams(int max) {
    return new YamuxConfig(maxStreamWindow, max, maxAckBacklog, maxPendingOpens, maxPendingPongs,
        maxFrameSize, maxSendFrame, keepAliveInterval, keepAliveTimeout);
  }

  public YamuxConfig withMaxAckBacklog(int max, int pendingOpens) {
    return new YamuxConfig(maxStreamWindow, maxInboundStreams, max, pendingOpens, maxPendingPongs,
        maxFrameSize, maxSendFrame, keepAliveInterval, keepAliveTimeout);
  }

  public YamuxConfig withMaxFrameSize(long max) {
    return new YamuxConfig(maxStreamWindow, maxInboundStreams, maxAckBacklog, maxPendingOpens,
        maxPendingPongs, max, maxSendFrame, keepAliveInterval, keepAliveTimeout);
  }

  public YamuxConfig withMaxStreamWindow(long max) {
    return new YamuxConfig(max, maxInboundStreams, maxAckBacklog, maxPendingOpens, maxPendingPongs,
        maxFrameSize, maxSendFrame, keepAliveInterval, keepAliveTimeout);
  }

  private static void requireAtLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ", was " + value);
    }
  }
}
