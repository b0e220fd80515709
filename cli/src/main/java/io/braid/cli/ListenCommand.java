package io.braid.cli;

import io.braid.api.CloseReason;
import io.braid.api.ConnectionConfig;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetworkListener;
import io.braid.api.PeerId;
import io.braid.api.ResourceLimits;
import io.braid.api.StreamHandler;
import io.braid.core.Swarm;
import io.braid.identity.Identity;
import io.braid.protocols.Echo;
import io.braid.protocols.Perf;
import io.braid.transport.tcp.TcpTransport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Serves ping, identify (built into the TCP transport), {@code /echo/1.0.0} and {@code /perf/1.0.0} until
 * interrupted. Prints {@code LISTEN <multiaddr>/p2p/<peer id>} once ready (one line per local interface
 * address when bound to a wildcard address), then one line per connection opened or closed with the count
 * of connections to that peer; when stopped (interrupt, SIGINT, SIGTERM) it drains every connection
 * ({@code --drain-grace}: the remotes are told with Yamux GO_AWAY, streams in flight finish), closes the
 * swarm and prints what it served.
 */
@Command(name = "listen", mixinStandardHelpOptions = true,
    description = "Serve ping, identify, echo and perf on TCP until interrupted.")
final class ListenCommand extends BaseCommand {
  @Mixin
  SecurityOption security = new SecurityOption();

  @Option(names = "--port", paramLabel = "N", defaultValue = "0", description = "TCP port (default: any free port).")
  int port;

  @Option(names = "--host", paramLabel = "IP", defaultValue = "127.0.0.1",
      description = "IP address to bind (default: ${DEFAULT-VALUE}; 0.0.0.0 or :: for every interface,"
          + " printed as one address per interface address).")
  String host;

  @Option(names = "--key", paramLabel = "FILE",
      description = "Private key made by 'braid keygen' (default: a fresh Ed25519 key, so a new peer id).")
  Path key;

  @Option(names = "--max-conns-per-peer", paramLabel = "N", defaultValue = "16",
      description = "Connections accepted from one peer (default: ${DEFAULT-VALUE}).")
  int maxConnsPerPeer;

  @Option(names = "--handshake-timeout", paramLabel = "SECONDS", defaultValue = "10",
      description = "Close an inbound connection that has not finished its handshakes after this many seconds"
          + " (default: ${DEFAULT-VALUE}).")
  int handshakeTimeoutSeconds;

  @Option(names = "--limit", paramLabel = "NAME=VALUE",
      description = "Set a resource limit, e.g. --limit pendingPerIp=4 (repeatable; names as in the README's"
          + " 'Limits and hardening').")
  List<String> limits = new ArrayList<>();

  @Option(names = "--perf-max-download", paramLabel = "SIZE", defaultValue = "16GiB", converter = Sizes.class,
      description = "Largest perf download one stream may ask for (default: ${DEFAULT-VALUE}).")
  long perfMaxDownload;

  @Option(names = "--drain-grace", paramLabel = "SECONDS", defaultValue = "5",
      description = "On Ctrl-C, let streams in flight finish for up to this many seconds before closing"
          + " (0 closes at once; default: ${DEFAULT-VALUE}).")
  int drainGraceSeconds;

  /** Counted down to stop serving; interrupting the thread that runs the command does the same. */
  final CountDownLatch stop = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      throw CliException.usage("--port must be between 0 and 65535, was " + port);
    }
    if (drainGraceSeconds < 0) {
      throw CliException.usage("--drain-grace must be >= 0, was " + drainGraceSeconds);
    }
    Duration drainGrace = Duration.ofSeconds(drainGraceSeconds);
    Identity identity = loadIdentity();
    ConnectionConfig config;
    try {
      config = ConnectionConfig.builder().maxConnectionsPerPeer(maxConnsPerPeer)
          .handshakeTimeout(Duration.ofSeconds(handshakeTimeoutSeconds)).build();
    } catch (IllegalArgumentException e) {
      throw CliException.usage("--handshake-timeout: " + e.getMessage(), e);
    }
    ResourceLimits resourceLimits = resourceLimits(limits);
    Multiaddr address;
    String family = host.contains(":") ? "ip6" : "ip4";
    try {
      address = Multiaddr.fromString("/" + family + "/" + host + "/tcp/" + port);
    } catch (IllegalArgumentException e) {
      throw CliException.usage("--host '" + host + "' is not an IP address: " + e.getMessage(), e);
    }
    PrintWriter out = out();
    Swarm swarm = Swarm.builder(identity).connectionConfig(config).resourceLimits(resourceLimits)
        .transport(security.transport()).build();
    Stats stats = new Stats(System.nanoTime(), drainGrace);
    Thread hook = new Thread(() -> {
      // SIGINT or SIGTERM: the JVM runs this while call() still waits. Ending like a normal stop (exit 0)
      // with the summary, as the user asked for the listener to stop.
      shutdown(swarm, stats, out);
      Runtime.getRuntime().halt(0);
    }, "braid-listen-shutdown");
    try {
      swarm.setStreamHandler(Echo.PROTOCOL, counted(Echo.server(), stats.echo));
      swarm.setStreamHandler(Perf.PROTOCOL, counted(Perf.server(perfMaxDownload), stats.perf));
      // Counted here, from the events themselves, so each line's count matches the lines before it.
      Map<PeerId, Integer> perPeer = new HashMap<>();
      swarm.addListener(new NetworkListener() {
        @Override
        public void connectionOpened(NetConn c) {
          int n;
          synchronized (perPeer) {
            n = perPeer.merge(c.remotePeer(), 1, Integer::sum);
            stats.connections.incrementAndGet();
            stats.peers.add(c.remotePeer());
          }
          log(out, "CONN open  " + c.remotePeer() + " " + c.remoteAddress() + " (" + n + " to this peer)");
        }

        @Override
        public void connectionClosed(NetConn c, CloseReason reason) {
          int n;
          synchronized (perPeer) {
            Integer left = perPeer.merge(c.remotePeer(), -1, Integer::sum);
            n = left == null ? 0 : left;
            if (n <= 0) {
              perPeer.remove(c.remotePeer());
            }
          }
          log(out, "CONN close " + c.remotePeer() + " " + c.remoteAddress() + " " + reason.kind() + " (" + n
              + " to this peer)");
        }
      });
      List<Multiaddr> bound = await(swarm.listen(address), Duration.ofSeconds(30), "listening on " + address);
      Runtime.getRuntime().addShutdownHook(hook);
      // A wildcard address (0.0.0.0, ::) is no address to dial: print one per local interface address.
      for (Multiaddr b : bound) {
        for (Multiaddr a : TcpTransport.interfaceAddresses(b)) {
          log(out, "LISTEN " + a.encapsulate("/p2p/" + identity.peerId()));
        }
      }
      try {
        stop.await();
      } catch (InterruptedException e) {
        // Interrupted (Ctrl-C in a test harness, or a stop): shut down normally.
      }
      return 0;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException | IllegalArgumentException e) {
        // Already shutting down, or never added.
      }
      shutdown(swarm, stats, out);
    }
  }

  /** What the listener served, for the summary it prints when it stops. */
  private static final class Stats {
    final long startNanos;
    final AtomicLong connections = new AtomicLong();
    final Set<PeerId> peers = ConcurrentHashMap.newKeySet();
    final AtomicLong echo = new AtomicLong();
    final AtomicLong perf = new AtomicLong();
    final AtomicBoolean done = new AtomicBoolean();
    final Duration drainGrace;

    Stats(long startNanos, Duration drainGrace) {
      this.startNanos = startNanos;
      this.drainGrace = drainGrace;
    }
  }

  private static StreamHandler counted(StreamHandler handler, AtomicLong count) {
    return stream -> {
      count.incrementAndGet();
      handler.handle(stream);
    };
  }

  /**
   * Drains every connection (at most the drain grace), closes the swarm (waiting at most {@link #CLOSE_WAIT}
   * more) and prints the summary; once, whoever calls first.
   */
  private static void shutdown(Swarm swarm, Stats stats, PrintWriter out) {
    if (!stats.done.compareAndSet(false, true)) {
      return;
    }
    List<NetConn> open = swarm.getConnections();
    int inFlight = open.stream().mapToInt(NetConn::streamCount).sum();
    long drainStart = System.nanoTime();
    if (!open.isEmpty() && !stats.drainGrace.isZero()) {
      log(out, "DRAIN " + open.size() + " connections, " + inFlight + " streams in flight (grace "
          + stats.drainGrace.toSeconds() + " s)");
    }
    swarm.close(stats.drainGrace);
    try {
      swarm.closeFuture().get(stats.drainGrace.plus(CLOSE_WAIT).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Shutting down anyway; the summary says what was served.
    }
    double seconds = (System.nanoTime() - stats.startNanos) / 1e9;
    Map<String, Long> refusals = swarm.resourceUsage().refusals();
    long refused = refusals.values().stream().mapToLong(Long::longValue).sum();
    StringBuilder byLimit = new StringBuilder();
    refusals.forEach((limit, n) -> byLimit.append(byLimit.length() == 0 ? " (" : ", ").append(limit).append(' ')
        .append(n));
    // One write: a connection's close event, printed from another thread, cannot land between the lines.
    log(out, "--- braid listen statistics ---" + System.lineSeparator()
        + String.format(Locale.ROOT, "%d connections from %d peers, %d streams served (echo %d, perf %d), up %.1f s",
        stats.connections.get(), stats.peers.size(), stats.echo.get() + stats.perf.get(), stats.echo.get(),
        stats.perf.get(), seconds) + System.lineSeparator()
        + refused + " refused by limits" + (refused == 0 ? "" : byLimit + ")") + System.lineSeparator()
        + String.format(Locale.ROOT, "drained %d connections with %d streams in flight in %.2f s",
        open.size(), inFlight, (System.nanoTime() - drainStart) / 1e9));
  }

  /** {@code --limit NAME=VALUE} options as resource limits; a usage error names the bad one. */
  static ResourceLimits resourceLimits(List<String> options) {
    ResourceLimits.Builder b = ResourceLimits.builder();
    for (String option : options) {
      int eq = option.indexOf('=');
      String name = eq < 0 ? option : option.substring(0, eq);
      ResourceLimits.Limit limit = null;
      for (ResourceLimits.Limit l : ResourceLimits.Limit.values()) {
        if (l.configName().equals(name)) {
          limit = l;
        }
      }
      if (limit == null || eq < 0) {
        throw CliException.usage("--limit '" + option + "' is not NAME=VALUE with NAME one of "
            + java.util.Arrays.stream(ResourceLimits.Limit.values()).map(ResourceLimits.Limit::configName).toList());
      }
      try {
        b.set(limit, Long.parseLong(option.substring(eq + 1)));
      } catch (IllegalArgumentException e) {
        throw CliException.usage("--limit " + option + ": " + e.getMessage(), e);
      }
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw CliException.usage("--limit: " + e.getMessage(), e);
    }
  }

  /** How long stopping waits for the swarm to close its connections. */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private static void log(PrintWriter out, String line) {
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  private Identity loadIdentity() {
    if (key == null) {
      return Identity.generate();
    }
    byte[] bytes;
    try {
      if (Files.size(key) > 64 * 1024) {
        throw new CliException("key file " + key + " is too large to be a private key");
      }
      bytes = Files.readAllBytes(key);
    } catch (NoSuchFileException e) {
      throw new CliException("key file " + key + " does not exist (make one with 'braid keygen --out " + key + "')");
    } catch (IOException e) {
      throw new CliException("cannot read key file " + key + ": " + e.getMessage(), e);
    }
    try {
      return Identity.fromPrivateKey(bytes);
    } catch (IllegalArgumentException e) {
      throw new CliException("key file " + key + " holds no libp2p private key: " + e.getMessage(), e);
    }
  }
}
