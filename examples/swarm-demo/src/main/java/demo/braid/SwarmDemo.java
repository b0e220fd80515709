package demo.braid;

import io.braid.api.CloseReason;
import io.braid.api.ConnectionConfig;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.NetworkListener;
import io.braid.api.PeerId;
import io.braid.api.RetryConfig;
import io.braid.core.Swarm;
import io.braid.testkit.MemoryNetwork;
import io.braid.testkit.MemoryTransport;
import io.braid.testkit.Streams;
import io.braid.testkit.TestIdentity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A tour of Braid's swarm in one process, on the testkit's in-memory transport: several live
 * connections to one peer, streams spread over them by {@code round_robin} and {@code least_loaded},
 * a connection closed under load, dialing with retries and backoff, and the single-connection views
 * kept for older callers.
 *
 * <p>Run it with {@code java -jar examples/swarm-demo/target/swarm-demo.jar}; it prints plain-text
 * tables and exits 0, or prints what went wrong and exits 1. {@link #run(PrintStream)} is the whole
 * demo, for tests.
 *
 * <p>Every wait is bounded ({@value #WAIT_SECONDS} s); the demo never sleeps.
 */
public final class SwarmDemo {
  /** The protocol node B serves: everything written comes back. */
  static final String ECHO = "/echo/1.0.0";

  private static final long WAIT_SECONDS = 10;
  private static final Multiaddr ANY_MEMORY = Multiaddr.fromString("/memory/0");
  /** Peer C's address, fixed so that A can know it before C listens. */
  private static final Multiaddr C_ADDRESS = Multiaddr.fromString("/memory/7001");
  /** How long after A's first failed dial peer C comes up. */
  private static final Duration C_STARTS_AFTER = Duration.ofMillis(120);

  private SwarmDemo() {}

  /** Runs the demo on stdout; exits 0 on success, 1 with a message on stderr otherwise. */
  public static void main(String[] args) {
    System.exit(runAndReport(System.out, System.err));
  }

  /** Runs the demo, reporting a failure on {@code err}; returns the process exit code. */
  static int runAndReport(PrintStream out, PrintStream err) {
    return runAndReport(out, err, new MemoryNetwork());
  }

  /** As {@link #runAndReport(PrintStream, PrintStream)}, on {@code network} (tests may crowd it). */
  static int runAndReport(PrintStream out, PrintStream err, MemoryNetwork network) {
    try {
      run(out, network);
      return 0;
    } catch (DemoFailure e) {
      out.flush();
      err.println("swarm-demo FAILED: " + e.getMessage());
      if (e.getCause() != null) {
        e.getCause().printStackTrace(err);
      }
      return 1;
    } catch (RuntimeException e) {
      out.flush();
      err.println("swarm-demo FAILED with an unexpected error: " + e);
      e.printStackTrace(err);
      return 1;
    }
  }

  /**
   * Runs every section of the demo, printing to {@code out}, and closes everything it made.
   *
   * @throws DemoFailure if any step fails or does not finish in time
   */
  public static void run(PrintStream out) {
    run(out, new MemoryNetwork());
  }

  private static void run(PrintStream out, MemoryNetwork network) {
    try (Demo demo = new Demo(out, network)) {
      demo.run();
    }
  }

  /** A step of the demo went wrong; the message says which. */
  public static final class DemoFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DemoFailure(String message) {
      super(message);
    }

    DemoFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** One swarm with its observable transport and a display name. */
  private record Node(String name, Swarm swarm, ObservedTransport transport) {
    PeerId peer() {
      return swarm.localPeer();
    }
  }

  /** The demo's state: the nodes it made (closed at the end) and the names of their peers. */
  private static final class Demo implements AutoCloseable {
    private final PrintStream out;
    private final MemoryNetwork network;
    private final List<Node> nodes = new ArrayList<>();
    private final Map<PeerId, String> names = new ConcurrentHashMap<>();

    Demo(PrintStream out, MemoryNetwork network) {
      this.out = out;
      this.network = network;
    }

    void run() {
      long start = System.nanoTime();
      out.println("Braid swarm demo: several connections per peer, on the in-memory transport");
      out.println("(every node below is a real io.braid.core.Swarm; only the wire is in memory)");

      RetryConfig retry = RetryConfig.builder().maxRetries(5).initialDelay(Duration.ofMillis(50))
          .backoffMultiplier(2).maxDelay(Duration.ofSeconds(1)).jitterFactor(0).build();
      Node a = node("A", "round_robin", retry);
      Node b = node("B", "round_robin", retry);
      Multiaddr bAddress = await(b.swarm().listen(ANY_MEMORY), "B listening").get(0);

      List<NetConn> conns = sectionOneAddressThreeConnections(a, b, bAddress);
      sectionRoundRobin(a, b, conns);
      sectionLeastLoaded(b, bAddress, retry);
      sectionCloseOne(a, b, conns);
      Node c = sectionRetries(a, retry);
      sectionViews(a, b, c);

      section("7. Shutting down");
      close();
      out.printf("all swarms closed; connection slots still in use: %d%n",
          nodes.stream().mapToInt(n -> n.swarm().connectionSlotsInUse()).sum());
      out.printf("%nDone in %d ms.%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    // --- 1 -------------------------------------------------------------------------------------

    private List<NetConn> sectionOneAddressThreeConnections(Node a, Node b, Multiaddr bAddress) {
      section("1. One address, three connections");
      out.printf("B listens on %s and serves %s%n", bAddress, ECHO);
      a.swarm().addAddresses(b.peer(), bAddress);
      out.printf("A knows %d address for B: %s%n", a.swarm().addresses(b.peer()).size(),
          a.swarm().addresses(b.peer()));
      out.printf("A.dialPeer(B) with maxConnectionsPerPeer=%d ...%n",
          a.swarm().connectionConfig().maxConnectionsPerPeer());
      // B admits each inbound connection on its own threads, possibly just after A's dial completed:
      // its listener tells when all three are in B's table too.
      AtomicInteger seenByB = new AtomicInteger();
      CompletableFuture<Void> bHasThree = new CompletableFuture<>();
      NetworkListener bListener = new NetworkListener() {
        @Override
        public void connectionOpened(NetConn connection) {
          if (connection.remotePeer().equals(a.peer()) && seenByB.incrementAndGet() == 3) {
            bHasThree.complete(null);
          }
        }
      };
      b.swarm().addListener(bListener);
      long t0 = System.nanoTime();
      List<NetConn> conns = await(a.swarm().dialPeer(b.peer()), "A.dialPeer(B)");
      out.printf("... done in %d ms: %d connections%n", millisSince(t0), conns.size());
      try {
        await(bHasThree, "B admitting A's 3 connections");
      } finally {
        b.swarm().removeListener(bListener);
      }
      List<List<String>> rows = new ArrayList<>();
      int i = 1;
      for (NetConn c : conns) {
        rows.add(List.of(String.valueOf(i++), c.id(), c.direction().toString(), c.localAddress().toString(),
            c.remoteAddress().toString()));
      }
      table(List.of("#", "connection", "direction", "local address", "remote address"), rows);
      List<NetConn> onB = b.swarm().getConnections(a.peer());
      out.printf("B sees them as: %s%n",
          onB.stream().map(c -> c.id() + " " + c.direction()).collect(Collectors.joining(", ")));
      long distinctRemotes = conns.stream().map(NetConn::remoteAddress).distinct().count();
      check(conns.size() == 3, "A should hold 3 connections to B, holds " + conns.size());
      check(distinctRemotes == 1, "the 3 connections should share B's one address, saw " + distinctRemotes);
      check(onB.size() == 3, "B should see 3 connections from A, sees " + onB.size());
      out.printf("=> one address, %d connections%n", conns.size());
      return conns;
    }

    // --- 2 -------------------------------------------------------------------------------------

    private void sectionRoundRobin(Node a, Node b, List<NetConn> conns) {
      section("2. 300 echo streams under round_robin");
      out.printf("balancer: %s; each stream writes a few bytes, reads the echo, checks it, closes%n",
          a.swarm().loadBalancer());
      long t0 = System.nanoTime();
      Map<String, Integer> perConnection = echoStreams(a, b, 300);
      out.printf("300 streams echoed and verified in %d ms%n", millisSince(t0));
      streamTable(conns, perConnection, "streams");
    }

    /** Opens {@code count} streams to {@code b} at once, each an echo exchange; counts them by connection. */
    private Map<String, Integer> echoStreams(Node a, Node b, int count) {
      Map<String, Integer> perConnection = new ConcurrentHashMap<>();
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        byte[] payload = ("hello #" + i).getBytes(StandardCharsets.UTF_8);
        all.add(a.swarm().newStream(b.peer(), ECHO).thenCompose(stream -> {
          perConnection.merge(stream.connection().id(), 1, Integer::sum);
          return Streams.exchange(stream, payload, 64).whenComplete((r, e) -> stream.close())
              .thenAccept(echoed -> {
                if (!Arrays.equals(payload, echoed)) {
                  throw new DemoFailure("stream " + stream.id() + " on " + stream.connection().id()
                      + " echoed " + new String(echoed, StandardCharsets.UTF_8) + " instead of "
                      + new String(payload, StandardCharsets.UTF_8));
                }
              });
        }));
      }
      await(CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])), count + " echo streams");
      return perConnection;
    }

    // --- 3 -------------------------------------------------------------------------------------

    private void sectionLeastLoaded(Node b, Multiaddr bAddress, RetryConfig retry) {
      section("3. least_loaded, with streams held open");
      Node a2 = node("A2", "least_loaded", retry);
      a2.swarm().addAddresses(b.peer(), bAddress);
      List<NetConn> conns = await(a2.swarm().dialPeer(b.peer()), "A2.dialPeer(B)");
      check(conns.size() == 3, "A2 should hold 3 connections to B, holds " + conns.size());
      out.printf("A2 (balancer: %s) dials B the same way: %d connections%n", a2.swarm().loadBalancer(),
          conns.size());
      List<NetStream> held = new ArrayList<>();
      int pinned = 30;
      out.printf("A2 pins %d streams on %s directly (NetConn.newStream, no balancer) and keeps them open%n",
          pinned, conns.get(0).id());
      for (int i = 0; i < pinned; i++) {
        held.add(await(heldEcho(conns.get(0).newStream(ECHO), "pinned #" + i), "pinned stream " + i));
      }
      int placed = 60;
      out.printf("then A2.newStream(B) %d times, one after another, keeping every stream open:%n", placed);
      Map<String, Integer> perConnection = new LinkedHashMap<>();
      for (int i = 0; i < placed; i++) {
        NetStream s = await(heldEcho(a2.swarm().newStream(b.peer(), ECHO), "held #" + i), "held stream " + i);
        held.add(s);
        perConnection.merge(s.connection().id(), 1, Integer::sum);
      }
      List<List<String>> rows = new ArrayList<>();
      for (NetConn c : conns) {
        rows.add(List.of(c.id(), String.valueOf(c.id().equals(conns.get(0).id()) ? pinned : 0),
            String.valueOf(perConnection.getOrDefault(c.id(), 0)), String.valueOf(c.streamCount())));
      }
      table(List.of("connection", "pinned", "placed by least_loaded", "open now"), rows);
      out.println("=> least_loaded sent new streams to the idle connections until the load was even;");
      out.printf("   round_robin would have put %d on each, whatever their load%n", placed / conns.size());
      for (NetStream s : held) {
        s.close();
      }
      for (NetStream s : held) {
        await(s.closeFuture(), "closing held stream " + s.id());
      }
      a2.swarm().close();
      await(a2.swarm().closeFuture(), "closing A2");
      out.printf("A2 closed its %d streams and its swarm%n", held.size());
    }

    /** Once {@code opening} yields a stream: writes a line, reads its echo back, leaves the stream open. */
    private CompletableFuture<NetStream> heldEcho(CompletableFuture<NetStream> opening, String text) {
      byte[] payload = text.getBytes(StandardCharsets.UTF_8);
      return opening.thenCompose(s -> Streams.writeAll(s, payload)
          .thenCompose(v -> readExactly(s, payload.length, new ByteArrayOutputStream()))
          .thenApply(echoed -> {
            if (!Arrays.equals(payload, echoed)) {
              s.reset();
              throw new DemoFailure("held stream " + s.id() + " echoed the wrong bytes");
            }
            return s;
          }));
    }

    // --- 4 -------------------------------------------------------------------------------------

    private void sectionCloseOne(Node a, Node b, List<NetConn> conns) {
      section("4. Closing one connection");
      NetConn victim = conns.get(1);
      CompletableFuture<CloseReason> seen = new CompletableFuture<>();
      NetworkListener listener = new NetworkListener() {
        @Override
        public void connectionClosed(NetConn connection, CloseReason reason) {
          if (connection == victim) {
            seen.complete(reason);
          }
        }
      };
      a.swarm().addListener(listener);
      out.printf("A closes %s ...%n", victim.id());
      victim.close();
      CloseReason reason = await(seen, "A's listener hearing " + victim.id() + " close");
      a.swarm().removeListener(listener);
      List<NetConn> left = a.swarm().getConnections(b.peer());
      out.printf("A's listener: connectionClosed(%s, %s); A now holds %d connections to B: %s%n", victim.id(),
          reason.kind(), left.size(), left.stream().map(NetConn::id).collect(Collectors.joining(", ")));
      check(left.size() == 2 && !left.contains(victim), "A should hold the 2 other connections, holds " + left);
      Map<String, Integer> perConnection = echoStreams(a, b, 30);
      out.println("30 new echo streams under round_robin:");
      streamTable(conns, perConnection, "new streams");
      check(!perConnection.containsKey(victim.id()), "a stream went to the closed connection " + victim.id());
    }

    // --- 5 -------------------------------------------------------------------------------------

    private Node sectionRetries(Node a, RetryConfig retry) {
      section("5. Dialing a peer that starts late: retries with backoff");
      Node c = node("C", "round_robin", retry);
      a.swarm().addAddresses(c.peer(), C_ADDRESS);
      List<String> delays = new ArrayList<>();
      for (int i = 0; i < retry.maxRetries(); i++) {
        delays.add(String.valueOf(retry.delayBeforeRetry(i, new SplittableRandom(0)).toMillis()));
      }
      out.printf("retry config: maxRetries=%d, initialDelay=%d ms, multiplier=%.0f, jitter=%.0f"
              + " => waits of %s ms between tries%n", retry.maxRetries(), retry.initialDelay().toMillis(),
          retry.backoffMultiplier(), retry.jitterFactor(), String.join(", ", delays));
      out.printf("C will listen on %s, but only %d ms after A's first failed dial%n", C_ADDRESS,
          C_STARTS_AFTER.toMillis());

      long t0 = System.nanoTime();
      record Line(long nanos, String text) {}
      ConcurrentLinkedQueue<Line> lines = new ConcurrentLinkedQueue<>();
      AtomicInteger dials = new AtomicInteger();
      AtomicInteger failures = new AtomicInteger();
      CompletableFuture<Void> firstFailure = new CompletableFuture<>();
      CompletableFuture<Void> cConnected = new CompletableFuture<>();
      a.transport().watch((address, conn, failure) -> {
        int n = dials.incrementAndGet();
        if (failure != null) {
          failures.incrementAndGet();
          lines.add(new Line(System.nanoTime(), String.format("dial #%d to %s failed: %s", n, address,
              describe(failure))));
          firstFailure.complete(null);
        } else {
          lines.add(new Line(System.nanoTime(), String.format("dial #%d to %s connected: %s", n, address,
              conn.id())));
        }
      });
      NetworkListener listener = new NetworkListener() {
        @Override
        public void peerConnected(PeerId peer) {
          if (peer.equals(c.peer())) {
            lines.add(new Line(System.nanoTime(), "A's listener: peerConnected(C)"));
            cConnected.complete(null);
          }
        }
      };
      a.swarm().addListener(listener);
      CompletableFuture<List<Multiaddr>> cListening = firstFailure.thenComposeAsync(v -> {
        lines.add(new Line(System.nanoTime(), "C starts listening on " + C_ADDRESS));
        return c.swarm().listen(C_ADDRESS);
      }, CompletableFuture.delayedExecutor(C_STARTS_AFTER.toMillis(), TimeUnit.MILLISECONDS));

      List<NetConn> conns;
      try {
        conns = await(a.swarm().dialPeer(c.peer()), "A.dialPeer(C)");
        lines.add(new Line(System.nanoTime(), "A.dialPeer(C) completed with " + conns.size() + " connections"));
        await(cListening, "C listening");
        await(cConnected, "A's listener hearing peerConnected(C)");
      } finally {
        a.transport().watch(null);
        a.swarm().removeListener(listener);
      }
      List<Line> sorted = new ArrayList<>(lines);
      sorted.sort(Comparator.comparingLong(Line::nanos));
      for (Line l : sorted) {
        out.printf("  +%4d ms  %s%n", TimeUnit.NANOSECONDS.toMillis(l.nanos() - t0), l.text());
      }
      out.printf("=> %d failed dials, then %d connections to C (each connection slot retries on its own)%n",
          failures.get(), conns.size());
      check(failures.get() >= 1, "the dial to C should have failed at least once before C listened");
      check(conns.size() == 3, "A should end with 3 connections to C, has " + conns.size());
      return c;
    }

    // --- 6 -------------------------------------------------------------------------------------

    private void sectionViews(Node a, Node b, Node c) {
      section("6. Backward-compatible views (for code written for one connection per peer)");
      Optional<NetConn> one = a.swarm().getConnection(b.peer());
      out.printf("A.getConnection(B)     = %s%n", one.map(NetConn::id).orElse("(none)"));
      out.printf("A.connectionsLegacy()  = %s%n", render(a.swarm().connectionsLegacy(), NetConn::id));
      out.printf("A.getConnectionsMap()  = %s%n", render(a.swarm().getConnectionsMap(),
          l -> l.stream().map(NetConn::id).collect(Collectors.joining(", ", "[", "]"))));
      out.printf("A.getConnections()     = %d connections in all%n", a.swarm().getConnections().size());
      check(one.isPresent(), "A.getConnection(B) should find a connection");
      check(a.swarm().connectionsLegacy().size() == 2, "connectionsLegacy() should have one entry per peer");
      check(a.swarm().getConnectionsMap().get(c.peer()).size() == 3, "A should list 3 connections to C");
      out.println("=> the legacy views show one connection per peer (the oldest open one);");
      out.println("   getConnectionsMap() shows them all");
    }

    // --- helpers -------------------------------------------------------------------------------

    private Node node(String name, String strategy, RetryConfig retry) {
      ObservedTransport[] made = new ObservedTransport[1];
      Swarm swarm = Swarm.builder(TestIdentity.random())
          .connectionConfig(ConnectionConfig.builder().maxConnectionsPerPeer(3)
              .connectionTimeout(Duration.ofSeconds(5)).loadBalancingStrategy(strategy).build())
          .retryConfig(retry)
          .transport(ctx -> made[0] = new ObservedTransport(MemoryTransport.builder(network).context(ctx).build()))
          .build();
      swarm.setStreamHandler(ECHO, Streams.echo());
      Node n = new Node(name, swarm, made[0]);
      nodes.add(n);
      names.put(n.peer(), name);
      out.printf("node %-2s = %s%n", name, shortId(n.peer()));
      return n;
    }

    private <V> String render(Map<PeerId, V> map, Function<V, String> value) {
      return map.entrySet().stream()
          .sorted(Map.Entry.comparingByKey(Comparator.comparing(p -> names.getOrDefault(p, p.toBase58()))))
          .map(e -> names.getOrDefault(e.getKey(), shortId(e.getKey())) + "=" + value.apply(e.getValue()))
          .collect(Collectors.joining(", ", "{", "}"));
    }

    /** Streams per connection of {@code conns}, in their order, closed ones marked. */
    private void streamTable(List<NetConn> conns, Map<String, Integer> perConnection, String what) {
      int total = perConnection.values().stream().mapToInt(Integer::intValue).sum();
      List<List<String>> rows = new ArrayList<>();
      for (NetConn c : conns) {
        int n = perConnection.getOrDefault(c.id(), 0);
        rows.add(List.of(c.id(), c.isOpen() ? "open" : "closed", String.valueOf(n),
            String.format("%.1f%%", total == 0 ? 0.0 : 100.0 * n / total), "#".repeat(Math.round(30f * n / total))));
      }
      for (Map.Entry<String, Integer> e : perConnection.entrySet()) {
        if (conns.stream().noneMatch(c -> c.id().equals(e.getKey()))) {
          rows.add(List.of(e.getKey(), "?", String.valueOf(e.getValue()), "", ""));
        }
      }
      table(List.of("connection", "state", what, "share", ""), rows);
    }

    /** Prints a plain-text table: numbers right-aligned, everything else left-aligned. */
    private void table(List<String> headers, List<List<String>> rows) {
      int[] widths = new int[headers.size()];
      for (int i = 0; i < widths.length; i++) {
        widths[i] = headers.get(i).length();
        for (List<String> r : rows) {
          widths[i] = Math.max(widths[i], r.get(i).length());
        }
      }
      StringBuilder rule = new StringBuilder("  ");
      for (int w : widths) {
        rule.append("-".repeat(w)).append("  ");
      }
      out.println(line(headers, widths, true));
      out.println(rule.toString().stripTrailing());
      for (List<String> r : rows) {
        out.println(line(r, widths, false));
      }
    }

    private static String line(List<String> cells, int[] widths, boolean header) {
      StringBuilder sb = new StringBuilder("  ");
      for (int i = 0; i < cells.size(); i++) {
        String cell = cells.get(i);
        boolean numeric = !header && cell.matches("[0-9.]+%?");
        sb.append(numeric ? pad(cell, widths[i], true) : pad(cell, widths[i], false)).append("  ");
      }
      return sb.toString().stripTrailing();
    }

    private static String pad(String s, int width, boolean right) {
      String space = " ".repeat(Math.max(0, width - s.length()));
      return right ? space + s : s + space;
    }

    private void section(String title) {
      out.println();
      out.println("== " + title + " " + "=".repeat(Math.max(3, 90 - title.length())));
    }

    @Override
    public void close() {
      for (Node n : nodes) {
        n.swarm().close();
      }
      for (Node n : nodes) {
        await(n.swarm().closeFuture(), "closing " + n.name());
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** Reads until exactly {@code n} bytes have arrived; fails at an earlier end of stream. */
  private static CompletableFuture<byte[]> readExactly(NetStream s, int n, ByteArrayOutputStream got) {
    if (got.size() >= n) {
      return CompletableFuture.completedFuture(got.toByteArray());
    }
    return s.read().thenCompose(chunk -> {
      if (!chunk.hasRemaining()) {
        return CompletableFuture.failedFuture(new DemoFailure("stream " + s.id() + " ended after " + got.size()
            + " of " + n + " bytes"));
      }
      byte[] b = new byte[chunk.remaining()];
      chunk.get(b);
      got.write(b, 0, b.length);
      return readExactly(s, n, got);
    });
  }

  private static void check(boolean ok, String whatShouldHold) {
    if (!ok) {
      throw new DemoFailure(whatShouldHold);
    }
  }

  private static <T> T await(CompletableFuture<T> f, String what) {
    try {
      return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new DemoFailure(what + " did not finish within " + WAIT_SECONDS + " s");
    } catch (ExecutionException e) {
      Throwable cause = Streams.unwrap(e.getCause());
      if (cause instanceof DemoFailure d) {
        throw d;
      }
      throw new DemoFailure(what + " failed: " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DemoFailure(what + " was interrupted", e);
    }
  }

  private static String describe(Throwable t) {
    Throwable cause = Streams.unwrap(t);
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  /** A peer id short enough for a table: its first and last six characters. */
  private static String shortId(PeerId peer) {
    String s = peer.toBase58();
    return s.length() <= 16 ? s : s.substring(0, 6) + "..." + s.substring(s.length() - 6);
  }
}
