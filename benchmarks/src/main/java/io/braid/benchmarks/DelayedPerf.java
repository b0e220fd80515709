package io.braid.benchmarks;

import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.TransportContext;
import io.braid.api.TransportListener;
import io.braid.identity.Identity;
import io.braid.protocols.Perf;
import io.braid.protocols.PerfResult;
import io.braid.testkit.TestStreamRouter;
import io.braid.transport.tcp.TcpTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One perf stream over a path with an added round trip: a relay on 127.0.0.1 that holds every chunk for
 * half the RTT in each direction. With the receive window fixed at Yamux's initial 256 KiB a stream can
 * move at most 256 KiB per round trip (about 40 Mbit/s at 50 ms); with auto-tuning the window grows
 * towards 16 MiB while the reader keeps up, so the same stream is no longer bound by the RTT.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.braid.benchmarks.DelayedPerf [rttMs=50] [MiB=64]</pre>
 *
 * <p>Prints upload and download Mbit/s for the fixed 256 KiB window and for auto-tuning, and the
 * 256 KiB-per-RTT ceiling for comparison.
 */
public final class DelayedPerf {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long MIB = 1024 * 1024;
  private static final long INITIAL_WINDOW = 256 * 1024;

  private DelayedPerf() {}

  public static void main(String[] args) throws Exception {
    int rttMs = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    long mib = args.length > 1 ? Long.parseLong(args[1]) : 64;
    System.out.printf(Locale.ROOT, "java %s, one perf stream over a relay adding %d ms of RTT, %d MiB each way%n",
        System.getProperty("java.version"), rttMs, mib);
    System.out.printf(Locale.ROOT, "256 KiB per RTT ceiling: %.1f Mbit/s%n", INITIAL_WINDOW * 8 / (rttMs / 1e3) / 1e6);
    System.out.println("| receive window            | upload Mbit/s | download Mbit/s |");
    System.out.println("|---------------------------|--------------:|----------------:|");
    for (boolean tuned : new boolean[] {false, true}) {
      double[] r = run(rttMs, mib * MIB, tuned);
      System.out.printf(Locale.ROOT, "| %-25s | %13.1f | %15.1f |%n",
          tuned ? "auto-tuned, 256 KiB-16 MiB" : "fixed 256 KiB", r[0], r[1]);
    }
  }

  private static double[] run(int rttMs, long bytes, boolean tuned) throws Exception {
    long perStream = tuned ? 16 * MIB : INITIAL_WINDOW;
    Identity serverId = Identity.generate();
    TcpTransport server = TcpTransport.builder(new TransportContext(serverId,
        new TestStreamRouter().register(Perf.PROTOCOL, Perf.server()), WAIT))
        .receiveWindows(perStream, 32 * MIB).build();
    TcpTransport client = TcpTransport.builder(new TransportContext(Identity.generate(), new TestStreamRouter(), WAIT))
        .receiveWindows(perStream, 32 * MIB).build();
    try (Relay relay = new Relay(rttMs)) {
      TransportListener listener = server.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"),
          SwarmFixtures.ACCEPT_ALL).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      Multiaddr target = listener.addresses().get(0);
      int port = Integer.parseInt(target.toString().replaceAll(".*/tcp/(\\d+).*", "$1"));
      int relayPort = relay.start(port);
      NetConn conn = client.dial(Multiaddr.fromString("/ip4/127.0.0.1/tcp/" + relayPort), serverId.peerId())
          .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      // Let the first keepalive ping measure the RTT, then warm up.
      Thread.sleep(3L * rttMs);
      once(conn, 8 * MIB);
      return once(conn, bytes);
    } finally {
      client.close();
      server.close();
      CompletableFuture.allOf(client.terminationFuture(), server.terminationFuture())
          .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private static double[] once(NetConn conn, long bytes) throws Exception {
    long t0 = System.nanoTime();
    NetStream s = conn.newStream(Perf.PROTOCOL).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    if (System.getProperty("debug") != null) {
      System.out.printf("newStream took %.1f ms%n", (System.nanoTime() - t0) / 1e6);
    }
    PerfResult r = Perf.client(s, bytes, bytes).get(300, TimeUnit.SECONDS);
    return new double[] {bytes * 8 / (r.uploadTime().toNanos() / 1e9) / 1e6,
        bytes * 8 / (r.downloadTime().toNanos() / 1e9) / 1e6};
  }

  /** A TCP relay on 127.0.0.1 delaying each direction by half the RTT; blocking I/O, two threads a direction. */
  static final class Relay implements AutoCloseable {
    private final long oneWayNanos;
    private ServerSocket server;
    private volatile boolean closed;

    Relay(int rttMs) {
      this.oneWayNanos = TimeUnit.MILLISECONDS.toNanos(rttMs) / 2;
    }

    int start(int targetPort) throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread accept = new Thread(() -> {
        while (!closed) {
          try {
            Socket in = server.accept();
            Socket out = new Socket();
            out.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
            in.setTcpNoDelay(true);
            out.setTcpNoDelay(true);
            pipe(in, out);
            pipe(out, in);
          } catch (IOException e) {
            return;
          }
        }
      }, "relay-accept");
      accept.setDaemon(true);
      accept.start();
      return server.getLocalPort();
    }

    private void pipe(Socket from, Socket to) throws IOException {
      // FIFO: every chunk is due one fixed delay after the one before it was read, so order is kept.
      LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      Thread reader = new Thread(() -> {
        byte[] buf = new byte[64 * 1024];
        try {
          int n;
          while ((n = in.read(buf)) > 0) {
            queue.add(new Chunk(Arrays.copyOf(buf, n), System.nanoTime() + oneWayNanos));
          }
        } catch (IOException ignored) {
          // closed
        }
        queue.add(new Chunk(null, System.nanoTime() + oneWayNanos));
      }, "relay-read");
      Thread writer = new Thread(() -> {
        try {
          while (true) {
            Chunk c = queue.take();
            long wait = c.due - System.nanoTime();
            if (wait > 0) {
              TimeUnit.NANOSECONDS.sleep(wait);
            }
            if (c.bytes == null) {
              to.shutdownOutput();
              return;
            }
            out.write(c.bytes);
          }
        } catch (IOException | InterruptedException ignored) {
          // closed
        }
      }, "relay-write");
      reader.setDaemon(true);
      writer.setDaemon(true);
      reader.start();
      writer.start();
    }

    @Override
    public void close() throws IOException {
      closed = true;
      if (server != null) {
        server.close();
      }
    }

    private record Chunk(byte[] bytes, long due) {}
  }
}
