package io.braid.benchmarks;

import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.TransportContext;
import io.braid.api.TransportListener;
import io.braid.identity.Identity;
import io.braid.testkit.TestStreamRouter;
import io.braid.transport.tcp.SecurityProtocol;
import io.braid.transport.tcp.TcpTransport;
import io.braid.transport.tcp.TlsProvider;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Upload throughput through the real stack (TCP, Noise or TLS, Yamux) between two {@link TcpTransport}s on
 * 127.0.0.1: the client writes a fixed number of bytes spread over N streams on M connections, the
 * server's handler discards them, and the clock stops when the server has read every stream to its end.
 * Before that, the time of {@value #HANDSHAKES} sequential connection upgrades (TCP connect, security
 * handshake, muxer, identify, close) after {@value #HANDSHAKES} of warm-up, and the process CPU time each
 * took (both ends are in this process; CPU time depends less than wall time on what else the machine runs).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.braid.benchmarks.TcpThroughput [MiB] [warm-up MiB]
 *     [--security noise|tls-jdk|tls-openssl]</pre>
 *
 * <p>Defaults: 256 MiB per case after a 64 MiB warm-up of the same case, Noise. Every wait is bounded: a
 * case that does not finish within {@link #CASE_TIMEOUT} is reported as timed out and the run goes on.
 */
public final class TcpThroughput {
  private static final String PROTOCOL = "/braid/bench/sink/1.0.0";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration CASE_TIMEOUT = Duration.ofSeconds(30);
  private static final int CHUNK = 64 * 1024;
  /** Writes each stream keeps in flight: enough to cover a Yamux window without queueing without bound. */
  private static final int IN_FLIGHT = 8;
  private static final long MIB = 1024 * 1024;
  private static final int HANDSHAKES = 200;

  private record Case(String name, int connections, int streams) {}

  /** What the server's sink handler reports into for the case being run. */
  private static final class Run {
    final CountDownLatch done;
    final AtomicLong received = new AtomicLong();
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    Run(int streams) {
      this.done = new CountDownLatch(streams);
    }
  }

  private static final AtomicReference<Run> current = new AtomicReference<>();

  private TcpThroughput() {}

  public static void main(String[] args) throws Exception {
    List<String> positional = new ArrayList<>();
    String security = "noise";
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--security") && i + 1 < args.length) {
        security = args[++i];
      } else {
        positional.add(args[i]);
      }
    }
    long mib = positional.size() > 0 ? Long.parseLong(positional.get(0)) : 256;
    long warmMib = positional.size() > 1 ? Long.parseLong(positional.get(1)) : 64;
    if (mib < 1 || warmMib < 0 || !List.of("noise", "tls-jdk", "tls-openssl").contains(security)) {
      throw new IllegalArgumentException(
          "usage: TcpThroughput [MiB >= 1] [warm-up MiB >= 0] [--security noise|tls-jdk|tls-openssl]");
    }
    List<Case> cases = List.of(
        new Case("1 stream, 1 connection", 1, 1),
        new Case("8 streams, 1 connection", 1, 8),
        new Case("8 streams, 3 connections", 3, 8));

    TestStreamRouter serverRouter = new TestStreamRouter().register(PROTOCOL, TcpThroughput::sink);
    Identity serverIdentity = Identity.generate();
    TcpTransport server = configure(TcpTransport.builder(new TransportContext(serverIdentity, serverRouter, WAIT)),
        security).build();
    TcpTransport client = configure(TcpTransport.builder(
        new TransportContext(Identity.generate(), new TestStreamRouter(), WAIT)), security).build();
    List<String> rows = new ArrayList<>();
    try {
      TransportListener listener = server.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"), SwarmFixtures.ACCEPT_ALL)
          .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      Multiaddr address = listener.addresses().get(0);
      System.out.printf(Locale.ROOT, "java %s (%s), epoll %s, security %s, %d MiB per case after %d MiB warm-up%n",
          System.getProperty("java.version"), System.getProperty("java.vm.name"), client.usesEpoll(), security, mib,
          warmMib);
      handshakes(client, address, serverIdentity, HANDSHAKES); // warm-up
      long handshakeCpu0 = processCpuNanos();
      double handshakeMs = handshakes(client, address, serverIdentity, HANDSHAKES);
      double handshakeCpuMs = (processCpuNanos() - handshakeCpu0) / 1e6 / HANDSHAKES;
      String handshakeRow = String.format(Locale.ROOT, "| %-26s | %10s | %8.2f | %7.2f ms |",
          HANDSHAKES + " upgrades, ms each", "", handshakeMs, handshakeCpuMs);
      System.out.println(handshakeRow);
      rows.add(handshakeRow);
      List<NetConn> conns = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        conns.add(client.dial(address, serverIdentity.peerId()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
      }
      for (Case c : cases) {
        String result;
        try {
          if (warmMib > 0) {
            runCase(c, conns, warmMib * MIB);
          }
          long cpu0 = processCpuNanos();
          double seconds = runCase(c, conns, mib * MIB);
          double cpuPerGib = (processCpuNanos() - cpu0) / 1e9 / (mib / 1024.0);
          double gbit = mib * MIB * 8 / seconds / 1e9;
          result = String.format(Locale.ROOT, "| %-26s | %10.3f | %8.2f | %10.2f |", c.name(), gbit, seconds, cpuPerGib);
        } catch (TimeoutException e) {
          result = String.format(Locale.ROOT, "| %-26s | %10s | %8s | %10s |", c.name(), "timed out",
              "> " + CASE_TIMEOUT.toSeconds(), "");
        }
        System.out.println(result);
        rows.add(result);
      }
    } finally {
      client.close();
      server.close();
      CompletableFuture.allOf(client.terminationFuture(), server.terminationFuture())
          .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
    System.out.println();
    System.out.println("| case                       |     Gbit/s |        s | CPU s/GiB (upgrades: CPU ms each) |");
    System.out.println("|----------------------------|-----------:|---------:|-----------:|");
    rows.forEach(System.out::println);
  }

  private static TcpTransport.Builder configure(TcpTransport.Builder b, String security) {
    return switch (security) {
      case "tls-jdk" -> b.security(List.of(SecurityProtocol.TLS)).tlsProvider(TlsProvider.JDK);
      case "tls-openssl" -> b.security(List.of(SecurityProtocol.TLS)).tlsProvider(TlsProvider.OPENSSL);
      default -> b.security(List.of(SecurityProtocol.NOISE));
    };
  }

  /** Mean milliseconds of {@code n} sequential dials (connect, upgrade, close), identify included. */
  private static double handshakes(TcpTransport client, Multiaddr address, Identity server, int n)
      throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      NetConn c = client.dial(address, server.peerId()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      TcpTransport.identify(c).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      c.close();
      c.closeFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
    return (System.nanoTime() - start) / 1e6 / n;
  }

  /** Sends {@code bytes} over {@code c.streams()} streams placed round-robin on the first connections. */
  private static double runCase(Case c, List<NetConn> conns, long bytes) throws Exception {
    Run run = new Run(c.streams());
    current.set(run);
    long perStream = bytes / c.streams();
    long deadline = System.nanoTime() + CASE_TIMEOUT.toNanos();
    List<NetStream> streams = new ArrayList<>();
    for (int i = 0; i < c.streams(); i++) {
      streams.add(conns.get(i % c.connections()).newStream(PROTOCOL).get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    }
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK).asReadOnlyBuffer();
    long start = System.nanoTime();
    List<CompletableFuture<Void>> writers = new ArrayList<>();
    for (NetStream s : streams) {
      writers.add(new Writer(s, chunk, perStream).start());
    }
    try {
      long left = deadline - System.nanoTime();
      if (!run.done.await(Math.max(0, left), TimeUnit.NANOSECONDS)) {
        throw new TimeoutException();
      }
      long elapsed = System.nanoTime() - start;
      CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (run.failure.get() != null) {
        throw new IllegalStateException("the sink failed", run.failure.get());
      }
      if (run.received.get() != perStream * c.streams()) {
        throw new IllegalStateException("the sink read " + run.received.get() + " bytes, expected " + perStream * c.streams());
      }
      return elapsed / 1e9;
    } finally {
      streams.forEach(NetStream::reset);
    }
  }

  /** The server's handler: reads to end of stream, counting and dropping the bytes. */
  private static void sink(NetStream stream) {
    Run run = current.get();
    readLoop(stream, run, 0);
  }

  private static void readLoop(NetStream stream, Run run, long total) {
    AtomicLong got = new AtomicLong(total);
    stream.receiveAll(chunk -> {
      got.addAndGet(chunk.remaining());
      return null;
    }).whenComplete((v, error) -> {
      if (error != null) {
        run.failure.compareAndSet(null, error);
      } else {
        run.received.addAndGet(got.get());
        stream.close();
      }
      run.done.countDown();
    });
  }

  /**
   * CPU time of the whole process (client and server both run here), which says more than wall time
   * on a machine that other work keeps busy.
   */
  static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
  }

  /** Writes {@code total} bytes, keeping up to {@link #IN_FLIGHT} writes outstanding, then half-closes. */
  private static final class Writer {
    private final NetStream stream;
    private final ByteBuffer chunk;
    private final CompletableFuture<Void> result = new CompletableFuture<>();
    private long unsent;
    private int inFlight;
    private boolean closing;

    Writer(NetStream stream, ByteBuffer chunk, long total) {
      this.stream = stream;
      this.chunk = chunk;
      this.unsent = total;
    }

    CompletableFuture<Void> start() {
      pump();
      return result;
    }

    private void pump() {
      while (true) {
        ByteBuffer next;
        synchronized (this) {
          if (result.isDone() || closing) {
            return;
          }
          if (unsent == 0) {
            if (inFlight > 0) {
              return;
            }
            closing = true;
            break;
          }
          if (inFlight >= IN_FLIGHT) {
            return;
          }
          int n = (int) Math.min(CHUNK, unsent);
          unsent -= n;
          inFlight++;
          next = chunk.duplicate().limit(n);
        }
        CompletableFuture<Void> f = stream.write(next);
        if (f.isDone() && !f.isCompletedExceptionally()) {
          // Completed at once: carry on in this loop rather than recurse through whenComplete.
          synchronized (this) {
            inFlight--;
          }
          continue;
        }
        f.whenComplete((v, e) -> {
          if (e != null) {
            result.completeExceptionally(e);
            return;
          }
          synchronized (this) {
            inFlight--;
          }
          pump();
        });
      }
      stream.closeWrite().whenComplete((v, e) -> {
        if (e != null) {
          result.completeExceptionally(e);
        } else {
          result.complete(null);
        }
      });
    }
  }
}
