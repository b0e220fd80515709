package examples.braid;

import io.braid.api.ConnectionConfig;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.PeerId;
import io.braid.api.RetryConfig;
import io.braid.core.Swarm;
import io.braid.identity.Identity;
import io.braid.protocols.Echo;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * py-libp2p's "multiple connections per peer" documentation example, as a Java program that really dials:
 * each section starts a listener swarm and a dialer swarm on 127.0.0.1 (port 0, TCP + Noise + Yamux),
 * dials the listener with {@code dialPeer}, shows the connection views ({@code getConnections},
 * {@code getConnectionsMap}, {@code getConnection}, {@code connectionsLegacy}), then opens echo streams
 * and prints which connection each one went to.
 *
 * <p>Sections: {@code default} ({@link ConnectionConfig#defaults()}, 3 connections, round_robin),
 * {@code custom} (5 connections, 10 s connection timeout, least_loaded) and {@code production} (a custom
 * connection config plus a {@link RetryConfig}). {@code java -jar multiple-connections.jar [section|all]};
 * exit 0 on success, 1 on failure, 2 on an unknown section.
 *
 * <p>Every wait is bounded ({@value #WAIT_SECONDS} s); the program never sleeps.
 */
public final class MultipleConnections {
  private static final long WAIT_SECONDS = 20;
  private static final Multiaddr LOOPBACK_ANY_PORT = Multiaddr.fromString("/ip4/127.0.0.1/tcp/0");
  /** Bytes echoed on each stream: enough to be a real exchange, small enough to be quick. */
  private static final long ECHO_BYTES = 64 * 1024;

  /** One section of the example: its name, the configs both swarms use, and how many streams it opens. */
  public enum Section {
    DEFAULT(ConnectionConfig.defaults(), RetryConfig.defaults()),
    CUSTOM(ConnectionConfig.builder()
        .maxConnectionsPerPeer(5)
        .connectionTimeout(Duration.ofSeconds(10))
        .loadBalancingStrategy("least_loaded")
        .build(), RetryConfig.defaults()),
    PRODUCTION(ConnectionConfig.builder()
        .maxConnectionsPerPeer(3)
        .connectionTimeout(Duration.ofSeconds(30))
        .loadBalancingStrategy("round_robin")
        .build(),
        RetryConfig.builder()
            .maxRetries(3)
            .initialDelay(Duration.ofMillis(100))
            .maxDelay(Duration.ofSeconds(30))
            .backoffMultiplier(2.0)
            .jitterFactor(0.1)
            .build());

    final ConnectionConfig connectionConfig;
    final RetryConfig retryConfig;

    Section(ConnectionConfig connectionConfig, RetryConfig retryConfig) {
      this.connectionConfig = connectionConfig;
      this.retryConfig = retryConfig;
    }

    /** The name used on the command line: {@code default}, {@code custom}, {@code production}. */
    public String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Streams opened: two per connection, so a balancer that spreads them shows it. */
    int streams() {
      return 2 * connectionConfig.maxConnectionsPerPeer();
    }
  }

  private MultipleConnections() {}

  public static void main(String[] args) {
    System.exit(run(System.out, args));
  }

  /**
   * Runs the sections named in {@code args} ({@code default}, {@code custom}, {@code production}, or
   * {@code all}, the default) and prints what happens on {@code out}.
   *
   * @return 0 on success, 1 if a section failed (the cause is printed), 2 on an unknown section name
   */
  public static int run(PrintStream out, String... args) {
    List<Section> sections = new ArrayList<>();
    if (args.length == 0) {
      sections.addAll(List.of(Section.values()));
    }
    for (String arg : args) {
      if (arg.equals("all")) {
        sections.addAll(List.of(Section.values()));
        continue;
      }
      Optional<Section> s = List.of(Section.values()).stream().filter(x -> x.cliName().equals(arg)).findFirst();
      if (s.isEmpty()) {
        out.println("unknown section '" + arg + "'; use default, custom, production or all");
        return 2;
      }
      sections.add(s.get());
    }
    for (Section section : sections) {
      try {
        runSection(section, out);
      } catch (Exception e) {
        out.println("FAILED " + section.cliName() + ": " + e);
        return 1;
      }
    }
    return 0;
  }

  /** One section, start to end: both swarms are closed when it returns, also on failure. */
  static void runSection(Section section, PrintStream out) throws Exception {
    out.println("== " + section.cliName() + " config ==");
    out.println("connection config: " + section.connectionConfig);
    out.println("retry config:      " + section.retryConfig);

    Swarm listener = Swarm.builder(Identity.generate())
        .connectionConfig(section.connectionConfig)
        .retryConfig(section.retryConfig)
        .build();
    Swarm dialer = Swarm.builder(Identity.generate())
        .connectionConfig(section.connectionConfig)
        .retryConfig(section.retryConfig)
        .build();
    try {
      listener.setStreamHandler(Echo.PROTOCOL, Echo.server());
      List<Multiaddr> addresses = await(listener.listen(LOOPBACK_ANY_PORT));
      PeerId peer = listener.localPeer();
      out.println("listener " + peer + " on " + addresses);

      // py-libp2p: network.dial_peer(peer_id) -> list of connections
      dialer.addAddresses(peer, addresses.toArray(Multiaddr[]::new));
      List<NetConn> dialed = await(dialer.dialPeer(peer));
      out.println("dial_peer -> " + dialed.size() + " connections");
      for (NetConn c : dialed) {
        out.println("  connection " + c.id() + " " + c.localAddress() + " -> " + c.remoteAddress());
      }

      // get_connections(peer_id), get_connections_map(), get_connection(peer_id), connections_legacy
      out.println("getConnections(peer) -> " + dialer.getConnections(peer).size() + " connections");
      Map<PeerId, List<NetConn>> map = dialer.getConnectionsMap();
      map.forEach((p, conns) -> out.println("getConnectionsMap() -> " + p + ": " + conns.size() + " connections"));
      out.println("getConnection(peer) -> " + dialer.getConnection(peer).map(NetConn::id).orElse("none"));
      dialer.connectionsLegacy().forEach((p, c) -> out.println("connectionsLegacy() -> " + p + ": " + c.id()));

      // Identify runs on every new connection (both ways) and its streams count as load: wait until they
      // are done, so that least_loaded starts from an idle table and the figures below are the user's.
      awaitIdle(dialed);

      // Streams: all opened first (and kept open), so least_loaded sees the load of the ones before.
      List<NetStream> streams = new ArrayList<>();
      Map<String, Integer> perConnection = new LinkedHashMap<>();
      for (NetConn c : dialed) {
        perConnection.put(c.id(), 0);
      }
      for (int i = 0; i < section.streams(); i++) {
        NetStream s = await(dialer.newStream(peer, Echo.PROTOCOL));
        streams.add(s);
        perConnection.merge(s.connection().id(), 1, Integer::sum);
        out.println("stream " + i + " -> connection " + s.connection().id());
      }
      List<CompletableFuture<Echo.EchoResult>> echoes = new ArrayList<>();
      for (NetStream s : streams) {
        echoes.add(Echo.client(s, ECHO_BYTES));
      }
      long echoed = 0;
      for (CompletableFuture<Echo.EchoResult> e : echoes) {
        echoed += await(e).bytes();
      }
      out.println("echoed " + echoed + " bytes on " + streams.size() + " streams");
      long used = perConnection.values().stream().filter(n -> n > 0).count();
      out.println("streams per connection: " + perConnection.values() + " (" + used + " of "
          + dialed.size() + " connections used)");
    } finally {
      dialer.close();
      listener.close();
      awaitQuietly(dialer.closeFuture());
      awaitQuietly(listener.closeFuture());
    }
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    try {
      return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static void awaitQuietly(CompletableFuture<?> f) {
    try {
      f.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // closing is best effort here: the section's result is already printed
    }
  }

  /** Waits, at most 10 s, until no connection in {@code connections} carries a stream. */
  private static void awaitIdle(List<NetConn> connections) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (connections.stream().anyMatch(c -> c.isOpen() && c.streamCount() > 0)) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("identify streams still open after 10 s on " + connections);
      }
      Thread.sleep(5);
    }
  }
}
