package io.braid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** {@code braid listen ...} running in-process on its own thread, with its output lines in a queue. */
final class RunningListener implements AutoCloseable {
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> seen = new ArrayList<>();
  private final Thread thread;
  private volatile int exitCode = -1;
  final String address;

  RunningListener(String... extraArgs) throws InterruptedException {
    PrintWriter out = new PrintWriter(new LineWriter(lines), true);
    PrintWriter err = new PrintWriter(new LineWriter(lines), true);
    List<String> args = new ArrayList<>(List.of("listen", "--port", "0"));
    args.addAll(List.of(extraArgs));
    thread = new Thread(() -> exitCode = Braid.run(out, err, args.toArray(String[]::new)), "braid-listen-test");
    thread.setDaemon(true);
    thread.start();
    String listen = awaitLine(l -> l.startsWith("LISTEN ") || l.startsWith("braid"));
    assertNotNull(listen, "braid listen printed no LISTEN line within 20 s");
    if (!listen.startsWith("LISTEN ")) {
      throw new AssertionError("braid listen failed: " + listen);
    }
    address = listen.substring("LISTEN ".length());
  }

  /** The next line (including ones already seen) that matches, waiting at most 20 s; null if none. */
  synchronized String awaitLine(Predicate<String> p) throws InterruptedException {
    for (String s : seen) {
      if (p.test(s)) {
        return s;
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      long left = deadline - System.nanoTime();
      String s = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
      if (s == null) {
        return null;
      }
      seen.add(s);
      if (p.test(s)) {
        return s;
      }
    }
  }

  /** Every line printed so far, in order (waiting for none). */
  synchronized List<String> lines() {
    lines.drainTo(seen);
    return List.copyOf(seen);
  }

  @Override
  public void close() throws InterruptedException {
    thread.interrupt();
    thread.join(TimeUnit.SECONDS.toMillis(20));
    assertFalse(thread.isAlive(), "braid listen did not stop within 20 s of an interrupt");
    assertEquals(0, exitCode, "braid listen exit code after an interrupt");
  }

  /** Hands each complete line to a queue. */
  static final class LineWriter extends Writer {
    private final BlockingQueue<String> lines;
    private final StringBuilder current = new StringBuilder();

    LineWriter(BlockingQueue<String> lines) {
      this.lines = lines;
    }

    @Override
    public synchronized void write(char[] cbuf, int off, int len) {
      for (int i = off; i < off + len; i++) {
        char c = cbuf[i];
        if (c == '\n') {
          lines.add(current.toString());
          current.setLength(0);
        } else if (c != '\r') {
          current.append(c);
        }
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
