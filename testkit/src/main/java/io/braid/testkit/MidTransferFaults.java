package io.braid.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.braid.api.ConnectionClosedException;
import io.braid.api.LoadBalancer;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.Network;
import io.braid.api.PeerId;
import io.braid.api.StreamHandler;
import io.braid.api.StreamResetException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One connection killed in the middle of a transfer, for any {@link Network} over any transport (the
 * testkit's {@link MemoryTransport} with its fault injection, or TCP with a socket closed by the test):
 * eight streams spread over three connections to one peer each send 256 KiB and get the SHA-256 of what
 * the server read back; halfway through, one connection is killed. Then:
 * <ul>
 *   <li>every stream on another connection finishes, its checksum verified;</li>
 *   <li>every stream on the killed one fails promptly with {@link StreamResetException} or
 *       {@link ConnectionClosedException}, never with a short read or a wrong checksum;</li>
 *   <li>the client keeps its other connections to the peer, and its listener sees the lost connection
 *       closed exactly once and the peer never disconnected;</li>
 *   <li>the balancer ({@link #balancer()}, round robin) is never offered the lost connection again, and
 *       new streams go to the survivors with every byte verified.</li>
 * </ul>
 * The server side serves {@link #PROTOCOL} with {@link #checksumHandler()}; every failure it saw is in
 * {@link #serverFailures()}. One instance per run; thread-safe.
 */
public final class MidTransferFaults {
  /** The protocol the server serves with {@link #checksumHandler()}. */
  public static final String PROTOCOL = "/braid/test/checksum/1.0.0";

  private static final int STREAMS = 8;
  private static final int CONNECTIONS = 3;
  private static final int CHUNK = 32 * 1024;
  private static final int CHUNKS = 8;

  private final List<Throwable> serverFailures = new CopyOnWriteArrayList<>();
  private final AtomicInteger served = new AtomicInteger();
  private final RecordingBalancer balancer = new RecordingBalancer();

  /** The server's handler: reads to the end, answers the SHA-256 (hex) of what it read, half-closes. */
  public StreamHandler checksumHandler() {
    return stream -> Streams.readFully(stream, 2 * CHUNK * CHUNKS).whenComplete((bytes, e) -> {
      if (e != null) {
        serverFailures.add(Streams.unwrap(e));
        return;
      }
      served.incrementAndGet();
      Streams.writeAllAndClose(stream, Streams.sha256(bytes).getBytes(StandardCharsets.US_ASCII));
    });
  }

  /** A round-robin balancer that records every candidate list; give it to the client's swarm. */
  public LoadBalancer balancer() {
    return balancer;
  }

  /** What the server-side handler saw fail (streams of the killed connection, and nothing else). */
  public List<Throwable> serverFailures() {
    return List.copyOf(serverFailures);
  }

  /**
   * Runs the scenario. {@code client} must already have exactly three open connections to {@code server}
   * and use {@link #balancer()}; {@code events} must be registered on {@code client}.
   *
   * @param kill kills the connection it is given abruptly (not a graceful close)
   * @param timeout the bound on each wait
   */
  public void run(Network client, PeerId server, RecordingNetworkListener events, Consumer<NetConn> kill,
      Duration timeout) {
    Objects.requireNonNull(kill, "kill");
    List<NetConn> conns = client.getConnections(server);
    assertEquals(CONNECTIONS, conns.size(), "the client starts with three connections: " + conns);

    List<NetStream> streams = new ArrayList<>();
    for (int i = 0; i < STREAMS; i++) {
      streams.add(await(client.newStream(server, PROTOCOL), timeout, "open stream " + i));
    }
    Map<String, Integer> perConnection = new HashMap<>();
    streams.forEach(s -> perConnection.merge(s.connection().id(), 1, Integer::sum));
    assertEquals(CONNECTIONS, perConnection.size(), "the streams use every connection: " + perConnection);

    List<byte[]> payloads = new ArrayList<>();
    List<CompletableFuture<byte[]>> answers = new ArrayList<>();
    for (int i = 0; i < STREAMS; i++) {
      payloads.add(Streams.randomBytes(CHUNK * CHUNKS, 1000 + i));
      answers.add(Streams.readFully(streams.get(i), 1024));
    }
    for (int i = 0; i < STREAMS; i++) { // the first half of every transfer
      byte[] half = Arrays.copyOfRange(payloads.get(i), 0, CHUNK * CHUNKS / 2);
      await(Streams.writeAll(streams.get(i), half, CHUNK), timeout, "first half of stream " + i);
    }

    NetConn victim = conns.get(1);
    int victimStreams = perConnection.get(victim.id());
    int selectsBeforeKill = balancer.calls();
    kill.accept(victim);

    List<CompletableFuture<Void>> rest = new ArrayList<>();
    for (int i = 0; i < STREAMS; i++) {
      byte[] second = Arrays.copyOfRange(payloads.get(i), CHUNK * CHUNKS / 2, CHUNK * CHUNKS);
      rest.add(Streams.writeAll(streams.get(i), second, CHUNK));
    }
    int failed = 0;
    for (int i = 0; i < STREAMS; i++) {
      NetStream s = streams.get(i);
      if (s.connection().id().equals(victim.id())) {
        Throwable e = awaitFailure(answers.get(i), timeout, "stream " + i + " on the killed connection");
        assertTrue(e instanceof StreamResetException || e instanceof ConnectionClosedException,
            "stream " + i + " on the killed connection fails with a reset or connection-closed error, not "
                + e);
        awaitFailure(s.write(java.nio.ByteBuffer.wrap(new byte[] {1})), timeout, "a write after the kill");
        failed++;
      } else {
        await(rest.get(i).thenCompose(v -> s.closeWrite()), timeout, "second half of stream " + i);
        String got = new String(await(answers.get(i), timeout, "answer of stream " + i), StandardCharsets.US_ASCII);
        assertEquals(Streams.sha256(payloads.get(i)), got, "stream " + i + ": every byte arrived, in order");
      }
    }
    assertEquals(victimStreams, failed);

    await(victim.closeFuture(), timeout, "the killed connection's close future");
    events.await(ev -> events.count(RecordingNetworkListener.Kind.CONNECTION_CLOSED, victim) >= 1, timeout,
        "the killed connection's close event");
    List<NetConn> survivors = client.getConnections(server);
    assertEquals(CONNECTIONS - 1, survivors.size(), "the client keeps its other connections: " + survivors);
    assertFalse(survivors.stream().anyMatch(c -> c.id().equals(victim.id())));
    assertTrue(survivors.stream().allMatch(NetConn::isOpen));

    // New streams go to the survivors, and carry every byte.
    int selectsAfterKill = balancer.calls();
    for (int i = 0; i < 6; i++) {
      NetStream s = await(client.newStream(server, PROTOCOL), timeout, "stream after the kill " + i);
      assertNotEquals(victim.id(), s.connection().id(), "a new stream went to the killed connection");
      byte[] data = Streams.randomBytes(CHUNK * 2, 5000 + i);
      byte[] answer = await(Streams.exchange(s, data, 1024), timeout, "exchange after the kill " + i);
      assertEquals(Streams.sha256(data), new String(answer, StandardCharsets.US_ASCII));
    }
    for (List<String> candidates : balancer.since(selectsAfterKill)) {
      assertFalse(candidates.contains(victim.id()), "the balancer was offered the lost connection: " + candidates);
      assertEquals(CONNECTIONS - 1, candidates.size(), candidates.toString());
    }
    for (List<String> candidates : balancer.before(selectsBeforeKill)) {
      assertEquals(CONNECTIONS, candidates.size(), "before the kill: " + candidates);
    }

    assertEquals(1, events.count(RecordingNetworkListener.Kind.CONNECTION_CLOSED, victim),
        "the loss is seen exactly once: " + events.events());
    assertEquals(0, events.count(RecordingNetworkListener.Kind.PEER_DISCONNECTED, server),
        "the peer is still connected");
    assertEquals(STREAMS - victimStreams + 6, served.get(), "the server answered each surviving stream once");
    assertTrue(serverFailures.size() <= victimStreams, "only the killed streams fail at the server: "
        + serverFailures);
    for (Throwable t : serverFailures) {
      assertTrue(t instanceof StreamResetException || t instanceof ConnectionClosedException, t.toString());
    }
  }

  private static <T> T await(CompletableFuture<T> f, Duration timeout, String what) {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return fail(what + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      return fail(what + " did not complete within " + timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }

  private static Throwable awaitFailure(CompletableFuture<?> f, Duration timeout, String what) {
    try {
      Object v = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return fail(what + " should have failed but completed with " + v);
    } catch (ExecutionException e) {
      return Streams.unwrap(e.getCause());
    } catch (TimeoutException e) {
      return fail(what + " did not fail within " + timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }

  private static final class RecordingBalancer implements LoadBalancer {
    private final List<List<String>> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public NetConn select(PeerId peer, List<NetConn> candidates) {
      calls.add(candidates.stream().map(NetConn::id).toList());
      return candidates.get(Math.floorMod(next.getAndIncrement(), candidates.size()));
    }

    int calls() {
      return calls.size();
    }

    List<List<String>> since(int from) {
      return calls.subList(from, calls.size());
    }

    List<List<String>> before(int to) {
      return calls.subList(0, to);
    }
  }
}
