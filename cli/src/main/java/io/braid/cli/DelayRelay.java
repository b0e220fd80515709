package io.braid.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay on 127.0.0.1 that forwards every connection it accepts to a target port and holds the bytes
 * of each direction back by a one-way delay that can change at any time: the demo's way of making one of
 * several connections to a peer slow without touching the peer.
 *
 * <p>Bytes keep their order: a chunk is due its delay after it was read, and never before the chunk read
 * before it. A change of delay applies to bytes read from then on. End of stream is passed on (half-close)
 * after the same delay.
 *
 * <p>Threads: one accepting thread, and per relayed connection a reader and a writer thread per direction,
 * all daemons; {@link #close()} closes every socket, which ends them all. Loopback only.
 */
final class DelayRelay implements AutoCloseable {
  /** The longest a writer sleeps before it looks at {@link #closed} again. */
  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final ServerSocket server;
  private final int targetPort;
  private final List<Socket> sockets = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile long oneWayNanos;
  private volatile boolean closed;

  /**
   * Starts relaying from a fresh port on 127.0.0.1 to {@code targetPort} on 127.0.0.1, with no delay.
   *
   * @throws IOException if no port can be bound
   */
  DelayRelay(int targetPort) throws IOException {
    if (targetPort < 1 || targetPort > 65535) {
      throw new IllegalArgumentException("targetPort must be between 1 and 65535, was " + targetPort);
    }
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    start(new Thread(this::acceptLoop, "delay-relay-accept"));
  }

  /** The port on 127.0.0.1 that relays. */
  int port() {
    return server.getLocalPort();
  }

  /** Holds each direction's bytes back by {@code oneWay} from now on; zero relays at once. */
  void delay(Duration oneWay) {
    Objects.requireNonNull(oneWay, "oneWay");
    if (oneWay.isNegative()) {
      throw new IllegalArgumentException("oneWay must be >= 0, was " + oneWay);
    }
    oneWayNanos = oneWay.toNanos();
  }

  /** The one-way delay now. */
  Duration delay() {
    return Duration.ofNanos(oneWayNanos);
  }

  /** Connections accepted so far. */
  synchronized int accepted() {
    return sockets.size() / 2;
  }

  private void acceptLoop() {
    while (!closed) {
      Socket in;
      try {
        in = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      Socket out = new Socket();
      try {
        synchronized (this) {
          if (closed) {
            in.close();
            return;
          }
          sockets.add(in);
          sockets.add(out);
        }
        out.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
        in.setTcpNoDelay(true);
        out.setTcpNoDelay(true);
        pipe(in, out);
        pipe(out, in);
      } catch (IOException e) {
        closeQuietly(in);
        closeQuietly(out);
      }
    }
  }

  private void pipe(Socket from, Socket to) throws IOException {
    LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    InputStream in = from.getInputStream();
    OutputStream out = to.getOutputStream();
    start(new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      long lastDue = Long.MIN_VALUE;
      try {
        for (int n; (n = in.read(buf)) > 0; ) {
          lastDue = due(lastDue);
          queue.add(new Chunk(Arrays.copyOf(buf, n), lastDue));
        }
      } catch (IOException e) {
        // the socket closed: pass the end on
      }
      queue.add(new Chunk(null, due(lastDue)));
    }, "delay-relay-read"));
    start(new Thread(() -> {
      try {
        while (true) {
          Chunk c = queue.take();
          // Sleeps in slices so that a close() that came before this thread started still ends it.
          for (long wait; (wait = c.due - System.nanoTime()) > 0; ) {
            if (closed) {
              throw new InterruptedException("relay closed");
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(wait, SLICE_NANOS));
          }
          if (closed) {
            throw new InterruptedException("relay closed");
          }
          if (c.bytes == null) {
            to.shutdownOutput();
            return;
          }
          out.write(c.bytes);
        }
      } catch (IOException | InterruptedException e) {
        closeQuietly(from); // one side gone: the other goes too
        closeQuietly(to);
      }
    }, "delay-relay-write"));
  }

  /** When a chunk read now is due: its delay from now, and never before the chunk before it. */
  private long due(long lastDue) {
    long due = System.nanoTime() + oneWayNanos;
    return lastDue == Long.MIN_VALUE || due - lastDue > 0 ? due : lastDue;
  }

  private synchronized void start(Thread t) {
    t.setDaemon(true);
    threads.add(t);
    t.start();
    if (closed) {
      t.interrupt(); // started by the accepting thread after close(): end it too
    }
  }

  /**
   * Stops accepting and closes every relayed connection; the relay's threads end on their own. Idempotent.
   */
  @Override
  public void close() {
    List<Socket> open;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      open = new ArrayList<>(sockets);
      for (Thread t : threads) {
        t.interrupt(); // writers asleep on a delay
      }
    }
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    open.forEach(DelayRelay::closeQuietly);
  }

  /** Waits at most {@code timeout} for every thread of the relay to end; true if they all did. */
  boolean awaitThreads(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Thread> all;
    synchronized (this) {
      all = new ArrayList<>(threads);
    }
    for (Thread t : all) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      if (t.isAlive()) {
        return false;
      }
    }
    return true;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  private record Chunk(byte[] bytes, long due) {}
}
