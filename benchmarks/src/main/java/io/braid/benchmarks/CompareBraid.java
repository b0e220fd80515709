package io.braid.benchmarks;

import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.PeerId;
import io.braid.api.TransportContext;
import io.braid.api.TransportListener;
import io.braid.identity.Identity;
import io.braid.protocols.Perf;
import io.braid.protocols.PerfResult;
import io.braid.testkit.TestStreamRouter;
import io.braid.transport.tcp.SecurityProtocol;
import io.braid.transport.tcp.TcpTransport;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Braid half of {@link Compare}: one JVM, a listening and a dialing {@link TcpTransport} on 127.0.0.1,
 * every measurement {@code peer.mjs dial} makes for js, printed as {@code METRIC <name> <value>} lines.
 *
 * <pre>java -cp benchmarks.jar io.braid.benchmarks.CompareBraid [--mib M] [--pings N] [--setup N] [--idle N]
 *     [--security noise,tls] [--only 1x1|8x1|8x2|8x3]</pre>
 *
 * <p>{@code --security} lists the security protocols to measure, each on its own pair of transports that
 * offer only that one (default {@code noise}); TLS runs on the transport's default provider (BoringSSL where
 * it loads). {@code --only} runs that one perf shape and nothing else (for profiling).
 *
 * <p>Metrics: {@code perf.<security>.<up|down>.<streams>x<connections>} in MiB/s of payload (each phase
 * from the first stream's start to the slowest stream's end of that phase, as perf.mjs measures js; Noise
 * 1x1, 8x1, 8x2 and 8x3, TLS 1x1, 8x1 and 8x3);
 * {@code chacha.limit} (MiB/s of one thread sealing 65,519-byte Noise frames with the JDK's
 * ChaCha20-Poly1305, the one-core ceiling); {@code ping.p50}, {@code ping.p99} (µs per 32-byte round trip
 * on one open /ipfs/ping/1.0.0 stream); {@code setup.rate} for Noise and {@code setup.tls.rate} for TLS (new
 * connections per second, one after another, each TCP + security + Yamux + one negotiated stream, then
 * closed); {@code idle.bytes} (heap plus direct memory per connection end after GC, both ends in this JVM).
 * Ping, idle memory and the ChaCha limit are measured once, on the first security protocol listed.
 */
public final class CompareBraid {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long MIB = 1024 * 1024;
  private static final String PING = "/ipfs/ping/1.0.0";

  private CompareBraid() {}

  public static void main(String[] args) throws Exception {
    long mib = 64;
    int pings = 1000;
    int setups = 200;
    int idle = 1000;
    String security = "noise";
    String only = "";
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--only" -> only = args[i + 1];
        case "--mib" -> mib = Long.parseLong(args[i + 1]);
        case "--pings" -> pings = Integer.parseInt(args[i + 1]);
        case "--setup" -> setups = Integer.parseInt(args[i + 1]);
        case "--idle" -> idle = Integer.parseInt(args[i + 1]);
        case "--security" -> security = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    List<SecurityProtocol> protocols = new ArrayList<>();
    for (String name : security.split(",")) {
      protocols.add(SecurityProtocol.parse(name));
    }
    metric("chacha.limit", chachaLimitMiBps());
    boolean first = true;
    for (SecurityProtocol protocol : protocols) {
      measure(protocol, first, mib, pings, setups, idle, only);
      first = false;
    }
  }

  /** Every metric of one security protocol, on a pair of transports that offer only that one. */
  private static void measure(SecurityProtocol protocol, boolean all, long mib, int pings, int setups, int idle,
      String only) throws Exception {
    Identity serverId = Identity.generate();
    TcpTransport server = TcpTransport.builder(new TransportContext(serverId,
        new TestStreamRouter().register(Perf.PROTOCOL, Perf.server()), WAIT)).security(List.of(protocol)).build();
    TcpTransport client = TcpTransport.builder(
        new TransportContext(Identity.generate(), new TestStreamRouter(), WAIT)).security(List.of(protocol)).build();
    String security = protocol.toString();
    try {
      TransportListener listener = server.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"),
          SwarmFixtures.ACCEPT_ALL).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      Multiaddr address = listener.addresses().get(0);
      PeerId peer = serverId.peerId();
      List<NetConn> conns = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        conns.add(client.dial(address, peer).get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
      }
      // Warm-up: the JIT compiles the path before anything is timed.
      perf(conns, 1, 1, Math.max(16, mib / 2) * MIB);
      perf(conns, 8, 3, Math.max(16, mib / 2) * MIB);
      int[][] shapes = protocol == SecurityProtocol.NOISE
          ? new int[][] {{1, 1}, {8, 1}, {8, 2}, {8, 3}}
          : new int[][] {{1, 1}, {8, 1}, {8, 3}};
      for (int[] shape : shapes) {
        if (!only.isEmpty() && !only.equals(shape[0] + "x" + shape[1])) {
          continue;
        }
        double[] upDown = perf(conns, shape[0], shape[1], mib * MIB);
        String tag = shape[0] + "x" + shape[1];
        metric("perf." + security + ".up." + tag, upDown[0]);
        metric("perf." + security + ".down." + tag, upDown[1]);
      }
      if (!only.isEmpty()) {
        return;
      }
      if (all) {
        double[] rtt = ping(conns.get(0), pings);
        metric("ping.p50", rtt[0]);
        metric("ping.p99", rtt[1]);
      }
      metric(protocol == SecurityProtocol.NOISE ? "setup.rate" : "setup." + security + ".rate",
          setupRate(client, address, peer, setups));
      if (all) {
        metric("idle.bytes", idleBytes(client, address, peer, idle));
      }
    } finally {
      client.close();
      server.close();
      CompletableFuture.allOf(client.terminationFuture(), server.terminationFuture())
          .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private static void metric(String name, double value) {
    System.out.printf(Locale.ROOT, "METRIC %s %.3f%n", name, value);
  }

  /** Upload and download MiB/s of {@code streams} perf exchanges of {@code bytes / streams} each way. */
  static double[] perf(List<NetConn> conns, int streams, int connections, long bytes) throws Exception {
    long each = bytes / streams;
    List<NetStream> opened = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      opened.add(conns.get(i % connections).newStream(Perf.PROTOCOL).get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    }
    List<CompletableFuture<PerfResult>> runs = new ArrayList<>();
    for (NetStream s : opened) {
      runs.add(Perf.client(s, each, each));
    }
    CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    long up = 0;
    long down = 0;
    for (CompletableFuture<PerfResult> r : runs) {
      up = Math.max(up, r.join().uploadTime().toNanos());
      down = Math.max(down, r.join().downloadTime().toNanos());
    }
    double mibs = (double) each * streams / MIB;
    return new double[] {mibs / (up / 1e9), mibs / (down / 1e9)};
  }

  /** p50 and p99 in µs of 32-byte round trips on one ping stream, after 20 unmeasured ones. */
  static double[] ping(NetConn conn, int count) throws Exception {
    NetStream s = conn.newStream(PING).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    long[] rtts = new long[count];
    byte[] body = new byte[32];
    for (int i = 0; i < count + 20; i++) {
      ThreadLocalRandom.current().nextBytes(body);
      long t0 = System.nanoTime();
      s.write(ByteBuffer.wrap(body)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      int got = 0;
      while (got < 32) {
        ByteBuffer b = s.read().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (!b.hasRemaining()) {
          throw new IllegalStateException("ping stream ended");
        }
        got += b.remaining();
      }
      if (i >= 20) {
        rtts[i - 20] = System.nanoTime() - t0;
      }
    }
    s.close();
    Arrays.sort(rtts);
    return new double[] {rtts[count / 2] / 1e3, rtts[Math.min(count - 1, (int) (count * 0.99))] / 1e3};
  }

  /** New connections per second, one after another, each with one negotiated stream. */
  static double setupRate(TcpTransport client, Multiaddr address, PeerId peer, int count) throws Exception {
    for (int i = 0; i < Math.min(50, count); i++) { // warm-up
      setupOne(client, address, peer);
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < count; i++) {
      setupOne(client, address, peer);
    }
    return count / ((System.nanoTime() - t0) / 1e9);
  }

  private static void setupOne(TcpTransport client, Multiaddr address, PeerId peer) throws Exception {
    NetConn c = client.dial(address, peer).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    c.newStream(PING).get(WAIT.toMillis(), TimeUnit.MILLISECONDS).reset();
    c.close();
  }

  /** Heap + direct bytes per connection end of {@code count} idle connections (both ends here), after GC. */
  static double idleBytes(TcpTransport client, Multiaddr address, PeerId peer, int count) throws Exception {
    if (count == 0) {
      return 0;
    }
    Thread.sleep(500);
    long before = usedMemory();
    List<NetConn> held = new ArrayList<>();
    List<CompletableFuture<NetConn>> dials = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      dials.add(client.dial(address, peer));
      if (dials.size() == 64) {
        for (CompletableFuture<NetConn> d : dials) {
          held.add(d.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        }
        dials.clear();
      }
    }
    for (CompletableFuture<NetConn> d : dials) {
      held.add(d.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    }
    Thread.sleep(1000); // identify runs on each new connection; let it finish
    long after = usedMemory();
    long open = held.stream().filter(NetConn::isOpen).count();
    if (open != count) {
      throw new IllegalStateException(open + " of " + count + " idle connections still open");
    }
    double perEnd = (after - before) / (2.0 * count);
    for (NetConn c : held) {
      c.close();
    }
    return perEnd;
  }

  /** Used heap after GC plus direct memory (the JDK's direct pool and Netty's own accounting). */
  static long usedMemory() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long direct = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        direct += pool.getMemoryUsed();
      }
    }
    long netty = io.netty.util.internal.PlatformDependent.usedDirectMemory();
    return heap + direct + Math.max(0, netty);
  }

  /** MiB/s of one thread sealing 65,519-byte frames with the JDK's ChaCha20-Poly1305 on arrays. */
  static double chachaLimitMiBps() throws Exception {
    Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
    SecretKeySpec key = new SecretKeySpec(new byte[32], "ChaCha20");
    byte[] in = new byte[65519];
    byte[] out = new byte[65535];
    byte[] nonce = new byte[12];
    long n = 0;
    long bytes = 0;
    long end = System.nanoTime() + 3_000_000_000L; // ~1.5 s warm-up, ~1.5 s measured
    long t0 = 0;
    boolean measuring = false;
    while (true) {
      long now = System.nanoTime();
      if (!measuring && now > end - 1_500_000_000L) {
        measuring = true;
        t0 = now;
        bytes = 0;
      }
      if (now > end) {
        return bytes / ((now - t0) / 1e9) / MIB;
      }
      n++;
      for (int i = 0; i < 8; i++) {
        nonce[4 + i] = (byte) (n >>> (8 * i));
      }
      c.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
      c.doFinal(in, 0, in.length, out, 0);
      bytes += in.length;
    }
  }
}
