package io.braid.benchmarks;

import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import io.braid.api.TransportContext;
import io.braid.api.TransportListener;
import io.braid.identity.Identity;
import io.braid.testkit.TestStreamRouter;
import io.braid.transport.tcp.TcpTransport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Memory per idle connection end with many connections held: a Braid listener in a child JVM and a Braid
 * dialer in this one (two processes, so that each holds one file descriptor per connection), both on
 * 127.0.0.1. Each side reports its used heap after GC plus direct memory before and after the dialer opens
 * N connections (TCP + Noise + Yamux, identify run on each); the difference per connection is printed for
 * each end.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.braid.benchmarks.IdleConnections [N=10000]</pre>
 */
public final class IdleConnections {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private IdleConnections() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("listen")) {
      listen();
      return;
    }
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    String jar = Paths.get(IdleConnections.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    Process child = new ProcessBuilder(java, "-cp", jar, IdleConnections.class.getName(), "listen")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    PrintStream toChild = new PrintStream(child.getOutputStream(), true, StandardCharsets.UTF_8);
    String[] hello = in.readLine().split(" ");
    Multiaddr address = Multiaddr.fromString(hello[1]);
    PeerId peer = PeerId.fromString(hello[2]);
    TcpTransport client = TcpTransport.builder(
        new TransportContext(Identity.generate(), new TestStreamRouter(), WAIT)).build();
    try {
      // One connection first, so that per-transport set-up (pools, classes) is not counted.
      NetConn first = client.dial(address, peer).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      Thread.sleep(500);
      long dialerBefore = CompareBraid.usedMemory();
      long listenerBefore = ask(toChild, in);
      List<NetConn> held = new ArrayList<>();
      List<CompletableFuture<NetConn>> batch = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        batch.add(client.dial(address, peer));
        if (batch.size() == 64 || i == n - 1) {
          for (CompletableFuture<NetConn> d : batch) {
            held.add(d.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
          }
          batch.clear();
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      Thread.sleep(2000); // identify on every connection
      long dialerAfter = CompareBraid.usedMemory();
      long listenerAfter = ask(toChild, in);
      long open = held.stream().filter(NetConn::isOpen).count();
      System.out.printf(Locale.ROOT, "java %s: %d idle connections (%d open) opened in %.1f s, 64 at a time%n",
          System.getProperty("java.version"), n, open, seconds);
      System.out.printf(Locale.ROOT, "dialer end:   %,.0f bytes per connection (heap after GC + direct)%n",
          (dialerAfter - dialerBefore) / (double) n);
      System.out.printf(Locale.ROOT, "listener end: %,.0f bytes per connection (heap after GC + direct)%n",
          (listenerAfter - listenerBefore) / (double) n);
      for (NetConn c : held) {
        c.close();
      }
      first.close();
    } finally {
      client.close();
      client.terminationFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      toChild.close();
      if (!child.waitFor(20, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
  }

  private static long ask(PrintStream toChild, BufferedReader in) throws Exception {
    toChild.println("MEM");
    return Long.parseLong(in.readLine().trim());
  }

  /** The child: listens, prints {@code LISTEN <addr> <peer id>}, answers each {@code MEM} line with its memory. */
  private static void listen() throws Exception {
    Identity id = Identity.generate();
    TcpTransport server = TcpTransport.builder(new TransportContext(id, new TestStreamRouter(), WAIT)).build();
    TransportListener listener = server.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"), SwarmFixtures.ACCEPT_ALL)
        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    System.out.println("LISTEN " + listener.addresses().get(0) + " " + id.peerId());
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.equals("MEM")) {
          System.out.println(CompareBraid.usedMemory());
          System.out.flush();
        }
      }
    } finally {
      server.close();
      server.terminationFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
