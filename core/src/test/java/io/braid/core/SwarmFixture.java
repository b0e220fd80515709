package io.braid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.braid.api.ConnectionConfig;
import io.braid.api.HostIdentity;
import io.braid.api.Multiaddr;
import io.braid.api.RetryConfig;
import io.braid.api.TransportContext;
import io.braid.testkit.FakeClock;
import io.braid.testkit.MemoryNetwork;
import io.braid.testkit.MemoryTransport;
import io.braid.testkit.RecordingNetworkListener;
import io.braid.testkit.Streams;
import io.braid.testkit.TestIdentity;
import io.braid.testkit.TestStreamRouter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Swarms on one {@link MemoryNetwork} with one {@link FakeClock}, direct executors everywhere, so most
 * tests run start to end on the test thread. {@link #close()} closes everything and checks nothing leaked.
 */
final class SwarmFixture implements AutoCloseable {
  static final String ECHO = "/braid/test/echo/1.0.0";
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  static final Multiaddr ANY = Multiaddr.fromString("/memory/0");

  final FakeClock clock = new FakeClock();
  final MemoryNetwork memory = new MemoryNetwork();
  private final List<Node> nodes = new CopyOnWriteArrayList<>();
  private final List<MemoryTransport> raw = new CopyOnWriteArrayList<>();
  private final List<ManualExecutor> manual = new CopyOnWriteArrayList<>();

  /** Runs every task queued on the manual executors of this fixture's transports until none is left. */
  void drainAll() {
    boolean more = true;
    for (int round = 0; more && round < 1000; round++) {
      more = false;
      for (ManualExecutor m : manual) {
        if (m.size() > 0) {
          assertTrue(m.drain(), "a manual executor kept queueing tasks");
          more = true;
        }
      }
    }
  }

  /** A swarm, its transport, its address and a recording listener. */
  record Node(HostIdentity identity, Swarm swarm, MemoryTransport transport, Multiaddr address,
      RecordingNetworkListener events) {
    io.braid.api.PeerId peer() {
      return identity.peerId();
    }
  }

  static ConnectionConfig config(int perPeer) {
    return ConnectionConfig.builder().maxConnectionsPerPeer(perPeer).connectionTimeout(Duration.ofSeconds(5)).build();
  }

  static RetryConfig noJitter(int maxRetries) {
    return RetryConfig.builder().maxRetries(maxRetries).initialDelay(Duration.ofMillis(100))
        .maxDelay(Duration.ofSeconds(1)).jitterFactor(0).build();
  }

  Node node() {
    return node(TestIdentity.random(), b -> b);
  }

  Node node(ConnectionConfig config) {
    return node(TestIdentity.random(), b -> b.connectionConfig(config));
  }

  /** A listening swarm serving {@link #ECHO}; {@code custom} may change the builder's defaults. */
  Node node(HostIdentity identity, UnaryOperator<Swarm.Builder> custom) {
    return node(identity, custom, Runnable::run);
  }

  /**
   * A listening swarm whose transport runs its callbacks on {@code transportExecutor}; a
   * {@link ManualExecutor} is drained by the fixture while it waits for the swarm to listen and to close.
   */
  Node node(HostIdentity identity, UnaryOperator<Swarm.Builder> custom, java.util.concurrent.Executor transportExecutor) {
    if (transportExecutor instanceof ManualExecutor m) {
      manual.add(m);
    }
    AtomicReference<MemoryTransport> made = new AtomicReference<>();
    Swarm.Builder b = Swarm.builder(identity)
        .connectionConfig(config(3))
        .retryConfig(noJitter(3))
        .scheduler(clock.scheduler())
        .nanoTime(clock::nanoTime)
        .executor(Runnable::run)
        .transport(ctx -> {
          MemoryTransport t = MemoryTransport.builder(memory).context(ctx).executor(transportExecutor)
              .scheduler(clock.scheduler()).nanoTime(clock::nanoTime).build();
          made.set(t);
          return t;
        });
    Swarm swarm = custom.apply(b).build();
    RecordingNetworkListener events = new RecordingNetworkListener();
    swarm.addListener(events);
    swarm.setStreamHandler(ECHO, Streams.echo());
    CompletableFuture<List<Multiaddr>> listening = swarm.listen(ANY);
    drainAll();
    Multiaddr addr = await(listening, "listen").get(0);
    Node n = new Node(identity, swarm, made.get(), addr, events);
    nodes.add(n);
    return n;
  }

  static void introduce(Node from, Node to) {
    from.swarm().addAddresses(to.peer(), to.address());
  }

  /** A bare memory transport for {@code identity}, serving {@link #ECHO}, closed with the fixture. */
  MemoryTransport rawTransport(HostIdentity identity, Duration handshakeTimeout) {
    MemoryTransport t = MemoryTransport.builder(memory)
        .context(new TransportContext(identity, new TestStreamRouter().register(ECHO, Streams.echo()),
            handshakeTimeout))
        .executor(Runnable::run).scheduler(clock.scheduler()).build();
    raw.add(t);
    return t;
  }

  /** Slots in use must equal the open connections, with no handshake pending. */
  static void assertSlotsMatchConnections(Node n) {
    assertEquals(n.swarm().getConnections().size(), n.swarm().connectionSlotsInUse(),
        "slots in use vs open connections of " + n.peer());
    assertEquals(0, n.swarm().pendingHandshakes(), "pending handshakes of " + n.peer());
  }

  @Override
  public void close() {
    for (Node n : nodes) {
      n.swarm().close();
    }
    raw.forEach(MemoryTransport::close);
    drainAll();
    for (Node n : nodes) {
      await(n.swarm().closeFuture(), "closeFuture");
      assertEquals(0, n.swarm().connectionSlotsInUse(), "slots leaked by " + n.swarm());
      assertEquals(0, n.swarm().pendingHandshakes(), "handshakes leaked by " + n.swarm());
      assertEquals(0, n.swarm().trackedPeers(), "peer records leaked by " + n.swarm());
      assertEquals(0, n.transport().openConnectionCount(), "connections leaked");
      assertEquals(0, n.transport().pendingHandshakeCount(), "transport handshakes leaked");
    }
    assertEquals(0, clock.pendingTaskCount(), "timers leaked: " + clock.pendingTasks());
  }

  /**
   * The clock's pending timers other than the health monitor's keep-alive tickers and ping timeouts
   * (each open connection has one ticker while it lives, issue 14).
   */
  List<io.braid.testkit.FakeClock.ScheduledTask<?>> timersBesidesKeepAlive() {
    return clock.pendingTasks().stream()
        .filter(t -> !String.valueOf(t.command()).contains("HealthMonitor"))
        .collect(java.util.stream.Collectors.toList());
  }

  static <T> T await(CompletableFuture<T> f, String what) {
    try {
      return f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return fail(what + " did not complete within " + TIMEOUT);
    } catch (ExecutionException e) {
      return fail(what + " failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }

  static Throwable awaitFailure(CompletableFuture<?> f, String what) {
    try {
      Object v = f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return fail(what + " should have failed but completed with " + v);
    } catch (TimeoutException e) {
      return fail(what + " did not complete within " + TIMEOUT);
    } catch (ExecutionException e) {
      return Streams.unwrap(e.getCause());
    } catch (CancellationException e) {
      return e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }
}
