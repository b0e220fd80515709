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
 *   <li>{@code maxOutboundStreams} 1024: streams this side has open (or waiting to open) at once;
 *       further opens fail with {@code LimitExceededException} (rust-yamux caps all streams at 512;
 *       with {@code maxInboundStreams} the two bound every connection's stream table).</li>
 *   <li>{@code maxEmptyFrames} 8192: frames in a row that carry no payload byte and change nothing
 *       (zero-length Data or WindowUpdate without flags, frames for streams that are gone, repeated
 *       GoAway, pings past the pong bound, ...). One more is a protocol error. A conforming peer sends
 *       such frames only for streams it has not yet learnt are gone, far fewer than this in a row
 *       (the HTTP/2 "empty frames" flood, CVE-2019-9518, is the model).</li>
 *   <li>{@code maxPendingRefusals} 256: RSTs answering refused SYNs not yet written to the socket; past
 *       it a refused SYN gets no answer (a peer that floods SYNs and never reads cannot grow our
 *       outbound buffer).</li>
 *   <li>{@code maxRefusedStreams} 1024: inbound streams refused (by {@code maxInboundStreams}, after our
 *       GoAway, or by the caller through {@link MuxedStream#refuse()}) within {@link #REFUSAL_WINDOW}; one
 *       more closes the session with GoAway(protocol error) and a {@code LimitExceededException} of
 *       {@code refusedStreamsPerConnection}. A peer that keeps opening streams it is refused is flooding
 *       (HTTP/2 servers answer the rapid-reset flood, CVE-2023-44487, the same way).</li>
 * </ul>
 *
 * @param maxStreamWindow upper bound of the auto-tuned receive window, {@code >= 256 KiB}
 * @param maxConnectionWindow the per-connection memory bound of auto-tuning: a stream's window grows only
 *     while the sum of the windows of all the connection's live streams stays within it (the initial
 *     256 KiB windows the spec grants every stream are bounded by the stream caps instead)
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
    Duration keepAliveTimeout,
    int maxOutboundStreams,
    int maxEmptyFrames,
    int maxPendingRefusals,
    long maxConnectionWindow,
    int maxRefusedStreams) {

  /**
   * 32 MiB: the receive windows of one connection's streams grow past their initial 256 KiB only while
   * their sum stays within this (one stream can reach the full 16 MiB, eight streams 4 MiB each).
   */
  public static final long DEFAULT_MAX_CONNECTION_WINDOW = 32L * 1024 * 1024;

  /**
   * Inbound streams refused within {@link #REFUSAL_WINDOW} past which the session closes as flooded: the
   * default of {@code io.braid.api.ResourceLimits.Limit#REFUSED_STREAMS_PER_CONNECTION}.
   */
  public static final int DEFAULT_MAX_REFUSED_STREAMS =
      (int) io.braid.api.ResourceLimits.Limit.REFUSED_STREAMS_PER_CONNECTION.defaultValue();

  /** The window {@link #maxRefusedStreams()} counts over. */
  public static final Duration REFUSAL_WINDOW = Duration.ofSeconds(10);

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
    if (maxConnectionWindow < YamuxFrame.INITIAL_WINDOW) {
      throw new IllegalArgumentException(
          "maxConnectionWindow must be >= 262144, was " + maxConnectionWindow);
    }
    requireAtLeast("maxInboundStreams", maxInboundStreams, 0);
    requireAtLeast("maxAckBacklog", maxAckBacklog, 1);
    requireAtLeast("maxPendingOpens", maxPendingOpens, 0);
    requireAtLeast("maxPendingPongs", maxPendingPongs, 1);
    requireAtLeast("maxSendFrame", maxSendFrame, 1);
    requireAtLeast("maxOutboundStreams", maxOutboundStreams, 0);
    requireAtLeast("maxEmptyFrames", maxEmptyFrames, 1);
    requireAtLeast("maxPendingRefusals", maxPendingRefusals, 1);
    requireAtLeast("maxRefusedStreams", maxRefusedStreams, 1);
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
        DEFAULT_MAX_SEND_FRAME, Duration.ofSeconds(30), Duration.ofSeconds(10), 1024, 8192, 256,
        DEFAULT_MAX_CONNECTION_WINDOW, DEFAULT_MAX_REFUSED_STREAMS);
  }

  public YamuxConfig withKeepAlive(Duration interval, Duration timeout) {
    return new YamuxConfig(maxStreamWindow, maxInboundStreams, maxAckBacklog, maxPendingOpens,
        maxPendingPongs, maxFrameSize, maxSendFrame, interval, timeout,
        maxOutboundStreams, maxEmptyFrames, maxPendingRefusals, maxConnectionWindow, maxRefusedStreams);
  }

  public YamuxConfig withMaxInboundStreams(int max) {
    return new YamuxConfig(maxStreamWindow, max, maxAckBacklog, maxPendingOpens, maxPendingPongs,
        maxFrameSize, maxSendFrame, keepAliveInterval, keepAliveTimeout, maxOutboundStreams,
        maxEmptyFrames, maxPendingRefusals, maxConnectionWindow, maxRefusedStreams);
  }

  public YamuxConfig withMaxAckBacklog(int max, int pendingOpens) {
    return new YamuxConfig(maxStreamWindow, maxInboundStreams, max, pendingOpens, maxPendingPongs,
        maxFrameSize, maxSendFrame, keepAliveInterval, keepAliveTimeout, maxOutboundStreams,
        maxEmptyFrames, maxPendingRefusals, maxConnectionWindow, maxRefusedStreams);
  }

  public YamuxConfig withMaxFrameSize(long max) {
    return new YamuxConfig(maxStreamWindow, maxInboundStreams, maxAckBacklog, maxPendingOpens,
        maxPendingPongs, max, maxSendFrame, keepAliveInterval, keepAliveTimeout, maxOutboundStreams,
        maxEmptyFrames, maxPendingRefusals, maxConnectionWindow, maxRefusedStreams);
  }

  public YamuxConfig withMaxStreamWindow(long max) {
    return new YamuxConfig(max, maxInboundStreams, maxAckBacklog, maxPendingOpens, maxPendingPongs,
        maxFrameSize, maxSendFrame, keepAliveInterval, keepAliveTimeout, maxOutboundStreams,
        maxEmptyFrames, maxPendingRefusals, maxConnectionWindow, maxRefusedStreams);
  }

  public YamuxConfig withMaxOutboundStreams(int max) {
    return new YamuxConfig(maxStreamWindow, maxInboundStreams, maxAckBacklog, maxPendingOpens,
        maxPendingPongs, maxFrameSize, maxSendFrame, keepAliveInterval, keepAliveTimeout, max,
        maxEmptyFrames, maxPendingRefusals, maxConnectionWindow, maxRefusedStreams);
  }

  public YamuxConfig withMaxEmptyFrames(int max) {
    return new YamuxConfig(maxStreamWindow, maxInboundStreams, maxAckBacklog, maxPendingOpens,
        maxPendingPongs, maxFrameSize, maxSendFrame, keepAliveInterval, keepAliveTimeout,
        maxOutboundStreams, max, maxPendingRefusals, maxConnectionWindow, maxRefusedStreams);
  }

  public YamuxConfig withMaxPendingRefusals(int max) {
    return new YamuxConfig(maxStreamWindow, maxInboundStreams, maxAckBacklog, maxPendingOpens,
        maxPendingPongs, maxFrameSize, maxSendFrame, keepAliveInterval, keepAliveTimeout,
        maxOutboundStreams, maxEmptyFrames, max, maxConnectionWindow, maxRefusedStreams);
  }

  public YamuxConfig withMaxRefusedStreams(int max) {
    return new YamuxConfig(maxStreamWindow, maxInboundStreams, maxAckBacklog, maxPendingOpens,
        maxPendingPongs, maxFrameSize, maxSendFrame, keepAliveInterval, keepAliveTimeout,
        maxOutboundStreams, maxEmptyFrames, maxPendingRefusals, maxConnectionWindow, max);
  }

  /** Sets both receive-window bounds (auto-tuning stops at {@code perStream} and at {@code perConnection}). */
  public YamuxConfig withReceiveWindows(long perStream, long perConnection) {
    return new YamuxConfig(perStream, maxInboundStreams, maxAckBacklog, maxPendingOpens, maxPendingPongs,
        maxFrameSize, maxSendFrame, keepAliveInterval, keepAliveTimeout, maxOutboundStreams,
        maxEmptyFrames, maxPendingRefusals, perConnection, maxRefusedStreams);
  }

  private static void requireAtLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ", was " + value);
    }
  }
}
