package io.braid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.NetStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TransferReporterTest {
  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong clock = new AtomicLong(5 * SECOND); // any origin: intervals count from the start
  private final TransferMeter meter = new TransferMeter();
  private final NetStream stream = meter.wrap(fakeStream());
  private final StringWriter reports = new StringWriter();
  private final StringWriter progress = new StringWriter();
  private final AtomicInteger done = new AtomicInteger();

  /** A stream whose writes complete at once and whose reads hand over the buffer queued by {@link #read}. */
  private static NetStream fakeStream() {
    return (NetStream) Proxy.newProxyInstance(NetStream.class.getClassLoader(), new Class<?>[] {NetStream.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "write" -> CompletableFuture.completedFuture(null);
          case "read" -> CompletableFuture.completedFuture(ByteBuffer.allocate(READ_SIZE.get()));
          case "toString" -> "fake";
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  private static final ThreadLocal<Integer> READ_SIZE = ThreadLocal.withInitial(() -> 0);

  private void send(int bytes) {
    stream.write(ByteBuffer.allocate(bytes)).join();
  }

  private void receive(int bytes) {
    READ_SIZE.set(bytes);
    assertEquals(bytes, stream.read().join().remaining());
  }

  private void advance(double seconds) {
    clock.addAndGet(Math.round(seconds * SECOND));
  }

  private TransferReporter reporter(boolean printReports, boolean drawProgress) {
    return new TransferReporter("perf", meter, clock::get, printReports ? new PrintWriter(reports) : null,
        drawProgress ? new PrintWriter(progress) : null, done::get, 4);
  }

  @Test
  void theMeterCountsWhatTheWrappedStreamAcceptedAndHandedOver() {
    send(100);
    send(23);
    receive(7);
    assertEquals(123, meter.sent());
    assertEquals(7, meter.received());
    assertEquals("fake", stream.toString());
  }

  @Test
  void aFailedWriteIsNotCounted() {
    NetStream failing = meter.wrap((NetStream) Proxy.newProxyInstance(NetStream.class.getClassLoader(),
        new Class<?>[] {NetStream.class},
        (proxy, method, args) -> CompletableFuture.failedFuture(new IllegalStateException("reset"))));
    CompletableFuture<Void> w = failing.write(ByteBuffer.allocate(10));
    assertTrue(w.isCompletedExceptionally());
    assertEquals(0, meter.sent());
  }

  @Test
  void intervalsTileTheRunAndAddUpToTheTotals() {
    TransferReporter r = reporter(true, false);
    send(1000);
    advance(1);
    r.interval();
    receive(4000);
    send(24);
    advance(1);
    r.interval();
    advance(0.25);
    receive(96);
    List<TransferReporter.Interval> intervals = r.finish();

    assertEquals(List.of(new TransferReporter.Interval(0, 1, 1000, 0), new TransferReporter.Interval(1, 2, 24, 4000),
        new TransferReporter.Interval(2, 2.25, 0, 96)), intervals);
    assertEquals(meter.sent(), intervals.stream().mapToLong(TransferReporter.Interval::sent).sum());
    assertEquals(meter.received(), intervals.stream().mapToLong(TransferReporter.Interval::received).sum());
    assertEquals(2.25, r.elapsedSeconds(), 1e-9);

    String[] lines = reports.toString().split("\\R");
    assertEquals(3, lines.length, reports.toString());
    assertTrue(lines[0].matches("INTERVAL +0\\.00-1\\.00 +s  sent .*0\\.000 Gbit/s.*"), lines[0]);
    // 4000 bytes in one second is 32,000 bit/s.
    assertTrue(lines[1].contains("received") && lines[1].endsWith("0.000 Gbit/s"), lines[1]);
  }

  @Test
  void theRateIsBytesTimesEightOverTheIntervalsLength() {
    TransferReporter.Interval i = new TransferReporter.Interval(1, 1.5, 125_000_000, 62_500_000);
    assertEquals(2.0, i.sentGbps(), 1e-12);
    assertEquals(1.0, i.receivedGbps(), 1e-12);
    assertEquals(0, new TransferReporter.Interval(2, 2, 10, 10).sentGbps());
    assertEquals(125_000_000L, i.json().get("sent_bytes"));
    assertEquals(1.5, i.json().get("end"));
  }

  @Test
  void withoutPrintedReportsTheIntervalsAreStillKeptForJson() {
    TransferReporter r = reporter(false, false);
    send(10);
    advance(1);
    r.interval();
    advance(0.5);
    List<TransferReporter.Interval> all = r.finish();
    assertEquals(List.of(new TransferReporter.Interval(0, 1, 10, 0), new TransferReporter.Interval(1, 1.5, 0, 0)),
        all);
    assertEquals("", reports.toString());
  }

  @Test
  void aRunWithNoTimeAndNoBytesHasNoInterval() {
    assertEquals(List.of(), reporter(true, false).finish());
    assertEquals("", reports.toString());
  }

  @Test
  void finishIsIdempotentAndLaterTicksDoNothing() {
    TransferReporter r = reporter(true, true);
    send(5);
    advance(1);
    List<TransferReporter.Interval> first = r.finish();
    String printed = reports.toString();
    String drawn = progress.toString();
    advance(1);
    send(5);
    r.interval();
    r.progress();
    assertEquals(first, r.finish());
    assertEquals(printed, reports.toString());
    assertEquals(drawn, progress.toString());
    assertEquals(1.0, r.elapsedSeconds(), 1e-9);
  }

  @Test
  void theProgressLineIsRedrawnInPlaceAndErasedAtTheEnd() {
    TransferReporter r = reporter(false, true);
    send(1 << 20);
    advance(0.5);
    done.set(1);
    r.progress();
    String first = progress.toString();
    assertTrue(first.startsWith("\rperf    0.5 s  sent 1.00 MiB  received 0 B  0.017 Gbit/s  1/4 streams done"),
        first);
    assertFalse(first.contains("\n"), "a progress line never moves down: " + first);

    advance(0.5);
    done.set(4);
    r.progress();
    assertTrue(progress.toString().substring(first.length()).contains("0.000 Gbit/s  4/4 streams done"),
        progress.toString());
    r.finish();
    String all = progress.toString();
    assertTrue(all.endsWith("\r"), "erased and back at the line's start: " + all.replace("\r", "\\r"));
    assertFalse(all.contains("\n"));
  }

  @Test
  void anIntervalReportErasesTheProgressLineFirstAndRedrawsIt() {
    StringWriter both = new StringWriter();
    PrintWriter shared = new PrintWriter(both);
    TransferReporter r = new TransferReporter("echo", meter, clock::get, shared, shared, done::get, 1);
    advance(0.5);
    r.progress();
    advance(0.5);
    send(1);
    r.interval();
    String text = both.toString();
    int report = text.indexOf("INTERVAL");
    // Just before the report the line is blanked and the cursor is back at its start.
    assertTrue(text.substring(0, report).endsWith("\r"), text.replace("\r", "\\r"));
    assertTrue(text.substring(report).contains("\recho "), "redrawn after the report: " + text.replace("\r", "\\r"));
  }

  @Test
  void argumentsAreChecked() {
    assertThrows(NullPointerException.class, () -> new TransferReporter(null, meter, clock::get, null, null,
        done::get, 1));
    assertThrows(NullPointerException.class, () -> meter.wrap(null));
  }
}
