package io.braid.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.braid.api.BraidException;
import io.braid.api.CloseReason;
import io.braid.api.ConnectionClosedException;
import io.braid.api.Direction;
import io.braid.api.HostIdentity;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.PeerId;
import io.braid.api.PeerIdMismatchException;
import io.braid.api.ProtocolNegotiationException;
import io.braid.api.StreamResetException;
import io.braid.api.Transport;
import io.braid.api.TransportContext;
import io.braid.api.TransportException;
import io.braid.api.TransportListener;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The suite every {@link Transport} must pass. Extend it in your transport's tests, implement the two
 * factory methods, and every test here runs against your transport, exactly as it runs against
 * {@link MemoryTransport} (see {@code MemoryTransportTest}):
 *
 * <pre>{@code
 * class TcpTransportTest extends TransportContract {
 *   protected Transport createTransport(TransportContext context) { return new TcpTransport(context); }
 *   protected Multiaddr listenAddress() { return Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"); }
 *   protected HostIdentity newIdentity() { return Ed25519Identity.generate(); }
 * }
 * }</pre>
 *
 * <p>Each test makes two transports with fresh identities, a {@link #server} that listens and a
 * {@link #client} that dials, each with a {@link TestStreamRouter} the test fills. Every wait is bounded
 * by {@link #timeout()}. After each test both transports are closed, every connection the test saw must
 * close, every {@link RecordingInboundHandler} must have settled, and {@link #assertQuiescent} is asked
 * to check for leaks.
 *
 * <p>What is checked is the api Javadoc of {@link Transport}, {@link NetConn}, {@link NetStream},
 * {@link TransportListener} and {@link io.braid.api.InboundConnectionHandler}; where that Javadoc leaves
 * the exception type open, so does this suite.
 */
public abstract class TransportContract {
  /** Echo protocol the tests register with {@link Streams#echo()}. */
  protected static final String ECHO = "/braid/test/echo/1.0.0";
  /** A second echo protocol, for preference-order tests. */
  protected static final String ECHO_2 = "/braid/test/echo/2.0.0";
  /** A protocol no router serves. */
  protected static final String UNKNOWN = "/braid/test/unknown/1.0.0";
  /** Handlers registered on this protocol keep their streams without reading. */
  protected static final String HOLD = "/braid/test/hold/1.0.0";
  /** Protocol of the large-transfer test. */
  protected static final String BULK = "/braid/test/bulk/1.0.0";

  /** For subclasses: one per transport under test. */
  protected TransportContract() {}

  // ---- Factory methods and knobs ----

  /** Makes the transport under test for one node. Called twice per test (server and client). */
  protected abstract Transport createTransport(TransportContext context);

  /** Where the server listens: an address with a port or id of 0, e.g. {@code /ip4/127.0.0.1/tcp/0}. */
  protected abstract Multiaddr listenAddress();

  /** A fresh identity for a node; override if your transport needs real keys. */
  protected HostIdentity newIdentity() {
    return TestIdentity.random();
  }

  /** The inbound handshake timeout given to both transports. */
  protected Duration handshakeTimeout() {
    return Duration.ofSeconds(10);
  }

  /** Bound on every single wait in the suite. */
  protected Duration timeout() {
    return Duration.ofSeconds(20);
  }

  /** An address the transport does not support. */
  protected Multiaddr unsupportedAddress() {
    return Multiaddr.fromString("/ip4/127.0.0.1/udp/9");
  }

  /** Bytes sent each way by the large-transfer test. */
  protected int largeTransferBytes() {
    return 16 * 1024 * 1024;
  }

  /** A writer to a peer that reads nothing must stall before it has written this much. */
  protected long backpressureLimitBytes() {
    return 64L * 1024 * 1024;
  }

  /** How long a write may stay incomplete before the backpressure test calls the writer stalled. */
  protected Duration stallPeriod() {
    return Duration.ofMillis(300);
  }

  /**
   * Called when {@code transport} should hold no connection, stream, pending handshake or timer that a
   * finished exchange left behind (after a refused or failed dial, and after each test once the
   * transports closed). Implementations that can observe such things should assert on them; by default
   * nothing is checked.
   */
  protected void assertQuiescent(Transport transport) {}

  // ---- Fixture ----

  protected HostIdentity serverIdentity;
  protected HostIdentity clientIdentity;
  protected TestStreamRouter serverRouter;
  protected TestStreamRouter clientRouter;
  protected Transport server;
  protected Transport client;
  private final List<NetConn> seenConnections = new CopyOnWriteArrayList<>();
  private final List<RecordingInboundHandler> handlers = new CopyOnWriteArrayList<>();

  /** A connection as both ends see it, with the listener and handler that made it. */
  public record Connected(NetConn client, NetConn server, TransportListener listener,
      RecordingInboundHandler handler) {}

  @BeforeEach
  public final void createTransports() {
    serverIdentity = newIdentity();
    clientIdentity = newIdentity();
    serverRouter = new TestStreamRouter();
    clientRouter = new TestStreamRouter();
    server = createTransport(new TransportContext(serverIdentity, serverRouter, handshakeTimeout()));
    client = createTransport(new TransportContext(clientIdentity, clientRouter, handshakeTimeout()));
  }

  @AfterEach
  public final void closeTransportsAndCheckForLeaks() {
    try {
      if (client != null) {
        client.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
    for (NetConn c : seenConnections) {
      await(c.closeFuture(), "close of " + c);
      assertFalse(c.isOpen(), c + " is open after its transport closed");
      assertEquals(0, c.streamCount(), c + " counts streams after it closed");
    }
    for (RecordingInboundHandler h : handlers) {
      h.awaitSettled(timeout());
    }
    assertQuiescent(client);
    assertQuiescent(server);
  }

  /** Starts the server listening with {@code handler}, which the suite then checks after the test. */
  protected final TransportListener listen(RecordingInboundHandler handler) {
    handlers.add(handler);
    return await(server.listen(listenAddress(), handler), "listen on " + listenAddress());
  }

  /** Dials the server from the client and returns both ends (the server listens with a new handler). */
  protected final Connected connect() {
    RecordingInboundHandler handler = new RecordingInboundHandler();
    TransportListener listener = listen(handler);
    NetConn clientEnd = dial(listener);
    NetConn serverEnd = handler.awaitConnection(timeout());
    seenConnections.add(serverEnd);
    return new Connected(clientEnd, serverEnd, listener, handler);
  }

  /** Dials {@code listener}'s first address from the client, expecting the server's peer id. */
  protected final NetConn dial(TransportListener listener) {
    NetConn c = await(client.dial(listener.addresses().get(0), serverIdentity.peerId()), "dial");
    seenConnections.add(c);
    return c;
  }

  /** Waits at most {@link #timeout()} for {@code future} and returns its value. */
  protected final <T> T await(CompletableFuture<T> future, String what) {
    return Awaits.await(future, timeout(), what);
  }

  /** Waits at most {@link #timeout()} for {@code future} to fail and returns the unwrapped cause. */
  protected final Throwable awaitFailure(CompletableFuture<?> future, String what) {
    return Awaits.awaitFailure(future, timeout(), what);
  }

  /** Opens a stream on {@code conn}, waiting at most {@link #timeout()}. */
  protected final NetStream openStream(NetConn conn, String... protocols) {
    return await(conn.newStream(protocols), "newStream" + List.of(protocols));
  }

  private static ByteBuffer text(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Takes the next element of {@code queue}, waiting at most {@link #timeout()}. */
  protected final <T> T take(BlockingQueue<T> queue, String what) {
    try {
      T t = queue.poll(timeout().toMillis(), TimeUnit.MILLISECONDS);
      if (t == null) {
        fail("no " + what + " within " + timeout());
      }
      return t;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted while waiting for " + what);
    }
  }

  /** Registers {@link #HOLD} on the server: its streams go to the returned queue, unread. */
  protected final BlockingQueue<NetStream> holdOnServer() {
    BlockingQueue<NetStream> held = new LinkedBlockingQueue<>();
    serverRouter.register(HOLD, held::add);
    return held;
  }

  // ---- Listening and dialing ----

  @Test
  public void listeningOnAWildcardAddressReportsConcreteDistinctAddresses() {
    TransportListener first = listen(new RecordingInboundHandler());
    TransportListener second = listen(new RecordingInboundHandler());
    for (TransportListener l : List.of(first, second)) {
      List<Multiaddr> addresses = l.addresses();
      assertFalse(addresses.isEmpty(), "a listener reports at least one address");
      for (Multiaddr a : addresses) {
        assertTrue(server.supports(a), "the transport supports its own address " + a);
        for (Multiaddr.Component c : a.components()) {
          if (Set.of("tcp", "udp", "memory").contains(c.name())) {
            assertNotEquals("0", c.valueString(), "reported address " + a + " still has a wildcard " + c.name());
          }
        }
      }
      assertThrows(UnsupportedOperationException.class, () -> addresses.add(listenAddress()),
          "addresses() is immutable");
    }
    assertNotEquals(first.addresses(), second.addresses(), "two listeners bound the same address");
  }

  @Test
  public void dialingAListenerGivesBothSidesAConnectionWithMatchingPeersDirectionsAndAddresses() {
    Connected c = connect();
    NetConn out = c.client();
    NetConn in = c.server();

    assertEquals(Direction.OUTBOUND, out.direction());
    assertEquals(Direction.INBOUND, in.direction());
    assertEquals(clientIdentity.peerId(), out.localPeer());
    assertEquals(serverIdentity.peerId(), out.remotePeer());
    assertEquals(serverIdentity.peerId(), in.localPeer());
    assertEquals(clientIdentity.peerId(), in.remotePeer());
    assertEquals(c.listener().addresses().get(0), out.remoteAddress(), "the dialer's remote address is the one dialed");
    assertEquals(out.remoteAddress(), in.localAddress());
    assertEquals(out.localAddress(), in.remoteAddress());
    assertEquals(List.of(in.remoteAddress()), c.handler().offeredAddresses(),
        "accept() saw the dialer's address, once");
    assertNotEquals(out.id(), in.id(), "connection ids are unique within the process");
    assertTrue(out.isOpen());
    assertTrue(in.isOpen());
    assertEquals(0, out.streamCount());
    assertEquals(0, in.streamCount());
    assertTrue(c.handler().failures().isEmpty());
  }

  @Test
  public void dialingAnAddressWithTheServersPeerIdSuffixConnects() {
    RecordingInboundHandler handler = new RecordingInboundHandler();
    TransportListener l = listen(handler);
    Multiaddr withPeer = l.addresses().get(0).encapsulate("/p2p/" + serverIdentity.peerId());
    assertTrue(client.supports(withPeer));
    NetConn c = await(client.dial(withPeer, serverIdentity.peerId()), "dial " + withPeer);
    seenConnections.add(c);
    seenConnections.add(handler.awaitConnection(timeout()));
    assertEquals(serverIdentity.peerId(), c.remotePeer());
  }

  @Test
  public void dialingTheWrongPeerFailsWithPeerIdMismatchAndLeavesNoConnectionOnEitherSide() {
    RecordingInboundHandler handler = new RecordingInboundHandler();
    TransportListener l = listen(handler);
    PeerId wrong = newIdentity().peerId();

    Throwable t = awaitFailure(client.dial(l.addresses().get(0), wrong), "dial expecting the wrong peer");

    PeerIdMismatchException e = assertInstanceOf(PeerIdMismatchException.class, t);
    assertEquals(wrong, e.expected());
    assertEquals(serverIdentity.peerId(), e.actual());
    assertFalse(e.isRetryable(), "a peer id mismatch is never retried");
    handler.awaitSettled(timeout());
    assertTrue(handler.connections().isEmpty(), "the listener got no connection");
    assertEquals(handler.admittedCount(), handler.failures().size(), "each admitted attempt failed");
    assertQuiescent(client);
    assertQuiescent(server);
  }

  @Test
  public void aConnectionRefusedByAcceptFailsTheDialRetryablyAndLeaksNothing() {
    RecordingInboundHandler refusing = RecordingInboundHandler.refusingAll();
    TransportListener l = listen(refusing);

    Throwable t = awaitFailure(client.dial(l.addresses().get(0), serverIdentity.peerId()), "refused dial");

    TransportException e = assertInstanceOf(TransportException.class, t);
    assertTrue(e.isRetryable());
    assertEquals(1, refusing.acceptCalls());
    assertTrue(refusing.connections().isEmpty(), "a refused connection is never handed out");
    assertTrue(refusing.failures().isEmpty(), "failed() is not called after accept() returned false");
    assertQuiescent(client);
    assertQuiescent(server);
  }

  @Test
  public void dialingAnAddressNobodyListensOnFailsWithARetryableTransportException() {
    RecordingInboundHandler handler = new RecordingInboundHandler();
    TransportListener l = listen(handler);
    Multiaddr address = l.addresses().get(0);
    l.close();
    await(l.closeFuture(), "listener close");

    Throwable t = awaitFailure(client.dial(address, serverIdentity.peerId()), "dial to a closed address");

    TransportException e = assertInstanceOf(TransportException.class, t);
    assertTrue(e.isRetryable(), "nobody listening may change: the dial is retryable");
    assertEquals(0, handler.acceptCalls());
  }

  @Test
  public void unsupportedAddressesAreRejectedWithIllegalArgumentException() {
    Multiaddr bad = unsupportedAddress();
    assertFalse(client.supports(bad));
    assertThrows(IllegalArgumentException.class, () -> client.dial(bad, serverIdentity.peerId()));
    assertThrows(IllegalArgumentException.class, () -> server.listen(bad, new RecordingInboundHandler()));
  }

  @Test
  public void cancellingADialReleasesTheAttempt() {
    RecordingInboundHandler handler = new RecordingInboundHandler();
    TransportListener l = listen(handler);
    CompletableFuture<NetConn> dial = client.dial(l.addresses().get(0), serverIdentity.peerId());
    if (!dial.cancel(true) && !dial.isCompletedExceptionally()) {
      // The dial won the race: it is then ours to close.
      dial.join().close();
    }
    handler.awaitSettled(timeout());
    for (NetConn c : handler.connections()) {
      await(c.closeFuture(), "close of the connection whose dial was cancelled");
    }
  }

  @Test
  public void closingAListenerStopsNewDialsWhileExistingConnectionsGoOn() {
    serverRouter.register(ECHO, Streams.echo());
    Connected c = connect();
    c.listener().close();
    c.listener().close();
    await(c.listener().closeFuture(), "listener close");

    Throwable t = awaitFailure(client.dial(c.listener().addresses().get(0), serverIdentity.peerId()),
        "dial after the listener closed");
    assertInstanceOf(TransportException.class, t);

    assertTrue(c.client().isOpen());
    byte[] data = Streams.randomBytes(1000, 1);
    assertArrayEquals(data, await(Streams.exchange(openStream(c.client(), ECHO), data, data.length), "echo"));
  }

  @Test
  public void closingTheTransportClosesItsListenersAndConnections() {
    BlockingQueue<NetStream> held = holdOnServer();
    Connected c = connect();
    NetStream stream = openStream(c.client(), HOLD);
    take(held, "held stream");
    CompletableFuture<ByteBuffer> pendingRead = stream.read();

    server.close();
    server.close();

    await(c.listener().closeFuture(), "listener close");
    CloseReason here = await(c.server().closeFuture(), "server connection close");
    assertTrue(here.kind() == CloseReason.Kind.LOCAL || here.kind() == CloseReason.Kind.SHUTDOWN,
        "the closing side's reason is LOCAL or SHUTDOWN, was " + here);
    assertEquals(CloseReason.Kind.REMOTE, await(c.client().closeFuture(), "client connection close").kind());
    assertInstanceOf(ConnectionClosedException.class, awaitFailure(pendingRead, "read on a closed connection"));
    assertFalse(c.server().isOpen());

    Throwable redial = awaitFailure(client.dial(c.listener().addresses().get(0), serverIdentity.peerId()),
        "dial to a closed transport");
    assertInstanceOf(TransportException.class, redial);
    Throwable listenAgain = awaitFailure(server.listen(listenAddress(), new RecordingInboundHandler()),
        "listen on a closed transport");
    assertInstanceOf(BraidException.class, listenAgain);
  }

  // ---- Streams ----

  @Test
  public void manyConcurrentStreamsEachEchoTheirBytesExactly() {
    serverRouter.register(ECHO, Streams.echo());
    Connected c = connect();
    int streams = 64;
    int size = 64 * 1024;
    List<NetStream> opened = new CopyOnWriteArrayList<>();
    List<CompletableFuture<byte[]>> echoes = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      byte[] data = Streams.randomBytes(size, i);
      echoes.add(c.client().newStream(ECHO).thenCompose(s -> {
        opened.add(s);
        return Streams.exchange(s, data, size);
      }));
    }
    await(CompletableFuture.allOf(echoes.toArray(CompletableFuture[]::new)), "64 echoes");
    for (int i = 0; i < streams; i++) {
      assertArrayEquals(Streams.randomBytes(size, i), echoes.get(i).join(), "echo of stream " + i);
    }
    for (NetStream s : opened) {
      await(s.closeFuture(), "close of " + s);
      assertFalse(s.isOpen());
    }
    assertEquals(0, c.client().streamCount(), "every echoed stream closed");
  }

  @Test
  public void aLargeTransferArrivesByteIdenticalInBothDirectionsAtOnce() {
    int size = largeTransferBytes();
    byte[] up = Streams.randomBytes(size, 101);
    byte[] down = Streams.randomBytes(size, 202);
    CompletableFuture<byte[]> serverReceived = new CompletableFuture<>();
    serverRouter.register(BULK, s -> {
      Streams.readFully(s, size).whenComplete((b, e) -> {
        if (e != null) {
          serverReceived.completeExceptionally(e);
        } else {
          serverReceived.complete(b);
        }
      });
      Streams.writeAllAndClose(s, down);
    });
    Connected c = connect();
    NetStream s = openStream(c.client(), BULK);
    CompletableFuture<byte[]> clientReceived = Streams.readFully(s, size);
    CompletableFuture<Void> sent = Streams.writeAllAndClose(s, up);

    await(sent, "upload");
    assertEquals(Streams.sha256(up), Streams.sha256(await(serverReceived, "upload arrival")),
        "the server received exactly what the client sent");
    assertEquals(Streams.sha256(down), Streams.sha256(await(clientReceived, "download arrival")),
        "the client received exactly what the server sent");
    await(s.closeFuture(), "stream close");
  }

  @Test
  public void afterAHalfCloseTheRemoteReadsEndOfStreamAndCanStillWriteBack() {
    CompletableFuture<NetStream> serverSide = new CompletableFuture<>();
    serverRouter.register(HOLD, s -> {
      serverSide.complete(s);
      Streams.readFully(s, 1024).thenCompose(req ->
          Streams.writeAllAndClose(s, ("got " + req.length).getBytes(StandardCharsets.UTF_8)));
    });
    Connected c = connect();
    NetStream s = openStream(c.client(), HOLD);
    await(s.write(text("hello")), "write");
    await(s.closeWrite(), "closeWrite");
    await(s.closeWrite(), "a second closeWrite");
    assertNotNull(awaitFailure(s.write(text("late")), "write after closeWrite"));

    byte[] reply = await(Streams.readFully(s, 1024), "reply");
    assertEquals("got 5", new String(reply, StandardCharsets.UTF_8));
    assertEquals(0, await(s.read(), "read after end of stream").remaining(), "end of stream repeats");

    NetStream remote = await(serverSide, "server stream");
    await(s.closeFuture(), "client stream close");
    await(remote.closeFuture(), "server stream close");
    assertFalse(s.isOpen());
    assertFalse(remote.isOpen());
    assertEquals(0, c.client().streamCount());
    assertEquals(0, c.server().streamCount());
  }

  @Test
  public void aResetFailsPendingAndLaterOperationsOnBothSides() {
    CompletableFuture<NetStream> serverSide = new CompletableFuture<>();
    CompletableFuture<CompletableFuture<ByteBuffer>> serverRead = new CompletableFuture<>();
    serverRouter.register(HOLD, s -> {
      serverRead.complete(s.read());
      serverSide.complete(s);
    });
    Connected c = connect();
    NetStream s = openStream(c.client(), HOLD);
    NetStream remote = await(serverSide, "server stream");
    CompletableFuture<ByteBuffer> pendingRead = s.read();

    s.reset();
    s.reset();

    assertInstanceOf(StreamResetException.class, awaitFailure(pendingRead, "pending read on the resetting side"));
    assertInstanceOf(StreamResetException.class, awaitFailure(await(serverRead, "server read"),
        "pending read on the remote side"));
    assertInstanceOf(StreamResetException.class, awaitFailure(s.write(text("x")), "write after reset"));
    assertInstanceOf(StreamResetException.class, awaitFailure(s.read(), "read after reset"));
    assertInstanceOf(StreamResetException.class, awaitFailure(remote.write(text("x")), "remote write after reset"));
    assertInstanceOf(StreamResetException.class, awaitFailure(s.closeFuture(), "close future"));
    assertInstanceOf(StreamResetException.class, awaitFailure(remote.closeFuture(), "remote close future"));
    assertFalse(s.isOpen());
    assertFalse(remote.isOpen());
    assertEquals(0, c.client().streamCount());
    assertEquals(0, c.server().streamCount());
    assertTrue(c.client().isOpen(), "a reset stream does not close its connection");
  }

  @Test
  public void aResetByTheRemoteSideFailsThisSidesPendingRead() {
    serverRouter.register(HOLD, NetStream::reset);
    Connected c = connect();
    CompletableFuture<NetStream> opening = c.client().newStream(HOLD);
    Throwable t;
    try {
      NetStream s = opening.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
      t = awaitFailure(s.read(), "read on a stream the remote reset");
    } catch (ExecutionException e) {
      t = e.getCause(); // the reset overtook the negotiation's answer: also acceptable
    } catch (Exception e) {
      t = fail("newStream did not finish", e);
    }
    assertInstanceOf(StreamResetException.class, t);
    assertTrue(c.client().isOpen());
  }

  @Test
  public void aSecondConcurrentReadThrowsIllegalStateException() {
    holdOnServer();
    Connected c = connect();
    NetStream s = openStream(c.client(), HOLD);
    CompletableFuture<ByteBuffer> first = s.read();
    assertThrows(IllegalStateException.class, s::read);
    assertFalse(first.isDone());
    s.reset();
  }

  @Test
  public void newStreamWithoutProtocolsThrowsIllegalArgumentException() {
    Connected c = connect();
    assertThrows(IllegalArgumentException.class, () -> c.client().newStream());
    assertEquals(0, c.client().streamCount());
  }

  @Test
  public void streamCountIsExactAsStreamsOpenAndClose() {
    BlockingQueue<NetStream> held = holdOnServer();
    Connected c = connect();
    NetConn out = c.client();
    NetConn in = c.server();
    assertEquals(0, out.streamCount());

    NetStream s1 = openStream(out, HOLD);
    assertEquals(1, out.streamCount());
    NetStream s2 = openStream(out, HOLD);
    assertEquals(2, out.streamCount());
    NetStream s3 = openStream(out, HOLD);
    assertEquals(3, out.streamCount());
    NetStream r1 = take(held, "server stream 1");
    NetStream r2 = take(held, "server stream 2");
    take(held, "server stream 3");
    assertEquals(3, in.streamCount(), "inbound streams count on the server too");

    s1.reset();
    assertInstanceOf(StreamResetException.class, awaitFailure(s1.closeFuture(), "reset stream"));
    assertEquals(2, out.streamCount(), "a stream stops counting before its close future completes");
    awaitFailure(r1.closeFuture(), "remote end of the reset stream");
    assertEquals(2, in.streamCount());

    s2.close();
    r2.closeWrite();
    await(s2.closeFuture(), "orderly close");
    assertEquals(1, out.streamCount());
    await(r2.closeFuture(), "remote orderly close");
    assertEquals(1, in.streamCount());

    s3.reset();
    awaitFailure(s3.closeFuture(), "reset stream 3");
    assertEquals(0, out.streamCount());
  }

  @Test
  public void anUnknownProtocolFailsWithProtocolNegotiationExceptionAndTheConnectionServesOthers() {
    serverRouter.register(ECHO, Streams.echo());
    Connected c = connect();

    Throwable t = awaitFailure(c.client().newStream(UNKNOWN), "newStream(" + UNKNOWN + ")");

    ProtocolNegotiationException e = assertInstanceOf(ProtocolNegotiationException.class, t);
    assertEquals(List.of(UNKNOWN), e.offered());
    assertFalse(e.isRetryable());
    assertTrue(c.client().isOpen(), "a refused protocol leaves the connection open");
    assertEquals(0, c.client().streamCount(), "the refused stream does not count");

    NetStream s = openStream(c.client(), UNKNOWN, ECHO);
    assertEquals(ECHO, s.protocol(), "the first protocol the remote accepts is chosen");
    byte[] data = Streams.randomBytes(4096, 3);
    assertArrayEquals(data, await(Streams.exchange(s, data, data.length), "echo after a refusal"));
  }

  @Test
  public void theFirstOfferedProtocolTheRemoteAcceptsWins() {
    serverRouter.register(ECHO, Streams.echo());
    serverRouter.register(ECHO_2, Streams.echo());
    Connected c = connect();
    NetStream a = openStream(c.client(), ECHO_2, ECHO);
    NetStream b = openStream(c.client(), ECHO, ECHO_2);
    assertEquals(ECHO_2, a.protocol());
    assertEquals(ECHO, b.protocol());
    a.reset();
    b.reset();
  }

  @Test
  public void streamsOpenInBothDirectionsOnOneConnection() {
    clientRouter.register(ECHO, Streams.echo());
    Connected c = connect();
    NetStream fromServer = openStream(c.server(), ECHO);
    assertEquals(Direction.OUTBOUND, fromServer.direction());
    assertEquals(c.server(), fromServer.connection());
    byte[] data = Streams.randomBytes(10_000, 4);
    assertArrayEquals(data, await(Streams.exchange(fromServer, data, data.length), "echo from the client"));
  }

  @Test
  public void aHandlerThatThrowsResetsOnlyItsOwnStream() {
    serverRouter.register(HOLD, s -> {
      throw new IllegalStateException("handler bug (thrown on purpose by the test)");
    });
    serverRouter.register(ECHO, Streams.echo());
    Connected c = connect();
    CompletableFuture<NetStream> opening = c.client().newStream(HOLD);
    Throwable t;
    try {
      NetStream s = opening.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
      t = awaitFailure(s.read(), "read on the stream whose handler threw");
    } catch (ExecutionException e) {
      t = e.getCause();
    } catch (Exception e) {
      t = fail("newStream did not finish", e);
    }
    assertInstanceOf(StreamResetException.class, t);
    assertTrue(c.client().isOpen());
    byte[] data = Streams.randomBytes(100, 5);
    assertArrayEquals(data, await(Streams.exchange(openStream(c.client(), ECHO), data, data.length), "echo"));
  }

  @Test
  public void closingAConnectionFailsItsStreamsAndCompletesBothCloseFutures() {
    BlockingQueue<NetStream> held = holdOnServer();
    Connected c = connect();
    List<NetStream> local = new ArrayList<>();
    List<NetStream> remote = new ArrayList<>();
    List<CompletableFuture<ByteBuffer>> localReads = new ArrayList<>();
    List<CompletableFuture<ByteBuffer>> remoteReads = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      NetStream s = openStream(c.client(), HOLD);
      local.add(s);
      localReads.add(s.read());
      NetStream r = take(held, "server stream");
      remote.add(r);
      remoteReads.add(r.read());
    }

    c.client().close();
    assertFalse(c.client().isOpen(), "isOpen() is false as soon as close() returns");
    c.client().close();

    assertEquals(CloseReason.Kind.LOCAL, await(c.client().closeFuture(), "local close").kind());
    assertEquals(0, c.client().streamCount());
    assertEquals(CloseReason.Kind.REMOTE, await(c.server().closeFuture(), "remote close").kind());
    assertFalse(c.server().isOpen());
    assertEquals(0, c.server().streamCount());
    for (int i = 0; i < 3; i++) {
      assertInstanceOf(ConnectionClosedException.class, awaitFailure(localReads.get(i), "local read " + i));
      assertInstanceOf(ConnectionClosedException.class, awaitFailure(remoteReads.get(i), "remote read " + i));
      assertInstanceOf(ConnectionClosedException.class, awaitFailure(local.get(i).closeFuture(), "stream close"));
      assertInstanceOf(ConnectionClosedException.class, awaitFailure(remote.get(i).closeFuture(), "stream close"));
      assertFalse(local.get(i).isOpen());
    }
    assertInstanceOf(ConnectionClosedException.class, awaitFailure(c.client().newStream(HOLD),
        "newStream on a closed connection"));
    assertDoesNotThrow(() -> c.client().close());
  }

  @Test
  public void aWriterToAPeerThatDoesNotReadStallsUntilThePeerReads() {
    BlockingQueue<NetStream> held = holdOnServer();
    Connected c = connect();
    NetStream s = openStream(c.client(), HOLD);
    NetStream remote = take(held, "server stream");
    byte[] chunk = Streams.randomBytes(64 * 1024, 6);

    long accepted = 0;
    CompletableFuture<Void> stalled = null;
    while (accepted < backpressureLimitBytes()) {
      CompletableFuture<Void> w = s.write(ByteBuffer.wrap(chunk));
      try {
        w.get(stallPeriod().toMillis(), TimeUnit.MILLISECONDS);
        accepted += chunk.length;
      } catch (TimeoutException e) {
        stalled = w;
        break;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted");
      } catch (ExecutionException e) {
        fail("write failed", e.getCause());
      }
    }
    assertNotNull(stalled, "the writer never stalled although the peer read nothing: " + accepted
        + " bytes accepted");

    long total = accepted + chunk.length;
    CompletableFuture<byte[]> received = Streams.readFully(remote, (int) Math.min(Integer.MAX_VALUE, total));
    await(stalled, "the stalled write once the peer reads");
    await(s.closeWrite(), "closeWrite");
    byte[] all = await(received, "everything written");
    assertEquals(total, all.length);
    for (int off = 0; off < all.length; off += chunk.length) {
      assertArrayEquals(chunk, java.util.Arrays.copyOfRange(all, off, off + chunk.length), "chunk at " + off);
    }
  }
}
