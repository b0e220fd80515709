package io.braid.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.braid.api.Direction;
import io.braid.api.HostIdentity;
import io.braid.api.LimitExceededException;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.NetworkMetrics;
import io.braid.api.ResourceManager;
import io.braid.api.ResourceScope;
import io.braid.api.ResourceUsage;
import io.braid.api.StreamResetException;
import io.braid.api.TransportContext;
import io.braid.api.TransportListener;
import io.braid.identity.Identity;
import io.braid.testkit.RecordingInboundHandler;
import io.braid.testkit.Streams;
import io.braid.testkit.TestStreamRouter;
import io.braid.transport.tcp.internal.yamux.YamuxFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The TCP transport asks its context's ResourceManager for every stream: refusals reset, memory is charged. */
@ExtendWith(LeakCheck.class)
class TcpResourceLimitsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Multiaddr LOOPBACK = Multiaddr.fromString("/ip4/127.0.0.1/tcp/0");
  private static final String ECHO = "/echo/1.0.0";

  private final List<TcpTransport> transports = new ArrayList<>();

  /** Records what the transport asks; refuses streams of {@code refuse} (or none), or a protocol named "/refused". */
  private static final class Recording implements ResourceManager {
    final Direction refuse;
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final List<Long> reserved = new CopyOnWriteArrayList<>();
    final List<String> protocols = new CopyOnWriteArrayList<>();

    Recording(Direction refuse) {
      this.refuse = refuse;
    }

    @Override
    public StreamScope openStream(NetConn connection, Direction direction) {
      if (direction == refuse) {
        throw new LimitExceededException(ResourceScope.PEER, connection.remotePeer().toString(),
            "streamsInboundPerPeer", 0, 0, "stream refused");
      }
      opened.incrementAndGet();
      return new StreamScope() {
        @Override
        public void setProtocol(String protocol) {
          if (protocol.equals("/refused")) {
            throw new LimitExceededException(ResourceScope.PROTOCOL, protocol, "streamsInboundPerProtocol", 0, 0,
                "stream refused");
          }
          protocols.add(protocol);
        }

        @Override
        public void reserveMemory(long bytes) {
          reserved.add(bytes);
        }

        @Override
        public void releaseMemory(long bytes) {}

        @Override
        public void close() {
          closed.incrementAndGet();
        }
      };
    }

    @Override
    public ResourceUsage usage() {
      return ResourceUsage.EMPTY;
    }
  }

  private TcpTransport transport(HostIdentity identity, TestStreamRouter router, ResourceManager rm) {
    TcpTransport t = TcpTransport.builder(new TransportContext(identity, router, WAIT, NetworkMetrics.NOOP, rm))
        .threads(2).identifyOnConnect(false).build();
    transports.add(t);
    return t;
  }

  @AfterEach
  void close() {
    transports.forEach(TcpTransport::close);
    for (TcpTransport t : transports) {
      await(t.terminationFuture());
    }
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return fail("failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException | InterruptedException e) {
      return fail("not done within " + WAIT);
    }
  }

  private static Throwable awaitFailure(CompletableFuture<?> f) {
    try {
      Object v = f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      return fail("should have failed but completed with " + v);
    } catch (ExecutionException e) {
      return Streams.unwrap(e.getCause());
    } catch (TimeoutException | InterruptedException e) {
      return fail("did not fail within " + WAIT);
    }
  }

  /** A connection from a client with {@code clientRm} to a server with {@code serverRm} serving echo and "/refused". */
  private NetConn connect(ResourceManager serverRm, ResourceManager clientRm, AtomicInteger handled) {
    Identity server = Identity.generate();
    TestStreamRouter router = new TestStreamRouter();
    io.braid.api.StreamHandler inner = Streams.echo();
    io.braid.api.StreamHandler echo = s -> {
      handled.incrementAndGet();
      inner.handle(s);
    };
    router.register(ECHO, echo).register("/refused", echo);
    TcpTransport st = transport(server, router, serverRm);
    TransportListener l = await(st.listen(LOOPBACK, new RecordingInboundHandler()));
    TcpTransport ct = transport(Identity.generate(), new TestStreamRouter(), clientRm);
    return await(ct.dial(l.addresses().get(0), server.peerId()));
  }

  @Test
  void aRefusedInboundStreamIsResetBeforeItsHandlerRuns() {
    AtomicInteger handled = new AtomicInteger();
    NetConn conn = connect(new Recording(Direction.INBOUND), ResourceManager.UNLIMITED, handled);
    Throwable e = awaitFailure(conn.newStream(ECHO));
    assertInstanceOf(StreamResetException.class, e, "the server reset the stream (Yamux RST): " + e);
    assertEquals(0, handled.get());
    assertTrue(conn.isOpen(), "only the stream is refused, not the connection");
  }

  @Test
  void aStreamRefusedByItsProtocolsLimitIsReset() throws Exception {
    AtomicInteger handled = new AtomicInteger();
    Recording server = new Recording(null);
    NetConn conn = connect(server, ResourceManager.UNLIMITED, handled);
    // Charged when its proposal arrives: the server resets it before echoing the protocol, so the open fails.
    Throwable e = awaitFailure(conn.newStream("/refused"));
    assertInstanceOf(StreamResetException.class, e, e.toString());
    assertEquals(0, handled.get());
    // The server gave the refused stream back.
    io.braid.testkit.Awaits.until(() -> server.closed.get() >= 1, WAIT, "the server's stream scope closed");
    assertEquals(server.opened.get(), server.closed.get());
  }

  @Test
  void aRefusedOutboundStreamFailsWithTheLimitAndOpensNothing() {
    AtomicInteger handled = new AtomicInteger();
    Recording server = new Recording(null);
    NetConn conn = connect(server, new Recording(Direction.OUTBOUND), handled);
    LimitExceededException e = assertInstanceOf(LimitExceededException.class, awaitFailure(conn.newStream(ECHO)));
    assertEquals(ResourceScope.PEER, e.scope());
    assertEquals(0, conn.streamCount());
    assertEquals(0, server.opened.get(), "nothing reached the server");
  }

  @Test
  void everyStreamReservesItsInitialWindowAndGivesItAllBackWhenItEnds() throws Exception {
    AtomicInteger handled = new AtomicInteger();
    Recording server = new Recording(null);
    Recording client = new Recording(null);
    NetConn conn = connect(server, client, handled);
    NetStream s = await(conn.newStream(ECHO));
    assertEquals(3, await(Streams.exchange(s, new byte[] {1, 2, 3}, 16)).length);
    io.braid.testkit.Awaits.until(() -> server.closed.get() >= 1 && client.closed.get() >= 1, WAIT,
        "both stream scopes closed");
    assertEquals(List.of((long) YamuxFrame.INITIAL_WINDOW), client.reserved);
    assertEquals(List.of((long) YamuxFrame.INITIAL_WINDOW), server.reserved);
    assertEquals(List.of(ECHO), server.protocols);
    assertEquals(List.of(ECHO), client.protocols);
    assertEquals(1, server.closed.get());
    assertEquals(1, client.closed.get());
    assertFalse(s.isOpen());
  }
}
