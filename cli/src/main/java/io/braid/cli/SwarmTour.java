package io.braid.cli;

import io.braid.api.CloseReason;
import io.braid.api.ConnectionConfig;
import io.braid.api.DialException;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.NetworkListener;
import io.braid.api.PeerId;
import io.braid.api.RetryConfig;
import io.braid.api.Transport;
import io.braid.api.TransportContext;
import io.braid.core.Swarm;
import io.braid.identity.Identity;
import io.braid.protocols.Echo;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * A tour of the swarm in one process, on whatever transport it is given: three connections to one peer,
 * 300 echo streams under {@code round_robin}, {@code least_loaded} with streams held open, one connection
 * closed, a dial to an address that starts listening late (retries with backoff), and the
 * one-connection-per-peer views kept for older callers; then the connection-set scenes
 * ({@link SelfCareScenes}): keep-N replacing a dropped connection, the {@code ewma} balancer steering around a
 * slow one, and a drain that fails no stream. {@code braid demo} runs it over loopback TCP
 * ({@link DemoCommand}); {@code examples/swarm-demo} runs it on the testkit's in-memory transport.
 *
 * <p>Every step is checked; the first that does not hold ends the tour with a {@link Failure} whose
 * message is one line. Every wait is bounded ({@value TourKit#WAIT_SECONDS} s); the tour never sleeps.
 */
public final class SwarmTour {
  private static final int CONNECTIONS = 3;
  private static final int ROUND_ROBIN_STREAMS = 300;
  /** How long after A starts dialing C the late node starts listening. */
  private static final Duration LATE_START = Duration.ofMillis(300);

  private SwarmTour() {}

  /**
   * The wire the tour runs on.
   *
   * @param description how the first line names the wire, e.g. {@code over TCP (Noise + Yamux on 127.0.0.1)}
   * @param connectionKind how section 1 names the connections, e.g. {@code TCP}
   * @param transport makes each node's transport; the tour wraps it to watch dials
   * @param listenAddress where node B listens (an ephemeral one, such as port 0)
   * @param lateAddress gives the address node C will listen on late, asked once before anyone dials it
   * @param lateAddressNote a few words on that address, e.g. {@code a port reserved and released}
   * @param slowPath makes a path to a listen address whose delay can be raised (for TCP a loopback relay),
   *     or null if the wire has none: the slow-connection scene is then skipped
   */
  public record Wire(String description, String connectionKind, Function<TransportContext, Transport> transport,
      Multiaddr listenAddress, Supplier<Multiaddr> lateAddress, String lateAddressNote,
      Function<Multiaddr, SlowPath> slowPath) {
    public Wire {
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(connectionKind, "connectionKind");
      Objects.requireNonNull(transport, "transport");
      Objects.requireNonNull(listenAddress, "listenAddress");
      Objects.requireNonNull(lateAddress, "lateAddress");
      Objects.requireNonNull(lateAddressNote, "lateAddressNote");
    }

    /** A wire without slow paths. */
    public Wire(String description, String connectionKind, Function<TransportContext, Transport> transport,
        Multiaddr listenAddress, Supplier<Multiaddr> lateAddress, String lateAddressNote) {
      this(description, connectionKind, transport, listenAddress, lateAddress, lateAddressNote, null);
    }
  }

  /** A path to a listener whose one-way delay can be changed: dial {@link #address()} to go through it. */
  public interface SlowPath extends AutoCloseable {
    /** The address to dial instead of the listener's own. */
    Multiaddr address();

    /** Holds each direction back by {@code oneWay} from now on. */
    void delay(Duration oneWay);

    /** Closes the path and every connection through it. */
    @Override
    void close();
  }

  /** A step of the tour did not hold or did not finish in time; the message says which, in one line. */
  public static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failure(String message) {
      super(message);
    }

    Failure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Runs every section on {@code wire}, printing tables to {@code out}, and closes every swarm it made.
   *
   * @return the checked figures, for {@code braid demo --json}
   * @throws Failure if a step does not hold or does not finish in time
   */
  public static Map<String, Object> run(Wire wire, PrintWriter out) {
    Objects.requireNonNull(wire, "wire");
    Objects.requireNonNull(out, "out");
    Map<String, Object> result = new LinkedHashMap<>();
    try (Tour tour = new Tour(wire, out, result)) {
      tour.run();
    } finally {
      out.flush();
    }
    return result;
  }

  /** One swarm with its observed transport and a display name. */
  private record Node(String name, Swarm swarm, ObservedTransport transport) {
    PeerId peer() {
      return swarm.localPeer();
    }
  }

  /** The tour's state: the nodes it made, closed at the end. */
  private static final class Tour implements AutoCloseable {
    private final Wire wire;
    private final PrintWriter out;
    private final Map<String, Object> result;
    private final List<Node> nodes = new ArrayList<>();
    private final Map<PeerId, String> names = new ConcurrentHashMap<>();

    Tour(Wire wire, PrintWriter out, Map<String, Object> result) {
      this.wire = wire;
      this.out = out;
      this.result = result;
    }

    void run() {
      long start = System.nanoTime();
      out.println("Braid swarm demo " + wire.description() + ", several connections per peer");
      RetryConfig retry = RetryConfig.builder().maxRetries(6).initialDelay(Duration.ofMillis(50))
          .backoffMultiplier(2).maxDelay(Duration.ofSeconds(1)).jitterFactor(0).build();
      Node a = node("A", "round_robin", retry);
      Node b = node("B", "round_robin", retry);
      Multiaddr bAddress = await(b.swarm().listen(wire.listenAddress()), "B listening").get(0);

      List<NetConn> conns = sectionDial(a, b, bAddress);
      sectionRoundRobin(a, b, conns);
      sectionLeastLoaded(b, bAddress, retry);
      sectionCloseOne(a, b, conns);
      Node c = sectionRetries(a, retry);
      sectionViews(a, b, c);
      int next = new SelfCareScenes(stage(), 7).run(wire.listenAddress());

      section(next + ". Shutting down");
      close();
      out.printf("all swarms closed; connection slots still in use: %d%n",
          nodes.stream().mapToInt(n -> n.swarm().connectionSlotsInUse()).sum());
      result.put("ms", millisSince(start));
      out.printf("%nDone in %d ms.%n", millisSince(start));
    }

    // --- 1 -------------------------------------------------------------------------------------

    private List<NetConn> sectionDial(Node a, Node b, Multiaddr bAddress) {
      section("1. One address, three " + wire.connectionKind() + " connections");
      out.printf("B listens on %s and serves %s%n", bAddress, Echo.PROTOCOL);
      a.swarm().addAddresses(b.peer(), bAddress);
      out.printf("A.dialPeer(B) with maxConnectionsPerPeer=%d ...%n",
          a.swarm().connectionConfig().maxConnectionsPerPeer());
      // B admits inbound connections on its own threads, possibly after A's dial completed.
      CompletableFuture<Void> bHasAll = countOpened(b, a.peer(), CONNECTIONS);
      long t0 = System.nanoTime();
      List<NetConn> conns = await(a.swarm().dialPeer(b.peer()), "A.dialPeer(B)");
      out.printf("... done in %d ms: %d connections%n", millisSince(t0), conns.size());
      await(bHasAll, "B admitting A's connections");
      List<List<String>> rows = new ArrayList<>();
      int i = 1;
      for (NetConn c : conns) {
        rows.add(List.of(String.valueOf(i++), c.id(), c.direction().toString(), c.localAddress().toString(),
            c.remoteAddress().toString()));
      }
      table(List.of("#", "connection", "direction", "local address", "remote address"), rows);
      long distinctRemotes = conns.stream().map(NetConn::remoteAddress).distinct().count();
      check(conns.size() == CONNECTIONS, "A should hold " + CONNECTIONS + " connections to B, holds " + conns.size());
      check(distinctRemotes == 1, "the connections should share B's one address, saw " + distinctRemotes);
      int onB = b.swarm().getConnections(a.peer()).size();
      check(onB == CONNECTIONS, "B should see " + CONNECTIONS + " connections from A, sees " + onB);
      out.printf("=> one address, %d connections (B sees %d)%n", conns.size(), onB);
      result.put("connections", conns.stream().map(NetConn::id).toList());
      return conns;
    }

    /** Completes once {@code node} has admitted {@code n} connections from {@code from}. */
    private CompletableFuture<Void> countOpened(Node node, PeerId from, int n) {
      AtomicInteger seen = new AtomicInteger();
      CompletableFuture<Void> done = new CompletableFuture<>();
      NetworkListener l = new NetworkListener() {
        @Override
        public void connectionOpened(NetConn connection) {
          if (connection.remotePeer().equals(from) && seen.incrementAndGet() == n) {
            done.complete(null);
          }
        }
      };
      node.swarm().addListener(l);
      done.whenComplete((v, e) -> node.swarm().removeListener(l));
      return done;
    }

    // --- 2 -------------------------------------------------------------------------------------

    private void sectionRoundRobin(Node a, Node b, List<NetConn> conns) {
      section("2. " + ROUND_ROBIN_STREAMS + " echo streams under round_robin");
      out.printf("balancer: %s; each stream writes a few bytes, reads the echo back, checks it, closes%n",
          a.swarm().connectionConfig().loadBalancingStrategy());
      long t0 = System.nanoTime();
      Map<String, Integer> perConnection = echoStreams(a, b, ROUND_ROBIN_STREAMS);
      out.printf("%d streams echoed and verified in %d ms%n", ROUND_ROBIN_STREAMS, millisSince(t0));
      streamTable(conns, perConnection, "streams");
      result.put("round_robin", ordered(conns, perConnection));
      int even = ROUND_ROBIN_STREAMS / conns.size();
      for (NetConn c : conns) {
        int n = perConnection.getOrDefault(c.id(), 0);
        check(n == even, "round_robin should put " + even + " streams on " + c.id() + ", put " + n);
      }
    }

    /** Opens {@code count} echo streams to {@code b} at once; counts them by connection. */
    private Map<String, Integer> echoStreams(Node a, Node b, int count) {
      Map<String, Integer> perConnection = new ConcurrentHashMap<>();
      List<CompletableFuture<?>> all = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        byte[] payload = ("hello #" + i).getBytes(StandardCharsets.UTF_8);
        all.add(a.swarm().newStream(b.peer(), Echo.PROTOCOL).thenCompose(stream -> {
          perConnection.merge(stream.connection().id(), 1, Integer::sum);
          return Echo.client(stream, payload);
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
      check(conns.size() == CONNECTIONS, "A2 should hold " + CONNECTIONS + " connections to B, holds " + conns.size());
      out.printf("A2 (balancer: %s) dials B the same way: %d connections%n",
          a2.swarm().connectionConfig().loadBalancingStrategy(),
          conns.size());
      List<NetStream> held = new ArrayList<>();
      int pinned = 30;
      NetConn busy = conns.get(0);
      out.printf("A2 pins %d streams on %s directly (NetConn.newStream, no balancer) and keeps them open%n",
          pinned, busy.id());
      for (int i = 0; i < pinned; i++) {
        held.add(await(heldEcho(busy.newStream(Echo.PROTOCOL), "pinned #" + i), "pinned stream " + i));
      }
      int placed = 60;
      out.printf("then A2.newStream(B) %d times, one after another, keeping every stream open:%n", placed);
      Map<String, Integer> perConnection = new ConcurrentHashMap<>();
      for (int i = 0; i < placed; i++) {
        NetStream s = await(heldEcho(a2.swarm().newStream(b.peer(), Echo.PROTOCOL), "held #" + i),
            "held stream " + i);
        held.add(s);
        perConnection.merge(s.connection().id(), 1, Integer::sum);
      }
      List<List<String>> rows = new ArrayList<>();
      for (NetConn c : conns) {
        rows.add(List.of(c.id(), String.valueOf(c == busy ? pinned : 0),
            String.valueOf(perConnection.getOrDefault(c.id(), 0)), String.valueOf(c.streamCount())));
      }
      table(List.of("connection", "pinned", "placed by least_loaded", "open now"), rows);
      Map<String, Object> ll = new LinkedHashMap<>();
      ll.put("pinned", Map.of(busy.id(), pinned));
      ll.put("placed", ordered(conns, perConnection));
      result.put("least_loaded", ll);
      // 90 streams over 3 connections with 30 already on one: even load means 30 each, none on the busy one.
      int onBusy = perConnection.getOrDefault(busy.id(), 0);
      int evenLoad = (pinned + placed) / conns.size();
      check(onBusy <= 1, "least_loaded should avoid the busy connection " + busy.id() + ", put " + onBusy + " there");
      for (NetConn c : conns) {
        check(Math.abs(c.streamCount() - evenLoad) <= 1,
            "least_loaded should even the load to about " + evenLoad + " per connection, " + c.id() + " has "
                + c.streamCount());
      }
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

    /** Once {@code opening} yields a stream: writes {@code text}, reads its echo, leaves the stream open. */
    private CompletableFuture<NetStream> heldEcho(CompletableFuture<NetStream> opening, String text) {
      byte[] payload = text.getBytes(StandardCharsets.UTF_8);
      return opening.thenCompose(s -> s.write(ByteBuffer.wrap(payload))
          .thenCompose(v -> readExactly(s, payload.length, ByteBuffer.allocate(payload.length)))
          .thenApply(echoed -> {
            if (!echoed.equals(ByteBuffer.wrap(payload))) {
              s.reset();
              throw new Failure("held stream " + s.id() + " echoed the wrong bytes");
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
      CloseReason reason;
      try {
        reason = await(seen, "A's listener hearing " + victim.id() + " close");
      } finally {
        a.swarm().removeListener(listener);
      }
      List<NetConn> left = a.swarm().getConnections(b.peer());
      out.printf("A's listener: connectionClosed(%s, %s); A now holds %d connections to B: %s%n", victim.id(),
          reason.kind(), left.size(), left.stream().map(NetConn::id).collect(Collectors.joining(", ")));
      check(left.size() == CONNECTIONS - 1 && !left.contains(victim),
          "A should hold the " + (CONNECTIONS - 1) + " other connections, holds " + left);
      int count = 30;
      Map<String, Integer> perConnection = echoStreams(a, b, count);
      out.printf("%d new echo streams under round_robin:%n", count);
      streamTable(conns, perConnection, "new streams");
      Map<String, Object> after = new LinkedHashMap<>();
      after.put("closed", victim.id());
      after.put("new_streams", ordered(conns, perConnection));
      result.put("after_close", after);
      check(!perConnection.containsKey(victim.id()), "a stream went to the closed connection " + victim.id());
      for (NetConn c : left) {
        check(perConnection.getOrDefault(c.id(), 0) == count / left.size(),
            "round_robin should put " + count / left.size() + " new streams on " + c.id() + ", put "
                + perConnection.getOrDefault(c.id(), 0));
      }
    }

    // --- 5 -------------------------------------------------------------------------------------

    private Node sectionRetries(Node a, RetryConfig retry) {
      section("5. Dialing a port that starts listening late: retries with backoff");
      Node c = node("C", "round_robin", retry);
      Multiaddr cAddress = wire.lateAddress().get();
      a.swarm().addAddresses(c.peer(), cAddress);
      List<String> delays = new ArrayList<>();
      for (int i = 0; i < retry.maxRetries(); i++) {
        delays.add(String.valueOf(retry.delayBeforeRetry(i, new SplittableRandom(0)).toMillis()));
      }
      out.printf("retry config: maxRetries=%d, initialDelay=%d ms, multiplier=%.0f, jitter=%.0f"
              + " => waits of %s ms between tries%n", retry.maxRetries(), retry.initialDelay().toMillis(),
          retry.backoffMultiplier(), retry.jitterFactor(), String.join(", ", delays));
      out.printf("C will listen on %s (%s), but only %d ms after A starts dialing%n",
          cAddress, wire.lateAddressNote(), LATE_START.toMillis());

      long t0 = System.nanoTime();
      record Line(long nanos, String text) {}
      ConcurrentLinkedQueue<Line> lines = new ConcurrentLinkedQueue<>();
      AtomicInteger dials = new AtomicInteger();
      AtomicInteger failures = new AtomicInteger();
      CompletableFuture<Void> cConnected = new CompletableFuture<>();
      a.transport().watch((address, conn, failure) -> {
        int n = dials.incrementAndGet();
        if (failure != null) {
          failures.incrementAndGet();
          lines.add(new Line(System.nanoTime(),
              String.format("dial #%d to %s failed: %s", n, address, shortFailure(failure))));
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
      CompletableFuture<List<Multiaddr>> cListening = CompletableFuture.supplyAsync(() -> null,
              CompletableFuture.delayedExecutor(LATE_START.toMillis(), TimeUnit.MILLISECONDS))
          .thenCompose(v -> {
            lines.add(new Line(System.nanoTime(), "C starts listening on " + cAddress));
            return c.swarm().listen(cAddress);
          });
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
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("address", cAddress.toString());
      r.put("failed_dials", failures.get());
      r.put("connections", conns.size());
      r.put("ms", TimeUnit.NANOSECONDS.toMillis(sorted.get(sorted.size() - 1).nanos() - t0));
      result.put("retries", r);
      check(failures.get() >= 1, "the dial to C should have failed at least once before C listened");
      check(conns.size() == CONNECTIONS, "A should end with " + CONNECTIONS + " connections to C, has "
          + conns.size());
      return c;
    }

    /** A refused TCP connect in a few words (Netty's message is long); anything else in full. */
    private static String shortFailure(Throwable failure) {
      Throwable root = failure;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      if (root instanceof ConnectException && String.valueOf(root.getMessage()).contains("refused")) {
        return "connection refused (" + failure.getClass().getSimpleName()
            + (DialException.isRetryable(failure) ? ", retryable)" : ", not retryable)");
      }
      return Braid.describe(failure);
    }

    // --- 6 -------------------------------------------------------------------------------------

    private void sectionViews(Node a, Node b, Node c) {
      section("6. Backward-compatible views (for code written for one connection per peer)");
      Optional<NetConn> one = a.swarm().getConnection(b.peer());
      Map<PeerId, NetConn> legacy = a.swarm().connectionsLegacy();
      Map<PeerId, List<NetConn>> all = a.swarm().getConnectionsMap();
      out.printf("A.getConnection(B)     = %s%n", one.map(NetConn::id).orElse("(none)"));
      out.printf("A.connectionsLegacy()  = %s%n", render(legacy, NetConn::id));
      out.printf("A.getConnectionsMap()  = %s%n", render(all,
          l -> l.stream().map(NetConn::id).collect(Collectors.joining(", ", "[", "]"))));
      out.printf("A.getConnections()     = %d connections in all%n", a.swarm().getConnections().size());
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("getConnection_B", one.map(NetConn::id).orElse(null));
      v.put("connectionsLegacy", legacy.size());
      v.put("getConnectionsMap", all.values().stream().mapToInt(List::size).sum());
      result.put("views", v);
      check(one.isPresent(), "A.getConnection(B) should find a connection");
      check(legacy.size() == 2, "connectionsLegacy() should have one entry per peer (2), has " + legacy.size());
      check(all.getOrDefault(c.peer(), List.of()).size() == CONNECTIONS,
          "A should list " + CONNECTIONS + " connections to C");
      check(all.getOrDefault(b.peer(), List.of()).size() == CONNECTIONS - 1,
          "A should list " + (CONNECTIONS - 1) + " connections to B");
      out.println("=> the legacy views show one connection per peer (the oldest open one);");
      out.println("   getConnectionsMap() shows them all");
    }

    // --- helpers -------------------------------------------------------------------------------

    private Node node(String name, String strategy, RetryConfig retry) {
      return node(name, strategy, retry, UnaryOperator.identity());
    }

    private Node node(String name, String strategy, RetryConfig retry, UnaryOperator<ConnectionConfig.Builder> more) {
      ObservedTransport[] made = new ObservedTransport[1];
      Swarm swarm;
      try {
        swarm = Swarm.builder(Identity.generate())
            .connectionConfig(more.apply(ConnectionConfig.builder().maxConnectionsPerPeer(CONNECTIONS)
                .connectionTimeout(Duration.ofSeconds(5)).loadBalancingStrategy(strategy)).build())
            .retryConfig(retry)
            .transport(ctx -> made[0] = new ObservedTransport(wire.transport().apply(ctx)))
            .build();
      } catch (IllegalArgumentException e) {
        // No such balancer on the class path: the message lists the known ones.
        throw new Failure(e.getMessage(), e);
      }
      swarm.setStreamHandler(Echo.PROTOCOL, Echo.server());
      Node n = new Node(name, swarm, made[0]);
      nodes.add(n);
      names.put(n.peer(), name);
      out.printf("node %-2s = %s%n", name, n.peer());
      return n;
    }

    /** The tour as the connection-set scenes see it. */
    private SelfCareScenes.Stage stage() {
      RetryConfig retry = RetryConfig.builder().maxRetries(6).initialDelay(Duration.ofMillis(50))
          .backoffMultiplier(2).maxDelay(Duration.ofSeconds(1)).jitterFactor(0).build();
      return new SelfCareScenes.Stage() {
        @Override
        public Swarm node(String name, UnaryOperator<ConnectionConfig.Builder> config) {
          return Tour.this.node(name, "round_robin", retry, config).swarm();
        }

        @Override
        public PrintWriter out() {
          return out;
        }

        @Override
        public Map<String, Object> result() {
          return result;
        }

        @Override
        public void section(String title) {
          Tour.this.section(title);
        }

        @Override
        public void table(List<String> headers, List<List<String>> rows) {
          Tour.this.table(headers, rows);
        }

        @Override
        public SlowPath slowPath(Multiaddr target) {
          return wire.slowPath() == null ? null : wire.slowPath().apply(target);
        }
      };
    }

    private <V> String render(Map<PeerId, V> map, Function<V, String> value) {
      return map.entrySet().stream()
          .sorted(Map.Entry.comparingByKey(Comparator.comparing(p -> names.getOrDefault(p, p.toBase58()))))
          .map(e -> names.getOrDefault(e.getKey(), e.getKey().toBase58()) + "=" + value.apply(e.getValue()))
          .collect(Collectors.joining(", ", "{", "}"));
    }

    /** Streams per connection, in the order of {@code conns}, for the JSON result. */
    private static Map<String, Object> ordered(List<NetConn> conns, Map<String, Integer> perConnection) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (NetConn c : conns) {
        m.put(c.id(), perConnection.getOrDefault(c.id(), 0));
      }
      return m;
    }

    /** Streams per connection of {@code conns}, in their order, closed ones marked. */
    private void streamTable(List<NetConn> conns, Map<String, Integer> perConnection, String what) {
      int total = perConnection.values().stream().mapToInt(Integer::intValue).sum();
      List<List<String>> rows = new ArrayList<>();
      for (NetConn c : conns) {
        int n = perConnection.getOrDefault(c.id(), 0);
        rows.add(List.of(c.id(), c.isOpen() ? "open" : "closed", String.valueOf(n),
            String.format("%.1f%%", total == 0 ? 0.0 : 100.0 * n / total),
            "#".repeat(total == 0 ? 0 : Math.round(30f * n / total))));
      }
      for (Map.Entry<String, Integer> e : perConnection.entrySet()) {
        if (conns.stream().noneMatch(c -> c.id().equals(e.getKey()))) {
          rows.add(List.of(e.getKey(), "?", String.valueOf(e.getValue()), "", ""));
        }
      }
      table(List.of("connection", "state", what, "share", ""), rows);
    }

    private void table(List<String> headers, List<List<String>> rows) {
      TourKit.table(out, headers, rows);
    }

    private void section(String title) {
      TourKit.section(out, title);
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

  private static CompletableFuture<ByteBuffer> readExactly(NetStream s, int n, ByteBuffer into) {
    return TourKit.readExactly(s, n, into);
  }

  private static void check(boolean ok, String whatShouldHold) {
    TourKit.check(ok, whatShouldHold);
  }

  private static <T> T await(CompletableFuture<T> f, String what) {
    return TourKit.await(f, what);
  }

  private static long millisSince(long startNanos) {
    return TourKit.millisSince(startNanos);
  }
}
