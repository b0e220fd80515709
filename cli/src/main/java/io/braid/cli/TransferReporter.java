package io.braid.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * What {@code braid perf} and {@code braid echo} show while they run: iperf3-style interval reports
 * ({@code --interval}) and a live progress line on a terminal. Both read a {@link TransferMeter}; the clock
 * is injected, and nothing here schedules itself: the caller calls {@link #interval()} every interval and
 * {@link #progress()} every so often (see {@link StreamsCommand}), then {@link #finish()} once.
 *
 * <p>The intervals tile the run: each starts where the one before ended, the last (usually shorter) ends at
 * {@link #finish()}, and their bytes add up to the meter's totals at that moment.
 *
 * <p>Thread-safe: the methods are synchronized, so a scheduled tick and {@link #finish()} cannot interleave
 * their output.
 */
final class TransferReporter {
  /** How often a caller should redraw the progress line. */
  static final long PROGRESS_EVERY_MILLIS = 500;

  /**
   * One interval of a run: seconds since the start, and the bytes each way within it.
   *
   * @param fromSeconds when the interval began, seconds after the run's start
   * @param toSeconds when it ended
   * @param sent bytes sent within it
   * @param received bytes received within it
   */
  record Interval(double fromSeconds, double toSeconds, long sent, long received) {
    double sentGbps() {
      return gbps(sent, toSeconds - fromSeconds);
    }

    double receivedGbps() {
      return gbps(received, toSeconds - fromSeconds);
    }

    /** The text report, e.g. {@code INTERVAL   1.00-2.00  s  sent  112.00 MiB   0.940 Gbit/s  received ...}. */
    String line() {
      return String.format(Locale.ROOT, "INTERVAL %7.2f-%-7.2f s  sent %10s %8.3f Gbit/s  received %10s %8.3f Gbit/s",
          fromSeconds, toSeconds, Sizes.format(sent), sentGbps(), Sizes.format(received), receivedGbps());
    }

    /** The same figures for {@code --json}'s {@code "intervals"} array. */
    Map<String, Object> json() {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("start", fromSeconds);
      o.put("end", toSeconds);
      o.put("sent_bytes", sent);
      o.put("received_bytes", received);
      o.put("sent_gbps", sentGbps());
      o.put("received_gbps", receivedGbps());
      return o;
    }
  }

  private final String what;
  private final TransferMeter meter;
  private final LongSupplier nanoClock;
  private final PrintWriter reports;
  private final PrintWriter progressOut;
  private final IntSupplier streamsDone;
  private final int streams;
  private final long startNanos;
  private final List<Interval> intervals = new ArrayList<>();
  private long markNanos;
  private long markSent;
  private long markReceived;
  private long lastDrawNanos;
  private long lastDrawBytes;
  private int drawnWidth;
  private boolean finished;

  /**
   * Starts a run now (by {@code nanoClock}).
   *
   * @param what the command, first on the progress line
   * @param meter counts the run's bytes
   * @param nanoClock a monotonic clock in nanoseconds, {@code System::nanoTime} outside tests
   * @param reports where each interval's {@link Interval#line()} goes; {@code null} keeps them only for
   *     {@link #finish()}'s result ({@code --json})
   * @param progressOut where the progress line is drawn (standard error); {@code null} for none
   * @param streamsDone how many of the run's streams have ended
   * @param streams how many streams the run has
   */
  TransferReporter(String what, TransferMeter meter, LongSupplier nanoClock, PrintWriter reports,
      PrintWriter progressOut, IntSupplier streamsDone, int streams) {
    this.what = Objects.requireNonNull(what, "what");
    this.meter = Objects.requireNonNull(meter, "meter");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.reports = reports;
    this.progressOut = progressOut;
    this.streamsDone = Objects.requireNonNull(streamsDone, "streamsDone");
    this.streams = streams;
    this.startNanos = nanoClock.getAsLong();
    this.markNanos = startNanos;
    this.lastDrawNanos = startNanos;
    this.markSent = meter.sent();
    this.markReceived = meter.received();
    this.lastDrawBytes = markSent + markReceived;
  }

  /** Ends the current interval now and starts the next; prints it when reports are printed. */
  synchronized void interval() {
    if (!finished) {
      close(nanoClock.getAsLong());
    }
  }

  private void close(long now) {
    long sent = meter.sent();
    long received = meter.received();
    Interval i = new Interval(seconds(markNanos), seconds(now), sent - markSent, received - markReceived);
    intervals.add(i);
    markNanos = now;
    markSent = sent;
    markReceived = received;
    if (reports != null) {
      clearProgress();
      reports.println(i.line());
      reports.flush();
      drawProgress(now);
    }
  }

  /** Redraws the progress line (when there is one): totals, the rate since the last redraw, streams ended. */
  synchronized void progress() {
    if (!finished && progressOut != null) {
      drawProgress(nanoClock.getAsLong());
    }
  }

  private void drawProgress(long now) {
    if (progressOut == null) {
      return;
    }
    long sent = meter.sent();
    long received = meter.received();
    double rate = gbps(sent + received - lastDrawBytes, (now - lastDrawNanos) / 1e9);
    lastDrawNanos = now;
    lastDrawBytes = sent + received;
    String line = progressLine(sent, received, rate, seconds(now));
    // Pad over a longer line drawn before, then return to the line's start for the next one.
    progressOut.print("\r" + line + " ".repeat(Math.max(0, drawnWidth - line.length())));
    progressOut.flush();
    drawnWidth = line.length();
  }

  /** The progress line's text, without the carriage return that redraws it. */
  String progressLine(long sent, long received, double gbps, double seconds) {
    return String.format(Locale.ROOT, "%s %6.1f s  sent %s  received %s  %.3f Gbit/s  %d/%d streams done", what,
        seconds, Sizes.format(sent), Sizes.format(received), gbps, streamsDone.getAsInt(), streams);
  }

  private void clearProgress() {
    if (progressOut != null && drawnWidth > 0) {
      progressOut.print("\r" + " ".repeat(drawnWidth) + "\r");
      progressOut.flush();
      drawnWidth = 0;
    }
  }

  /**
   * Ends the run: closes the last interval (when it has any time or bytes in it), erases the progress line,
   * and stops every later tick. Idempotent.
   *
   * @return every interval of the run, in order; empty when nobody called {@link #interval()} and the run
   *     had no time and no bytes
   */
  synchronized List<Interval> finish() {
    if (!finished) {
      long now = nanoClock.getAsLong();
      if (now > markNanos || meter.sent() > markSent || meter.received() > markReceived) {
        close(now);
      }
      clearProgress();
      finished = true;
    }
    return List.copyOf(intervals);
  }

  /** Seconds from the start of the run to {@link #finish()} (or to now, before it). */
  synchronized double elapsedSeconds() {
    return seconds(finished ? markNanos : nanoClock.getAsLong());
  }

  private double seconds(long nanos) {
    return (nanos - startNanos) / 1e9;
  }

  private static double gbps(long bytes, double seconds) {
    return seconds > 0 ? bytes * 8 / seconds / 1e9 : 0;
  }
}
