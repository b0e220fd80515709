package io.braid.benchmarks;

import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.core.Swarm;
import io.braid.identity.Identity;
import io.braid.protocols.Echo;
import io.braid.protocols.Perf;
import io.netty.util.internal.PlatformDependent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The listener of {@link Soak}, in a JVM of its own so that its heap, direct memory and file descriptors are
 * measured apart from the clients'. A {@link Swarm} on {@code 127.0.0.1} with its default limits, serving
 * {@code /echo/1.0.0} and {@code /perf/1.0.0}; prints {@code LISTEN <multiaddr>/p2p/<id>}, then answers each
 * line on standard input:
 *
 * <ul>
 *   <li>{@code stats}: {@code STATS heap=<bytes used after a full GC> direct=<bytes> fds=<open descriptors>
 *       conns=<connections> pending=<handshakes> peers=<peers>};
 *   <li>{@code cpu}: {@code CPU <nanoseconds of CPU this process has used>} (no collection first);
 *   <li>{@code threads}: {@code THREADS loops=<ns> jit=<ns> gc=<ns> other=<ns>}, the CPU (user and system) this
 *       process's threads have used so far, by kind: Netty's event loops, the JIT compilers, the garbage
 *       collector, everything else ({@code -1} each where {@code /proc/self/task} is not readable);
 *   <li>{@code refusals}: {@code REFUSALS <the swarm's refusal counts by limit, as a map>};
 *   <li>{@code quit} (or the end of standard input): closes the swarm and exits.
 * </ul>
 */
public final class SoakListener {
  private SoakListener() {}

  public static void main(String[] args) throws Exception {
    try (Swarm swarm = Swarm.builder(Identity.generate()).build()) {
      swarm.setStreamHandler(Echo.PROTOCOL, Echo.server());
      swarm.setStreamHandler(Perf.PROTOCOL, Perf.server(1L << 40));
      List<Multiaddr> bound = swarm.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0")).join();
      System.out.println("LISTEN " + bound.get(0).encapsulate("/p2p/" + swarm.localPeer()));
      System.out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null && !line.equals("quit"); ) {
        if (line.equals("stats")) {
          System.out.println(stats(swarm));
          System.out.flush();
        } else if (line.equals("refusals")) {
          System.out.println("REFUSALS " + new java.util.TreeMap<>(swarm.resourceUsage().refusals()));
          System.out.flush();
        } else if (line.equals("threads")) {
          System.out.println(threadCpu());
          System.out.flush();
        } else if (line.equals("cpu")) {
          System.out.println("CPU " + processCpuNanos());
          System.out.flush();
        }
      }
    }
  }

  private static String stats(Swarm swarm) throws IOException {
    List<NetConn> conns = swarm.getConnections();
    return String.format(Locale.ROOT, "STATS heap=%d direct=%d fds=%d conns=%d pending=%d peers=%d",
        heapAfterGc(), directMemory(), openFileDescriptors(), conns.size(), swarm.pendingHandshakes(),
        swarm.getConnectionsMap().size());
  }

  /** CPU time this process has used, in nanoseconds (-1 where the JVM does not say). */
  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** The {@code THREADS} line: this process's CPU so far by kind of thread, from {@code /proc/self/task}. */
  static String threadCpu() throws IOException {
    long[] ns = {0, 0, 0, 0}; // loops, jit, gc, other
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return "THREADS loops=-1 jit=-1 gc=-1 other=-1";
    }
    try (Stream<Path> s = Files.list(tasks)) {
      for (Path t : (Iterable<Path>) s::iterator) {
        String stat;
        try {
          stat = Files.readString(t.resolve("stat"));
        } catch (IOException gone) {
          continue; // the thread ended while listed
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String[] f = stat.substring(stat.lastIndexOf(") ") + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime, in clock ticks
        int kind = name.startsWith("multiThreadIoEv") || name.startsWith("epollEventLoop") ? 0
            : name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler") ? 1
            : name.startsWith("GC ") || name.startsWith("G1 ") ? 2 : 3;
        ns[kind] += ticks * 10_000_000L; // USER_HZ is 100 on Linux
      }
    }
    return String.format(Locale.ROOT, "THREADS loops=%d jit=%d gc=%d other=%d", ns[0], ns[1], ns[2], ns[3]);
  }

  /** Heap in use after two full collections (a rough figure, the same way every time). */
  static long heapAfterGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Netty's direct memory counter where it keeps one, plus the JDK's direct buffer pool. */
  static long directMemory() {
    long jdk = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    long netty = PlatformDependent.usedDirectMemory();
    return jdk + Math.max(0, netty);
  }

  /** Open file descriptors of this process (Linux: /proc/self/fd), or -1 where that is not readable. */
  static long openFileDescriptors() throws IOException {
    Path fd = Path.of("/proc/self/fd");
    if (!Files.isDirectory(fd)) {
      return -1;
    }
    try (Stream<Path> s = Files.list(fd)) {
      return s.count();
    }
  }
}
