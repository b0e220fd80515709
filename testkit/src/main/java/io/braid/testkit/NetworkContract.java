package io.braid.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.braid.api.CloseReason;
import io.braid.api.ConnectionConfig;
import io.braid.api.ConnectionTimeoutException;
import io.braid.api.DialException;
import io.braid.api.Direction;
import io.braid.api.HostIdentity;
import io.braid.api.KeepConnected;
import io.braid.api.LimitExceededException;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.Network;
import io.braid.api.NetworkClosedException;
import io.braid.api.PeerExplanation;
import io.braid.api.PeerId;
import io.braid.api.PeerIdMismatchException;
import io.braid.api.ProtocolNegotiationException;
import io.braid.api.RetryConfig;
import io.braid.api.StreamOpenException;
import io.braid.api.Transport;
import io.braid.api.TransportContext;
import io.braid.api.TransportException;
import io.braid.testkit.RecordingNetworkListener.Event;
import io.braid.testkit.RecordingNetworkListener.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The suite every {@link Network} (swarm) implementation should pass. Extend it, implement
 * {@link #createNetwork}, and every test here runs against your network over {@link MemoryTransport}s on
 * one {@link MemoryNetwork}, with time driven by one {@link FakeClock}:
 *
 * <pre>{@code
 * class MySwarmNetworkContractTest extends NetworkContract {
 *   protected Network createNetwork(HostIdentity identity, ConnectionConfig config, RetryConfig retry,
 *       Function<TransportContext, Transport> transport, ScheduledExecutorService scheduler) {
 *     return MySwarm.builder(identity).connectionConfig(config).retryConfig(retry)
 *         .transport(transport).scheduler(scheduler).build();
 *   }
 * }
 * }</pre>
 *
 * <h2>What the network under test must do with its factory arguments</h2>
 * <ul>
 *   <li>Use {@code transport} (called once, with the network's {@link TransportContext}) as its only
 *       transport. The suite builds {@link MemoryTransport}s with a direct executor and the fake clock's
 *       scheduler, so their callbacks run on the calling thread and their timers only when the suite moves
 *       the clock.</li>
 *   <li>Run every timer (connection timeouts, retry delays) on {@code scheduler}, the fake clock's.
 *       Listener events and future completions may run on any thread: the suite waits for them, bounded
 *       by {@link #timeout()}.</li>
 *   <li>Honour {@code config} and {@code retry} as their Javadoc says. The suite's retry configurations
 *       have no jitter, so the retry schedule is exact.</li>
 *   <li>Settle simultaneous dials with the rule {@link Network} implementations share: with both sides
 *       at their cap, the connection dialed by the peer with the smaller {@link PeerId} is kept.</li>
 *   <li>Start a dial's first attempts before {@code dialPeer} returns (the suite looks at the transport
 *       right after the call), and deliver the views' changes before the futures that report them.</li>
 * </ul>
 *
 * <p>After each test every network is closed; its {@link Network#closeFuture()} must complete, every
 * {@link MemoryTransport} must be left with no connection and no handshake, the fake clock with no
 * pending timer, and {@link #assertNoLeaks} is asked to check what only the implementation can see.
 */
public abstract class NetworkContract {
  /** Echo protocol: every node serves it with {@link Streams#echo()}. */
  protected static final String ECHO = "/braid/test/echo/1.0.0";
  /** A protocol no node serves. */
  protected static final String UNKNOWN = "/braid/test/unknown/1.0.0";
  /** The listen address of every node. */
  protected static final Multiaddr ANY = Multiaddr.fromString("/memory/0");

  /** For subclasses: one per network implementation under test. */
  protected NetworkContract() {}

  // ---- Factory methods and knobs ----

  /**
   * Makes the network under test.
   *
   * @param identity the node's identity
   * @param config connection limits, timeout and balancer name
   * @param retry the retry policy (no jitter)
   * @param transport makes the node's only transport from the network's context
   * @param scheduler where every timer of the network must run (the fake clock's)
   */
  protected abstract Network createNetwork(HostIdentity identity, ConnectionConfig config, RetryConfig retry,
      Function<TransportContext, Transport> transport, ScheduledExecutorService scheduler);

  /**
   * Checks, after {@code network} closed and its close future completed, for leaks only the implementation
   * can see (slots, pending handshakes, per-peer records). Nothing by default.
   */
  protected void assertNoLeaks(Network network) {}

  /** Bound on every single wait in the suite (real time; fake time moves only when a test moves it). */
  protected Duration timeout() {
    return Duration.ofSeconds(10);
  }

  /** The configuration most tests use: 3 connections per peer, a 5 s connection timeout, round robin. */
  protected ConnectionConfig defaultConfig() {
    return ConnectionConfig.builder().maxConnectionsPerPeer(3).connectionTimeout(Duration.ofSeconds(5)).build();
  }

  /** The retry policy most tests use: 3 retries, 100 ms doubling to at most 1 s, no jitter. */
  protected RetryConfig defaultRetry() {
    return RetryConfig.builder().maxRetries(3).initialDelay(Duration.ofMillis(100)).maxDelay(Duration.ofSeconds(1))
        .backoffMultiplier(2.0).jitterFactor(0).build();
  }

  // ---- Fixture ----

  /** The clock every node's timers run on. */
  protected FakeClock clock;
  /** The in-memory network every node listens and dials on. */
  protected MemoryNetwork memory;
  private final List<Node> nodes = new CopyOnWriteArrayList<>();
  private final List<MemoryTransport> rawTransports = new CopyOnWriteArrayList<>();

  /** One node: its network under test, its transport, its listen address and a recording listener. */
  public record Node(HostIdentity identity, Network network, MemoryTransport transport, Multiaddr address,
      RecordingNetworkListener events) {
    /** The node's peer id. */
    public PeerId peer() {
      return identity.peerId();
    }
  }

  @BeforeEach
  public final void createClockAndMemoryNetwork() {
    clock = new FakeClock();
    memory = new MemoryNetwork();
  }

  @AfterEach
  public final void closeNodesAndCheckForLeaks() throws Exception {
    for (Node n : nodes) {
      n.network().close();
    }
    for (MemoryTransport t : rawTransports) {
      t.close();
    }
    for (Node n : nodes) {
      await(n.network().closeFuture(), "closeFuture of " + n.peer());
    }
    for (Node n : nodes) {
      assertEquals(0, n.transport().openConnectionCount(), "connections left open by " + n.peer());
      assertEquals(0, n.transport().pendingHandshakeCount(), "handshakes left pending by " + n.peer());
      assertNoLeaks(n.network());
    }
    assertEquals(0, clock.pendingTaskCount(), "timers left armed: " + clock.pendingTasks());
  }

  /** A node with the default configuration, listening, serving {@link #ECHO}. */
  protected final Node node() {
    return node(defaultConfig(), defaultRetry());
  }

  /** A node with {@code config} and the default retry policy, listening, serving {@link #ECHO}. */
  protected final Node node(ConnectionConfig config) {
    return node(config, defaultRetry());
  }

  /** A node with {@code config} and {@code retry}, listening on a fresh address, serving {@link #ECHO}. */
  protected final Node node(ConnectionConfig config, RetryConfig retry) {
    HostIdentity identity = TestIdentity.random();
    AtomicReference<MemoryTransport> made = new AtomicReference<>();
    Function<TransportContext, Transport> factory = ctx -> {
      MemoryTransport t = MemoryTransport.builder(memory).context(ctx).executor(Runnable::run)
          .scheduler(clock.scheduler()).build();
      if (!made.compareAndSet(null, t)) {
        throw new AssertionError("the transport factory was called twice");
      }
      return t;
    };
    Network network = createNetwork(identity, config, retry, factory, clock.scheduler());
    assertNotNull(network, "createNetwork returned null");
    RecordingNetworkListener events = new RecordingNetworkListener();
    network.addListener(events);
    network.setStreamHandler(ECHO, Streams.echo());
    List<Multiaddr> addrs = await(network.listen(ANY), "listen");
    assertNotNull(made.get(), "the network did not use the transport factory");
    Node n = new Node(identity, network, made.get(), addrs.get(0), events);
    nodes.add(n);
    return n;
  }

  /** Two nodes where {@code from} knows {@code to}'s address. */
  protected static void introduce(Node from, Node to) {
    from.network().addAddresses(to.peer(), to.address());
  }

  /** A bare transport of a fresh identity on the suite's memory network, for raw dials. */
  protected final MemoryTransport rawTransport(HostIdentity identity) {
    MemoryTransport t = MemoryTransport.builder(memory)
        .context(new TransportContext(identity, new TestStreamRouter().register(ECHO, Streams.echo()),
            Duration.ofSeconds(30)))
        .executor(Runnable::run).scheduler(clock.scheduler()).build();
    rawTransports.add(t);
    return t;
  }

  /** Waits at most {@link #timeout()} for {@code future} and returns its value. */
  protected final <T> T await(CompletableFuture<T> future, String what) {
    return Awaits.await(future, timeout(), what);
  }

  /** Waits at most {@link #timeout()} for {@code future} to fail and returns the unwrapped cause. */
  protected final Throwable awaitFailure(CompletableFuture<?> future, String what) {
    return Awaits.awaitFailure(future, timeout(), what);
  }

  /** Echoes {@code text} over a new stream to {@code to} and checks it came back. */
  protected final void assertEchoes(Network from, PeerId to, String text) {
    NetStream s = await(from.newStream(to, ECHO), "newStream to " + to);
    assertEchoes(s, text);
  }

  private void assertEchoes(NetStream s, String text) {
    byte[] sent = text.getBytes(StandardCharsets.UTF_8);
    byte[] back = await(Streams.exchange(s, sent, 1024), "echo of '" + text + "'");
    assertEquals(text, new String(back, StandardCharsets.UTF_8));
  }

  private static List<Multiaddr> remoteAddresses(List<NetConn> conns) {
    return conns.stream().map(NetConn::remoteAddress).toList();
  }

  // ---- Keep-N and explain (issue 14) ----

  /**
   * Calls {@code keepConnected}, or skips the test (JUnit assumption) for a network that does not keep
   * peers connected (the interface's default throws {@link UnsupportedOperationException}).
   */
  private KeepConnected keepOrSkip(Network network, PeerId peer, int n) {
    try {
      return network.keepConnected(peer, n);
    } catch (UnsupportedOperationException e) {
      org.junit.jupiter.api.Assumptions.abort("keepConnected is not supported: " + e.getMessage());
      throw e;
    }
  }

  @Test
  @DisplayName("keepConnected opens the target and replaces a killed connection; its handle stops it")
  public void keepConnectedReplacesAKilledConnection() {
    Node a = node();
    Node b = node();
    introduce(a, b);
    KeepConnected keep = keepOrSkip(a.network(), b.peer(), 2);
    assertEquals(b.peer(), keep.peer());
    assertEquals(2, keep.target());
    Awaits.until(() -> {
      clock.forward(Duration.ofMillis(100));
      return a.network().getConnections(b.peer()).size() == 2;
    }, timeout(), "2 connections kept");

    NetConn victim = a.network().getConnections(b.peer()).get(0);
    a.transport().faults().kill(victim);
    Awaits.until(() -> {
      clock.forward(Duration.ofMillis(100));
      List<NetConn> now = a.network().getConnections(b.peer());
      return now.size() == 2 && !now.contains(victim);
    }, timeout(), "the killed connection replaced");
    assertTrue(a.network().getConnections(b.peer()).size() <= defaultConfig().maxConnectionsPerPeer());

    keep.close();
    keep.close();
    assertFalse(keep.isActive());
    a.transport().faults().kill(a.network().getConnections(b.peer()).get(0));
    clock.forward(Duration.ofSeconds(5));
    assertEquals(1, a.network().getConnections(b.peer()).size(), "not replaced once stopped");
  }

  @Test
  @DisplayName("keepConnected rejects a target below 1 or over maxConnectionsPerPeer")
  public void keepConnectedRejectsATargetOutOfRange() {
    Node a = node();
    Node b = node();
    introduce(a, b);
    keepOrSkip(a.network(), b.peer(), 1).close();
    assertThrows(IllegalArgumentException.class, () -> a.network().keepConnected(b.peer(), 0));
    assertThrows(IllegalArgumentException.class,
        () -> a.network().keepConnected(b.peer(), defaultConfig().maxConnectionsPerPeer() + 1));
  }

  @Test
  @DisplayName("explain lists the peer's open connections, as data and in words")
  public void explainListsTheOpenConnections() {
    Node a = node();
    Node b = node();
    introduce(a, b);
    List<NetConn> conns = await(a.network().dialPeer(b.peer()), "dialPeer");

    PeerExplanation why = a.network().explain(b.peer());

    assertEquals(b.peer(), why.peer());
    assertEquals(conns.stream().map(NetConn::id).toList(),
        why.connections().stream().map(PeerExplanation.Connection::id).toList());
    String words = why.describe();
    for (NetConn c : conns) {
      assertTrue(words.contains(c.id()), words);
    }
    assertEquals(words, why.toString());
    assertEquals(List.of(), a.network().explain(TestIdentity.random().peerId()).connections());
  }

  // ---- Dialing ----

  @Test
  @DisplayName("a peer with one address still gets maxConnectionsPerPeer connections")
  public void onePeerAddressGivesTheFullNumberOfConnections() {
    Node a = node();
    Node b = node();
    introduce(a, b);

    List<NetConn> conns = await(a.network().dialPeer(b.peer()), "dialPeer");

    assertEquals(3, conns.size());
    assertEquals(3, Set.copyOf(conns).size(), "three distinct connections");
    for (NetConn c : conns) {
      assertTrue(c.isOpen());
      assertEquals(b.peer(), c.remotePeer());
      assertEquals(Direction.OUTBOUND, c.direction());
      assertEquals(b.address(), c.remoteAddress());
    }
    assertEquals(conns, a.network().getConnections(b.peer()));
    b.events().awaitCount(Kind.CONNECTION_OPENED, 3, timeout());
    assertEquals(3, b.network().getConnections(a.peer()).size(), "the remote admitted all three");
    assertEchoes(a.network(), b.peer(), "hello");
  }

  @Test
  @DisplayName("with several addresses the connections are spread over them")
  public void severalAddressesAreEachUsed() {
    Node a = node();
    Node b = node();
    List<Multiaddr> more = await(b.network().listen(ANY, ANY), "listen twice more");
    a.network().addAddresses(b.peer(), b.address(), more.get(0), more.get(1));

    List<NetConn> conns = await(a.network().dialPeer(b.peer()), "dialPeer");

    assertEquals(Set.of(b.address(), more.get(0), more.get(1)), Set.copyOf(remoteAddresses(conns)));
  }

  @Test
  @DisplayName("dialing again tops up to the target and keeps the connections that are still open")
  public void dialingAgainTopsUp() {
    Node a = node();
    Node b = node();
    introduce(a, b);
    List<NetConn> first = await(a.network().dialPeer(b.peer()), "first dial");
    a.transport().faults().kill(first.get(1));
    a.events().awaitCount(Kind.CONNECTION_CLOSED, 1, timeout());
    assertEquals(2, a.network().getConnections(b.peer()).size());

    List<NetConn> again = await(a.network().dialPeer(b.peer()), "second dial");

    assertEquals(3, again.size());
    assertSame(first.get(0), again.get(0), "the oldest survivor stays first");
    assertSame(first.get(2), again.get(1));
    assertFalse(again.contains(first.get(1)));
  }

  @Test
  @DisplayName("a dial while another is in flight also replaces connections that closed meanwhile")
  public void dialingDuringADialTopsUp() {
    Node a = node();
    Node b = node();
    introduce(a, b);
    a.transport().faults().delayNextHandshakes(1, Duration.ofMillis(100));
    CompletableFuture<List<NetConn>> first = a.network().dialPeer(b.peer());
    List<NetConn> early = a.network().getConnections(b.peer());
    assertEquals(2, early.size(), "two attempts finished at once, one waits");
    a.transport().faults().kill(early.get(0));
    a.events().awaitCount(Kind.CONNECTION_CLOSED, 1, timeout());

    CompletableFuture<List<NetConn>> second = a.network().dialPeer(b.peer());
    clock.forward(Duration.ofMillis(100));

    assertEquals(3, await(second, "second dial").size(), "topped up to the target");
    assertEquals(3, await(first, "first dial").size());
    assertEquals(3, a.network().getConnections(b.peer()).size());
  }

  @Test
  @DisplayName("dialing a peer whose target is met completes at once with the same connections")
  public void dialingWithTheTargetMetOpensNothing() {
    Node a = node();
    Node b = node();
    introduce(a, b);
    List<NetConn> first = await(a.network().dialPeer(b.peer()), "first dial");
    int opened = a.events().events(Kind.CONNECTION_OPENED).size();

    CompletableFuture<List<NetConn>> again = a.network().dialPeer(b.peer());

    assertTrue(again.isDone(), "completes at once");
    assertEquals(first, await(again, "second dial"));
    assertEquals(3, a.transport().openConnectionCount());
    assertEquals(opened, a.events().events(Kind.CONNECTION_OPENED).size());
  }

  @Test
  @DisplayName("refused attempts are retried after exactly the configured delays")
  public void refusedAttemptsAreRetriedOnSchedule() {
    Node a = node(ConnectionConfig.builder().maxConnectionsPerPeer(1).build());
    Node b = node();
    introduce(a, b);
    List<Long> tries = new CopyOnWriteArrayList<>();
    a.transport().faults().refuseNextDials(3, () -> {
      tries.add(clock.nanoTime());
      return new TransportException("refused by the test");
    });

    CompletableFuture<List<NetConn>> dial = a.network().dialPeer(b.peer());
    assertEquals(List.of(0L), tries, "the first try starts at once");
    clock.forward(Duration.ofMillis(99));
    assertEquals(1, tries.size(), "no retry before 100 ms");
    clock.forward(Duration.ofMillis(1));
    assertEquals(2, tries.size(), "first retry at 100 ms");
    clock.forward(Duration.ofMillis(199));
    assertEquals(2, tries.size(), "no second retry before a further 200 ms");
    clock.forward(Duration.ofMillis(1));
    assertEquals(3, tries.size());
    assertFalse(dial.isDone());
    clock.forward(Duration.ofMillis(400));

    assertEquals(1, await(dial, "dial after three refusals").size(), "the fourth try succeeds");
    RetryConfig r = defaultRetry();
    long d0 = r.delayBeforeRetry(0, new java.util.Random()).toNanos();
    long d1 = r.delayBeforeRetry(1, new java.util.Random()).toNanos();
    assertEquals(List.of(0L, d0, d0 + d1), tries);
  }

  @Test
  @DisplayName("an attempt that keeps failing is tried maxRetries + 1 times and every try is reported")
  public void exhaustedRetriesReportEveryTry() {
    Node a = node(ConnectionConfig.builder().maxConnectionsPerPeer(1).build(),
        defaultRetry().toBuilder().maxRetries(2).build());
    Node b = node();
    introduce(a, b);
    a.transport().faults().refuseNextDials(10);

    CompletableFuture<List<NetConn>> dial = a.network().dialPeer(b.peer());
    clock.forward(Duration.ofSeconds(5));

    DialException e = assertInstanceOf(DialException.class, awaitFailure(dial, "dial"));
    assertEquals(b.peer(), e.peer());
    assertEquals(3, e.attempts().size(), "1 try + 2 retries: " + e.attempts());
    for (DialException.Attempt at : e.attempts()) {
      assertEquals(b.address(), at.address());
      assertInstanceOf(TransportException.class, at.cause());
    }
    assertEquals(7, a.transport().faults().pendingDialRefusals());
    assertTrue(e.isRetryable());
  }

  @Test
  @DisplayName("a peer-id mismatch is tried once, never retried")
  public void peerIdMismatchIsNotRetried() {
    Node a = node(ConnectionConfig.builder().maxConnectionsPerPeer(1).build());
    Node b = node();
    PeerId impostor = TestIdentity.random().peerId();
    a.network().addAddresses(impostor, b.address());

    DialException e = assertInstanceOf(DialException.class,
        awaitFailure(a.network().dialPeer(impostor), "dial of the wrong peer"));

    assertEquals(1, e.attempts().size(), "tried once: " + e.attempts());
    assertInstanceOf(PeerIdMismatchException.class, e.attempts().get(0).cause());
    assertEquals(0, clock.pendingTaskCount(), "no retry is scheduled: " + clock.pendingTasks());
    assertTrue(a.network().getConnections(impostor).isEmpty());
  }

  @Test
  @DisplayName("a failure that says it cannot succeed later (a limit) is tried once")
  public void nonRetryableFailureIsTriedOnce() {
    Node a = node(ConnectionConfig.builder().maxConnectionsPerPeer(1).build());
    Node b = node();
    introduce(a, b);
    a.transport().faults().refuseNextDials(5,
        () -> new LimitExceededException("maxStreams", 1, "refused by the test"));

    DialException e = assertInstanceOf(DialException.class, awaitFailure(a.network().dialPeer(b.peer()), "dial"));

    assertEquals(1, e.attempts().size());
    assertInstanceOf(LimitExceededException.class, e.attempts().get(0).cause());
    assertEquals(4, a.transport().faults().pendingDialRefusals());
  }

  @Test
  @DisplayName("a protocol negotiation failure while dialing is tried once")
  public void negotiationFailureIsTriedOnce() {
    Node a = node(ConnectionConfig.builder().maxConnectionsPerPeer(1).build());
    Node b = node();
    introduce(a, b);
    a.transport().faults().refuseNextDials(5,
        () -> new ProtocolNegotiationException("no common security protocol", List.of("/noise")));

    DialException e = assertInstanceOf(DialException.class, awaitFailure(a.network().dialPeer(b.peer()), "dial"));

    assertEquals(1, e.attempts().size());
    assertInstanceOf(ProtocolNegotiationException.class, e.attempts().get(0).cause());
    assertFalse(e.isRetryable());
  }

  @Test
  @DisplayName("when some attempts fail for good the dial completes with the connections that opened")
  public void partialSuccessCompletesWithTheOpenConnections() {
    Node a = node();
    Node b = node();
    introduce(a, b);
    a.transport().faults().refuseNextDials(1, () -> new PeerIdMismatchException(b.peer(), a.peer()));

    List<NetConn> conns = await(a.network().dialPeer(b.peer()), "dial");

    assertEquals(2, conns.size(), "two of three attempts connected; the third failed for good");
    assertEquals(conns, a.network().getConnections(b.peer()));
  }

  @Test
  @DisplayName("a hanging handshake times out at connectionTimeout and releases the attempt")
  public void hangingHandshakeTimesOut() {
    Node a = node(ConnectionConfig.builder().maxConnectionsPerPeer(1).connectionTimeout(Duration.ofSeconds(2))
        .build(), defaultRetry().toBuilder().maxRetries(0).build());
    Node b = node(ConnectionConfig.builder().connectionTimeout(Duration.ofSeconds(60)).build());
    introduce(a, b);
    a.transport().faults().hangNextHandshakes(1);

    CompletableFuture<List<NetConn>> dial = a.network().dialPeer(b.peer());
    clock.forward(Duration.ofMillis(1999));
    assertFalse(dial.isDone(), "still waiting just before the timeout");
    assertEquals(1, a.transport().pendingHandshakeCount());
    clock.forward(Duration.ofMillis(1));

    DialException e = assertInstanceOf(DialException.class, awaitFailure(dial, "dial"));
    assertEquals(1, e.attempts().size());
    ConnectionTimeoutException cause = assertInstanceOf(ConnectionTimeoutException.class, e.attempts().get(0).cause());
    assertEquals(Duration.ofSeconds(2), cause.timeout());
    assertEquals(0, a.transport().pendingHandshakeCount());
    assertEquals(0, b.transport().pendingHandshakeCount());
    assertEquals(0, clock.pendingTaskCount(), "no timer left: " + clock.pendingTasks());
  }

  @Test
  @DisplayName("a timed-out attempt is retried, and a later try within the timeout succeeds")
  public void timedOutAttemptIsRetried() {
    Node a = node(ConnectionConfig.builder().maxConnectionsPerPeer(1).connectionTimeout(Duration.ofSeconds(2))
        .build());
    Node b = node(ConnectionConfig.builder().connectionTimeout(Duration.ofSeconds(60)).build());
    introduce(a, b);
    a.transport().faults().hangNextHandshakes(1);

    CompletableFuture<List<NetConn>> dial = a.network().dialPeer(b.peer());
    clock.forward(Duration.ofSeconds(2));
    assertFalse(dial.isDone());
    clock.forward(Duration.ofMillis(100));

    assertEquals(1, await(dial, "dial").size());
  }

  @Test
  @DisplayName("100 concurrent dialPeer calls share the work and never exceed the cap")
  public void concurrentDialsNeverExceedTheCap() throws Exception {
    Node a = node();
    Node b = node();
    introduce(a, b);
    AtomicInteger maxSeenByA = new AtomicInteger();
    AtomicInteger maxSeenByB = new AtomicInteger();
    RecordingNetworkListener watchA = new RecordingNetworkListener(
        e -> maxSeenByA.accumulateAndGet(a.network().getConnections(b.peer()).size(), Math::max));
    RecordingNetworkListener watchB = new RecordingNetworkListener(
        e -> maxSeenByB.accumulateAndGet(b.network().getConnections(a.peer()).size(), Math::max));
    a.network().addListener(watchA);
    b.network().addListener(watchB);
    a.transport().faults().delayNextHandshakes(100, Duration.ofMillis(50));

    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<CompletableFuture<List<NetConn>>> dials = new CopyOnWriteArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<java.util.concurrent.Future<?>> calls = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        calls.add(pool.submit(() -> {
          start.await();
          dials.add(a.network().dialPeer(b.peer()));
          return null;
        }));
      }
      start.countDown();
      for (java.util.concurrent.Future<?> c : calls) {
        c.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(a.transport().pendingHandshakeCount() <= 3,
        "at most 3 handshakes under way, saw " + a.transport().pendingHandshakeCount());
    clock.forward(Duration.ofMillis(50));

    Set<NetConn> all = new HashSet<>();
    for (CompletableFuture<List<NetConn>> d : dials) {
      List<NetConn> conns = await(d, "one of the concurrent dials");
      assertEquals(3, conns.size());
      all.addAll(conns);
    }
    assertEquals(3, all.size(), "every caller got the same three connections");
    assertEquals(97, a.transport().faults().pendingHandshakeFaults(), "only three handshakes were ever started");
    b.events().awaitCount(Kind.CONNECTION_OPENED, 3, timeout());
    assertTrue(maxSeenByA.get() <= 3, "a saw " + maxSeenByA.get());
    assertTrue(maxSeenByB.get() <= 3, "b saw " + maxSeenByB.get());
    assertEquals(3, a.events().events(Kind.CONNECTION_OPENED).size());
  }

  @Test
  @DisplayName("cancelling a dial cancels its attempts and releases their slots")
  public void cancellingADialReleasesEverything() {
    Node a = node();
    Node b = node();
    introduce(a, b);
    a.transport().faults().hangNextHandshakes(3);
    CompletableFuture<List<NetConn>> dial = a.network().dialPeer(b.peer());
    assertEquals(3, a.transport().pendingHandshakeCount());

    assertTrue(dial.cancel(true));

    assertEquals(0, a.transport().pendingHandshakeCount(), "every handshake aborted");
    assertEquals(0, b.transport().pendingHandshakeCount());
    assertEquals(0, clock.pendingTaskCount(), "no timer left: " + clock.pendingTasks());
    assertEquals(3, await(a.network().dialPeer(b.peer()), "a fresh dial").size(),
        "the slots were released: a new dial reaches the cap");
  }

  @Test
  @DisplayName("cancelling one of two shared dials leaves the other running")
  public void cancellingOneSharerKeepsTheDial() {
    Node a = node();
    Node b = node();
    introduce(a, b);
    a.transport().faults().delayNextHandshakes(3, Duration.ofMillis(10));
    CompletableFuture<List<NetConn>> first = a.network().dialPeer(b.peer());
    CompletableFuture<List<NetConn>> second = a.network().dialPeer(b.peer());

    first.cancel(true);
    clock.forward(Duration.ofMillis(10));

    assertEquals(3, await(second, "the other caller's dial").size());
  }

  @Test
  @DisplayName("a peer without known addresses fails with a DialException saying so")
  public void unknownPeerFails() {
    Node a = node();
    PeerId nobody = TestIdentity.random().peerId();

    DialException e = assertInstanceOf(DialException.class,
        awaitFailure(a.network().dialPeer(nobody), "dial of an unknown peer"));

    assertEquals(nobody, e.peer());
    assertTrue(e.getMessage().contains("address"), e.getMessage());
    assertInstanceOf(DialException.class, awaitFailure(a.network().newStream(nobody, ECHO), "newStream"),
        "newStream reports the failed dial");
  }

  // ---- Admission and limits ----

  @Test
  @DisplayName("an inbound flood over the cap is refused while the existing connections keep working")
  public void inboundFloodIsRefused() {
    Node server = node();
    HostIdentity attacker = TestIdentity.random();
    MemoryTransport raw = rawTransport(attacker);
    List<NetConn> dialed = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      dialed.add(await(raw.dial(server.address(), server.peer()), "raw dial " + i));
    }
    server.events().awaitCount(Kind.CONNECTION_OPENED, 3, timeout());

    List<NetConn> kept = dialed.stream().filter(NetConn::isOpen).toList();
    assertEquals(3, kept.size(), "the server keeps exactly its cap");
    assertEquals(3, server.network().getConnections(attacker.peerId()).size());
    assertEquals(dialed.subList(0, 3), kept, "the first three are kept, the later ones refused");
    for (NetConn c : kept) {
      assertEchoes(await(c.newStream(ECHO), "stream on a kept connection"), "still working");
    }
    assertEquals(3, server.events().events(Kind.CONNECTION_OPENED).size(), "refused connections fire no event");
  }

  @Test
  @DisplayName("simultaneous dials with cap 1 end with the one connection dialed by the smaller peer id")
  public void simultaneousOpenKeepsTheSmallerPeersDial() {
    for (boolean smallerFinishesFirst : new boolean[] {true, false}) {
      ConnectionConfig one = ConnectionConfig.builder().maxConnectionsPerPeer(1).build();
      Node x = node(one);
      Node y = node(one);
      Node small = x.peer().compareTo(y.peer()) < 0 ? x : y;
      Node large = small == x ? y : x;
      introduce(small, large);
      introduce(large, small);
      small.transport().faults().delayNextHandshakes(1, Duration.ofMillis(smallerFinishesFirst ? 10 : 20));
      large.transport().faults().delayNextHandshakes(1, Duration.ofMillis(smallerFinishesFirst ? 20 : 10));

      CompletableFuture<List<NetConn>> fromSmall = small.network().dialPeer(large.peer());
      CompletableFuture<List<NetConn>> fromLarge = large.network().dialPeer(small.peer());
      clock.forward(Duration.ofMillis(20));
      await(fromSmall, "dial from the smaller peer");
      await(fromLarge.handle((v, e) -> null), "dial from the larger peer");

      String order = smallerFinishesFirst ? "smaller first" : "larger first";
      large.events().await(es -> large.network().getConnections(small.peer()).size() == 1
          && small.network().getConnections(large.peer()).size() == 1, timeout(), "one connection each");
      NetConn atSmall = small.network().getConnections(large.peer()).get(0);
      NetConn atLarge = large.network().getConnections(small.peer()).get(0);
      assertEquals(Direction.OUTBOUND, atSmall.direction(), order + ": the smaller peer keeps its own dial");
      assertEquals(Direction.INBOUND, atLarge.direction(), order);
      assertEquals(atSmall.localAddress(), atLarge.remoteAddress(), order + ": both keep the same connection");
      assertEquals(1, small.transport().openConnectionCount(), order);
      assertEquals(1, large.transport().openConnectionCount(), order);
      assertEchoes(large.network(), small.peer(), order);
    }
  }

  @Test
  @DisplayName("the global connection cap refuses inbound connections beyond maxConnections")
  public void globalConnectionCapRefusesInbound() {
    Node server = node(ConnectionConfig.builder().maxConnectionsPerPeer(1).maxConnections(2).build());
    List<Node> clients = List.of(node(), node(), node());
    List<Throwable> outcomes = new ArrayList<>();
    for (Node c : clients) {
      introduce(c, server);
      CompletableFuture<List<NetConn>> d = c.network().dialPeer(server.peer());
      clock.forward(Duration.ofSeconds(5));
      outcomes.add(await(d.handle((v, e) -> e), "dial of a client"));
    }

    assertEquals(2, server.network().getConnections().size());
    assertEquals(2, server.network().getConnectionsMap().size());
    assertEquals(null, outcomes.get(0), "the first client connects");
    assertEquals(null, outcomes.get(1), "the second client connects");
    assertInstanceOf(DialException.class, outcomes.get(2), "the third client is refused");
    assertTrue(clients.get(2).network().getConnections(server.peer()).isEmpty());
  }

  @Test
  @DisplayName("the pending-handshake cap refuses an inbound connection while another handshakes")
  public void pendingHandshakeCapRefusesInbound() {
    Node server = node(ConnectionConfig.builder().maxPendingHandshakes(1).build());
    MemoryTransport first = rawTransport(TestIdentity.random());
    MemoryTransport second = rawTransport(TestIdentity.random());
    first.faults().delayNextHandshakes(1, Duration.ofMillis(100));

    CompletableFuture<NetConn> slow = first.dial(server.address(), server.peer());
    Throwable refused = awaitFailure(second.dial(server.address(), server.peer()), "second dial");
    clock.forward(Duration.ofMillis(100));

    assertInstanceOf(TransportException.class, refused);
    assertTrue(await(slow, "the first dial").isOpen());
    NetConn later = await(second.dial(server.address(), server.peer()), "a later dial");
    assertEchoes(await(later.newStream(ECHO), "stream on the later connection"), "fine again");
  }

  // ---- Views ----

  @Test
  @DisplayName("views are immutable snapshots of open connections, oldest first")
  public void viewsAreImmutableSnapshots() {
    Node a = node();
    Node b = node();
    Node c = node();
    introduce(a, b);
    introduce(a, c);
    List<NetConn> toB = await(a.network().dialPeer(b.peer()), "dial b");
    List<NetConn> toC = await(a.network().dialPeer(c.peer()), "dial c");
    Network n = a.network();

    assertEquals(toB, n.getConnections(b.peer()));
    assertEquals(Set.copyOf(concat(toB, toC)), Set.copyOf(n.getConnections()));
    assertEquals(6, n.getConnections().size());
    Map<PeerId, List<NetConn>> map = n.getConnectionsMap();
    assertEquals(Map.of(b.peer(), toB, c.peer(), toC), map);
    assertSame(toB.get(0), n.getConnection(b.peer()).orElseThrow());
    assertEquals(Map.of(b.peer(), toB.get(0), c.peer(), toC.get(0)), n.connectionsLegacy());
    assertThrows(UnsupportedOperationException.class, () -> n.getConnections(b.peer()).clear());
    assertThrows(UnsupportedOperationException.class, () -> n.getConnections().clear());
    assertThrows(UnsupportedOperationException.class, () -> map.clear());
    assertThrows(UnsupportedOperationException.class, () -> map.get(b.peer()).clear());
    assertThrows(UnsupportedOperationException.class, () -> n.connectionsLegacy().clear());

    a.transport().faults().kill(toB.get(0));
    a.events().awaitCount(Kind.CONNECTION_CLOSED, 1, timeout());

    assertEquals(toB, map.get(b.peer()), "an earlier snapshot does not change");
    assertEquals(toB.subList(1, 3), n.getConnections(b.peer()));
    assertSame(toB.get(1), n.getConnection(b.peer()).orElseThrow(), "the oldest open one, never a closed one");
    assertSame(toB.get(1), n.connectionsLegacy().get(b.peer()));
  }

  @Test
  @DisplayName("a peer without connections has empty views")
  public void emptyViews() {
    Node a = node();
    PeerId nobody = TestIdentity.random().peerId();

    assertTrue(a.network().getConnections(nobody).isEmpty());
    assertTrue(a.network().getConnection(nobody).isEmpty());
    assertTrue(a.network().getConnections().isEmpty());
    assertTrue(a.network().getConnectionsMap().isEmpty());
    assertTrue(a.network().connectionsLegacy().isEmpty());
  }

  @Test
  @DisplayName("a closed connection has left every view before its close event fires")
  public void closedConnectionLeavesViewsBeforeItsEvent() {
    Node a = node();
    Node b = node();
    introduce(a, b);
    List<String> problems = new CopyOnWriteArrayList<>();
    a.network().addListener(new RecordingNetworkListener(e -> {
      if (e.kind() == Kind.CONNECTION_CLOSED) {
        Network n = a.network();
        if (n.getConnections(b.peer()).contains(e.connection()) || n.getConnections().contains(e.connection())
            || n.getConnection(b.peer()).filter(x -> x == e.connection()).isPresent()
            || n.getConnectionsMap().getOrDefault(b.peer(), List.of()).contains(e.connection())
            || n.connectionsLegacy().get(b.peer()) == e.connection()) {
          problems.add(e.connection().id());
        }
      }
    }));
    List<NetConn> conns = await(a.network().dialPeer(b.peer()), "dial");

    a.transport().faults().kill(conns.get(0));
    conns.get(1).close();
    b.network().closePeer(a.peer());
    a.events().awaitCount(Kind.CONNECTION_CLOSED, 3, timeout());

    assertEquals(List.of(), problems, "connections still in a view when their close event fired");
  }

  // ---- Streams ----

  @Test
  @DisplayName("newStream dials first when the peer has no open connection")
  public void newStreamDialsFirst() {
    Node a = node();
    Node b = node();
    introduce(a, b);

    assertEchoes(a.network(), b.peer(), "dialed on demand");

    assertEquals(3, a.network().getConnections(b.peer()).size());
  }

  @Test
  @DisplayName("if opening a stream fails on the chosen connection the others are tried")
  public void streamOpenFailsOver() {
    Node a = node();
    Node b = node();
    introduce(a, b);
    await(a.network().dialPeer(b.peer()), "dial");
    a.transport().faults().failNextStreamOpens(2);

    assertEchoes(a.network(), b.peer(), "third time lucky");
    assertEquals(0, a.transport().faults().pendingStreamOpenFailures());
  }

  @Test
  @DisplayName("a stream limit on the chosen connection makes newStream use another one")
  public void streamLimitFailsOver() {
    Node a = node();
    Node b = node();
    introduce(a, b);
    List<NetConn> conns = await(a.network().dialPeer(b.peer()), "dial");
    a.transport().faults().maxStreamsPerConnection(1);
    List<NetStream> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(await(a.network().newStream(b.peer(), ECHO), "stream " + i));
    }

    assertEquals(Set.copyOf(conns), Set.copyOf(held.stream().map(NetStream::connection).toList()),
        "one stream on each connection");
    StreamOpenException e = assertInstanceOf(StreamOpenException.class,
        awaitFailure(a.network().newStream(b.peer(), ECHO), "a fourth stream"));
    assertEquals(b.peer(), e.peer());
    assertEquals(Set.copyOf(conns.stream().map(NetConn::id).toList()),
        Set.copyOf(e.attempts().stream().map(StreamOpenException.Attempt::connectionId).toList()),
        "every connection was tried");
    e.attempts().forEach(at -> assertInstanceOf(LimitExceededException.class, at.cause()));
    held.forEach(NetStream::reset);
  }

  @Test
  @DisplayName("when every connection fails to open a stream the exception names each attempt")
  public void streamOpenFailureNamesEachAttempt() {
    Node a = node();
    Node b = node();
    introduce(a, b);
    List<NetConn> conns = await(a.network().dialPeer(b.peer()), "dial");
    a.transport().faults().failNextStreamOpens(3);

    StreamOpenException e = assertInstanceOf(StreamOpenException.class,
        awaitFailure(a.network().newStream(b.peer(), ECHO), "newStream"));

    assertEquals(3, e.attempts().size());
    assertEquals(Set.copyOf(conns.stream().map(NetConn::id).toList()),
        Set.copyOf(e.attempts().stream().map(StreamOpenException.Attempt::connectionId).toList()));
    for (NetConn c : conns) {
      assertTrue(e.getMessage().contains(c.id()), e.getMessage());
    }
  }

  @Test
  @DisplayName("a protocol the peer does not serve is refused and the connection goes on")
  public void unknownProtocolIsRefused() {
    Node a = node();
    Node b = node();
    introduce(a, b);

    Throwable t = awaitFailure(a.network().newStream(b.peer(), UNKNOWN), "newStream of an unknown protocol");

    assertInstanceOf(ProtocolNegotiationException.class, t);
    assertEquals(3, a.network().getConnections(b.peer()).size());
    assertEchoes(a.network(), b.peer(), "still fine");
  }

  @Test
  @DisplayName("inbound streams go to the handler set for their protocol")
  public void inboundStreamsReachTheirHandler() {
    Node a = node();
    Node b = node();
    introduce(a, b);
    CompletableFuture<byte[]> received = new CompletableFuture<>();
    b.network().setStreamHandler("/braid/test/collect/1.0.0", Streams.collectInto(100, received));

    NetStream s = await(a.network().newStream(b.peer(), UNKNOWN, "/braid/test/collect/1.0.0"), "newStream");
    await(Streams.writeAllAndClose(s, "payload".getBytes(StandardCharsets.UTF_8)), "write");

    assertEquals("/braid/test/collect/1.0.0", s.protocol());
    assertEquals("payload", new String(await(received, "handler input"), StandardCharsets.UTF_8));
    b.network().removeStreamHandler("/braid/test/collect/1.0.0");
    assertInstanceOf(ProtocolNegotiationException.class,
        awaitFailure(a.network().newStream(b.peer(), "/braid/test/collect/1.0.0"), "after removal"));
  }

  @Test
  @DisplayName("stream counts are exact while streams open and close")
  public void streamCountsAreExact() {
    Node a = node(ConnectionConfig.builder().maxConnectionsPerPeer(1).build());
    Node b = node();
    introduce(a, b);
    NetStream s1 = await(a.network().newStream(b.peer(), ECHO), "s1");
    NetStream s2 = await(a.network().newStream(b.peer(), ECHO), "s2");
    NetConn c = a.network().getConnection(b.peer()).orElseThrow();
    assertEquals(2, c.streamCount());

    s1.reset();
    assertEquals(1, c.streamCount());
    assertEchoes(s2, "bye");
    s2.close();
    await(s2.closeFuture(), "s2 closed");
    assertEquals(0, c.streamCount());
  }

  // ---- Events ----

  @Test
  @DisplayName("each connection and peer event fires exactly once, in order")
  public void eventsFireExactlyOnceInOrder() {
    Node a = node();
    Node b = node();
    introduce(a, b);
    List<NetConn> conns = await(a.network().dialPeer(b.peer()), "dial");
    await(a.network().closePeer(b.peer()), "closePeer");
    a.events().awaitCount(Kind.PEER_DISCONNECTED, 1, timeout());
    b.events().awaitCount(Kind.PEER_DISCONNECTED, 1, timeout());

    for (Node n : List.of(a, b)) {
      List<Event> es = n.events().events();
      assertEquals(8, es.size(), n.peer() + ": " + es);
      assertEquals(Kind.PEER_CONNECTED, es.get(0).kind(), es.toString());
      assertEquals(Kind.PEER_DISCONNECTED, es.get(7).kind(), es.toString());
      PeerId other = n == a ? b.peer() : a.peer();
      assertEquals(other, es.get(0).peer());
      assertEquals(other, es.get(7).peer());
      List<NetConn> opened = n.events().events(Kind.CONNECTION_OPENED).stream().map(Event::connection).toList();
      assertEquals(3, Set.copyOf(opened).size(), "three distinct connections opened");
      for (NetConn c : opened) {
        assertEquals(1, n.events().count(Kind.CONNECTION_CLOSED, c), "closed once: " + c);
        assertTrue(indexOf(es, Kind.CONNECTION_OPENED, c) < indexOf(es, Kind.CONNECTION_CLOSED, c));
      }
    }
    assertEquals(conns, a.events().events(Kind.CONNECTION_OPENED).stream().map(Event::connection).toList());
    a.events().events(Kind.CONNECTION_CLOSED)
        .forEach(e -> assertEquals(CloseReason.Kind.LOCAL, e.reason().kind(), "closed by closePeer"));
    b.events().events(Kind.CONNECTION_CLOSED)
        .forEach(e -> assertEquals(CloseReason.Kind.REMOTE, e.reason().kind(), "closed by the remote"));
  }

  @Test
  @DisplayName("a listener that throws affects neither the network nor the other listeners")
  public void throwingListenerIsIsolated() {
    Node a = node();
    Node b = node();
    introduce(a, b);
    AtomicInteger calls = new AtomicInteger();
    a.network().addListener(new RecordingNetworkListener(e -> {
      calls.incrementAndGet();
      throw new IllegalStateException("listener bug");
    }));
    RecordingNetworkListener after = new RecordingNetworkListener();
    a.network().addListener(after);

    await(a.network().dialPeer(b.peer()), "dial");
    after.awaitCount(Kind.CONNECTION_OPENED, 3, timeout());
    assertEchoes(a.network(), b.peer(), "unaffected");

    assertEquals(4, calls.get(), "the throwing listener was still called for every event");
    assertEquals(4, after.events().size());
    assertEquals(4, a.events().events().size());
  }

  @Test
  @DisplayName("a removed listener hears nothing more; adding one twice delivers once")
  public void listenerRegistration() {
    Node a = node();
    Node b = node();
    introduce(a, b);
    RecordingNetworkListener twice = new RecordingNetworkListener();
    a.network().addListener(twice);
    a.network().addListener(twice);
    RecordingNetworkListener removed = new RecordingNetworkListener();
    a.network().addListener(removed);
    a.network().removeListener(removed);

    await(a.network().dialPeer(b.peer()), "dial");
    a.events().awaitCount(Kind.CONNECTION_OPENED, 3, timeout());
    twice.awaitCount(Kind.CONNECTION_OPENED, 3, timeout());

    assertEquals(4, twice.events().size());
    assertEquals(0, removed.events().size());
  }

  // ---- Lifecycle ----

  @Test
  @DisplayName("closePeer closes every connection to the peer and cancels its pending dial")
  public void closePeerClosesEverything() {
    Node a = node();
    Node b = node();
    introduce(a, b);
    List<NetConn> conns = await(a.network().dialPeer(b.peer()), "dial");
    a.transport().faults().kill(conns.get(0));
    a.events().awaitCount(Kind.CONNECTION_CLOSED, 1, timeout());
    a.transport().faults().hangNextHandshakes(1);
    CompletableFuture<List<NetConn>> topUp = a.network().dialPeer(b.peer());
    assertEquals(1, a.transport().pendingHandshakeCount());

    await(a.network().closePeer(b.peer()), "closePeer");

    conns.forEach(c -> assertFalse(c.isOpen()));
    assertTrue(a.network().getConnections(b.peer()).isEmpty());
    assertTrue(topUp.isDone(), "the pending dial ended");
    assertEquals(0, a.transport().pendingHandshakeCount());
    assertEquals(0, a.transport().openConnectionCount());
    assertEquals(0, clock.pendingTaskCount(), "no timer left: " + clock.pendingTasks());
  }

  @Test
  @DisplayName("closing during a dial leaks nothing and fails the dial")
  public void closeDuringADialLeaksNothing() {
    Node a = node();
    Node b = node();
    introduce(a, b);
    a.transport().faults().hangNextHandshakes(2);
    a.transport().faults().refuseNextDials(1);
    CompletableFuture<List<NetConn>> dial = a.network().dialPeer(b.peer());
    assertEquals(1, clock.pendingTasks().stream().filter(t -> t.dueTimeNanos() == 100_000_000L).count(),
        "one retry waits: " + clock.pendingTasks());

    a.network().close();

    await(a.network().closeFuture(), "closeFuture");
    Throwable t = awaitFailure(dial, "the dial");
    assertTrue(t instanceof NetworkClosedException || t instanceof DialException, "failed with " + t);
    assertEquals(0, a.transport().pendingHandshakeCount());
    assertEquals(0, b.transport().pendingHandshakeCount());
    assertEquals(0, a.transport().openConnectionCount());
    assertEquals(0, clock.pendingTaskCount(), "no timer left: " + clock.pendingTasks());
  }

  @Test
  @DisplayName("close is idempotent, closes every connection, and afterwards every operation fails fast")
  public void closeThenEverythingFailsFast() {
    Node a = node();
    Node b = node();
    introduce(a, b);
    List<NetConn> conns = await(a.network().dialPeer(b.peer()), "dial");
    Network n = a.network();

    n.close();
    n.close();
    await(n.closeFuture(), "closeFuture");

    conns.forEach(c -> assertFalse(c.isOpen()));
    b.events().awaitCount(Kind.PEER_DISCONNECTED, 1, timeout());
    a.events().awaitCount(Kind.PEER_DISCONNECTED, 1, timeout());
    assertEquals(3, a.events().events(Kind.CONNECTION_CLOSED).size(), "every close reported once");
    a.events().events(Kind.CONNECTION_CLOSED).forEach(e -> assertEquals(CloseReason.Kind.SHUTDOWN,
        e.reason().kind(), "a connection closed by close() reports SHUTDOWN"));
    assertTrue(n.getConnections().isEmpty());
    assertTrue(n.getConnections(b.peer()).isEmpty());
    assertTrue(n.getConnection(b.peer()).isEmpty());
    assertTrue(n.getConnectionsMap().isEmpty());
    assertTrue(n.connectionsLegacy().isEmpty());
    assertTrue(n.listenAddresses().isEmpty(), "listeners stopped");
    assertInstanceOf(NetworkClosedException.class, awaitFailure(n.dialPeer(b.peer()), "dialPeer"));
    assertInstanceOf(NetworkClosedException.class, awaitFailure(n.newStream(b.peer(), ECHO), "newStream"));
    assertInstanceOf(NetworkClosedException.class, awaitFailure(n.listen(ANY), "listen"));
    assertInstanceOf(NetworkClosedException.class, awaitFailure(n.closePeer(b.peer()), "closePeer"));
    assertThrows(NetworkClosedException.class, () -> n.addAddresses(b.peer(), b.address()));
    assertThrows(NetworkClosedException.class, () -> n.setStreamHandler(ECHO, Streams.echo()));
    assertThrows(NetworkClosedException.class, () -> n.addListener(new RecordingNetworkListener()));
    introduce(b, a);
    CompletableFuture<List<NetConn>> toClosed = b.network().dialPeer(a.peer());
    clock.forward(Duration.ofSeconds(10));
    assertInstanceOf(DialException.class, awaitFailure(toClosed, "dial to the closed node"));
  }

  // ---- Health and drain (issue 14) ----

  @Test
  @DisplayName("stats describe each open connection of the peer, in the order of getConnections")
  public void statsDescribeEachOpenConnection() {
    Node a = node();
    Node b = node();
    introduce(a, b);
    List<NetConn> conns = await(a.network().dialPeer(b.peer()), "dial");
    List<io.braid.api.ConnectionStats> stats = a.network().stats(b.peer());
    assertEquals(conns.stream().map(NetConn::id).toList(),
        stats.stream().map(io.braid.api.ConnectionStats::connectionId).toList());
    for (io.braid.api.ConnectionStats st : stats) {
      assertEquals(b.peer(), st.peer());
      assertTrue(st.healthy() && !st.draining(), st.toString());
    }
    assertEquals(3, a.network().stats().size());
    assertThrows(UnsupportedOperationException.class, () -> stats.add(stats.get(0)), "stats are immutable");
    assertTrue(a.network().stats(rawPeer()).isEmpty());
  }

  private static PeerId rawPeer() {
    return TestIdentity.random().peerId();
  }

  @Test
  @DisplayName("a drained connection takes no new stream, lets its stream finish, then closes")
  public void drainLetsAStreamFinishThenCloses() {
    Node a = node();
    Node b = node();
    introduce(a, b);
    NetConn drained = await(a.network().dialPeer(b.peer()), "dial").get(0);
    NetStream held = await(drained.newStream(ECHO), "stream on the connection to drain");
    CompletableFuture<CloseReason> closed = a.network().drain(drained, Duration.ofSeconds(60));
    assertTrue(drained.isDraining(), "draining at once");
    for (int i = 0; i < 10; i++) {
      NetStream s = await(a.network().newStream(b.peer(), ECHO), "new stream " + i);
      assertNotSame(drained, s.connection(), "a new stream went to the draining connection");
      s.reset();
    }
    assertTrue(drained.isOpen(), "its stream is still in flight");
    assertEchoes(held, "finishes during the drain");
    assertEquals(CloseReason.Kind.LOCAL, await(closed, "closed once its stream ended").kind());
    assertThrows(IllegalArgumentException.class, () -> a.network().drain(
        a.network().getConnections(b.peer()).get(0), Duration.ofSeconds(-1)));
  }

  @Test
  @DisplayName("close(grace) lets a stream in flight finish, then closes the network")
  public void closeWithGraceLetsAStreamFinish() {
    Node a = node();
    Node b = node();
    introduce(a, b);
    NetStream s = await(a.network().newStream(b.peer(), ECHO), "stream");
    CompletableFuture<Void> done = b.network().close(Duration.ofSeconds(60));
    assertFalse(done.isDone(), "a stream is in flight");
    assertEchoes(s, "served while the network drains");
    await(done, "close(grace)");
    assertTrue(b.network().getConnections().isEmpty());
  }

  private static List<NetConn> concat(List<NetConn> x, List<NetConn> y) {
    List<NetConn> all = new ArrayList<>(x);
    all.addAll(y);
    return all;
  }

  private static int indexOf(List<Event> es, Kind kind, NetConn c) {
    for (int i = 0; i < es.size(); i++) {
      if (es.get(i).kind() == kind && es.get(i).connection() == c) {
        return i;
      }
    }
    return -1;
  }
}
