package io.braid.benchmarks;

import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.PeerId;
import io.braid.api.TransportContext;
import io.braid.identity.Identity;
import io.braid.protocols.Echo;
import io.braid.testkit.TestStreamRouter;
import io.braid.transport.tcp.TcpTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The misbehaving clients of {@link Soak}: {@code clients} connections split evenly over five kinds, all from
 * loopback addresses other than 127.0.0.1 (127.0.{@code subnet}.2 to 127.0.{@code subnet}.101, {@code subnet} 0
 * unless told otherwise), so that the well-behaved peer on 127.0.0.1 is a different host as far as the listener
 * can tell. {@link Soak}'s warm-up uses another {@code subnet}, so that what the listener remembers of those
 * addresses (bans, strikes) does not carry over into the measured attack.
 *
 * <ul>
 *   <li>{@link Kind#IDLE}: connects and sends nothing;
 *   <li>{@link Kind#GARBAGE}: sends 1 KiB of random bytes every 200 ms;
 *   <li>{@link Kind#STALL}: proposes multistream-select and Noise, sends the first bytes of a Noise frame
 *       and stalls mid-handshake;
 *   <li>{@link Kind#STREAM_FLOOD}: a real peer (Noise + Yamux) that keeps opening echo streams and never
 *       closes them, 64 opens in flight per connection;
 *   <li>{@link Kind#NEVER_READ}: a real peer that opens 4 echo streams, writes 4 MiB to each and never reads
 *       the echo.
 * </ul>
 *
 * <p>{@link Soak} runs them in a JVM of their own under {@code nice -n 19} ({@link #main}): on a machine shared
 * with the listener, the attackers' own CPU stands for machines elsewhere and must not be what slows the
 * well-behaved peer; what is measured is what they make the listener do.
 *
 * <p>A client whose connection the listener closes (or refuses) comes back {@code reconnect} later (1 s by
 * default, {@code --reconnect-ms} of {@link Soak}), until {@link #stop()}; a refused stream is tried again
 * 200 ms later.
 * Raw clients run on one selector thread; the real peers on 20 {@link TcpTransport}s of one event loop each,
 * each with its own identity and source address. Every loop ends at {@link #stop()}.
 */
public final class SoakAttackers implements AutoCloseable {
  enum Kind { IDLE, GARBAGE, STALL, STREAM_FLOOD, NEVER_READ }

  /** What happened to one kind's clients. */
  static final class Counts {
    final AtomicLong connects = new AtomicLong();
    final AtomicLong closedByListener = new AtomicLong();
    final AtomicLong streamsOpened = new AtomicLong();
    final AtomicLong streamsRefused = new AtomicLong();

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%,d connects, %,d closed or refused by the listener, %,d streams opened,"
          + " %,d refused", connects.get(), closedByListener.get(), streamsOpened.get(), streamsRefused.get());
    }
  }

  private static final ByteBuffer NEVER_READ_PAYLOAD = ByteBuffer.allocate(4 << 20).asReadOnlyBuffer();
  private static final long GARBAGE_EVERY_NANOS = Duration.ofMillis(200).toNanos();
  private static final long STREAM_RETRY_NANOS = Duration.ofMillis(200).toNanos();
  private final long reconnectNanos;
  private static final int SOURCES = 100;
  private static final int REAL_PEERS = 20;

  private final InetSocketAddress target;
  private final Multiaddr address;
  private final PeerId listenerPeer;
  private final Map<Kind, Counts> counts = new EnumMap<>(Kind.class);
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final Selector selector;
  private final Thread rawThread;
  private final List<TcpTransport> transports = new ArrayList<>();
  private final ConcurrentLinkedQueue<Due> pendingRedials = new ConcurrentLinkedQueue<>();
  private final Random random = new Random(42);
  private final int subnet;

  SoakAttackers(Multiaddr address, PeerId listenerPeer, int clients, Duration reconnect) throws IOException {
    this(address, listenerPeer, clients, reconnect, java.util.EnumSet.allOf(Kind.class), 0);
  }

  /**
   * As above, with only {@code kinds} of clients ({@code clients} split evenly over them), from addresses
   * 127.0.{@code subnet}.x.
   */
  SoakAttackers(Multiaddr address, PeerId listenerPeer, int clients, Duration reconnect, java.util.Set<Kind> kinds,
      int subnet) throws IOException {
    if (subnet < 0 || subnet > 255) {
      throw new IllegalArgumentException("subnet must be 0..255, was " + subnet);
    }
    this.subnet = subnet;
    this.reconnectNanos = reconnect.toNanos();
    this.address = address;
    this.listenerPeer = listenerPeer;
    this.target = new InetSocketAddress(address.valueOf("ip4").orElseThrow(),
        Integer.parseInt(address.valueOf("tcp").orElseThrow()));
    for (Kind k : Kind.values()) {
      counts.put(k, new Counts());
    }
    this.selector = Selector.open();
    List<RawClient> raw = new ArrayList<>();
    int perKind = clients / kinds.size();
    int n = 0;
    for (Kind k : List.of(Kind.IDLE, Kind.GARBAGE, Kind.STALL)) {
      if (!kinds.contains(k)) {
        continue;
      }
      for (int i = 0; i < perKind; i++) {
        raw.add(new RawClient(k, source(n++)));
      }
    }
    for (int t = 0; t < REAL_PEERS; t++) {
      transports.add(TcpTransport.builder(new TransportContext(Identity.generate(), new TestStreamRouter(),
          Duration.ofSeconds(10))).threads(1).identifyOnConnect(false).dialFrom(source(n + t)).build());
    }
    this.rawThread = new Thread(() -> runRaw(raw), "soak-raw-attackers");
    rawThread.setDaemon(true);
    rawThread.start();
    for (int i = 0; i < perKind; i++) {
      if (kinds.contains(Kind.STREAM_FLOOD)) {
        realClient(Kind.STREAM_FLOOD, transports.get(i % REAL_PEERS));
      }
      if (kinds.contains(Kind.NEVER_READ)) {
        realClient(Kind.NEVER_READ, transports.get((i + REAL_PEERS / 2) % REAL_PEERS));
      }
    }
  }

  /**
   * {@code SoakAttackers <multiaddr with /p2p/> <clients> [reconnect ms, default 1000] [kinds, comma list, default
   * all] [subnet, the third byte of the source addresses, default 0]}: starts the clients, prints {@code STARTED}, runs
   * until a line {@code stop} (or the end of standard input), then prints one {@code COUNTS <kind> ...} line
   * per kind and exits.
   */
  public static void main(String[] args) throws Exception {
    Multiaddr target = Multiaddr.fromString(args[0]);
    int clients = Integer.parseInt(args[1]);
    Duration reconnect = Duration.ofMillis(args.length > 2 ? Long.parseLong(args[2]) : 1000);
    java.util.Set<Kind> kinds = java.util.EnumSet.noneOf(Kind.class);
    for (String k : (args.length > 3 ? args[3] : "IDLE,GARBAGE,STALL,STREAM_FLOOD,NEVER_READ").split(",")) {
      kinds.add(Kind.valueOf(k.trim().toUpperCase(java.util.Locale.ROOT)));
    }
    int subnet = args.length > 4 ? Integer.parseInt(args[4]) : 0;
    java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors
        .newSingleThreadScheduledExecutor();
    try (SoakAttackers attack = new SoakAttackers(target.withoutPeerId(), target.peerId().orElseThrow(), clients,
        reconnect, kinds, subnet)) {
      timer.scheduleAtFixedRate(attack::tick, 200, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
      System.out.println("STARTED");
      System.out.flush();
      java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
          StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null && !line.equals("stop"); ) {
        // only "stop" means anything
      }
      timer.shutdownNow();
      attack.stop();
      attack.counts().forEach((k, c) -> System.out.println("COUNTS " + k + " " + c));
      System.out.flush();
    } finally {
      timer.shutdownNow();
    }
    System.exit(0);
  }

  Map<Kind, Counts> counts() {
    return counts;
  }

  private InetAddress source(int n) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, (byte) subnet, (byte) (2 + n % SOURCES)});
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- raw clients: one selector thread

  private final class RawClient {
    final Kind kind;
    final InetAddress from;
    SocketChannel channel;
    long nextActionNanos;

    RawClient(Kind kind, InetAddress from) {
      this.kind = kind;
      this.from = from;
    }

    void connect() {
      try {
        channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.bind(new InetSocketAddress(from, 0));
        channel.connect(target);
        channel.register(selector, SelectionKey.OP_CONNECT, this);
      } catch (IOException e) {
        closedByListener();
      }
    }

    void connected() throws IOException {
      channel.finishConnect();
      counts.get(kind).connects.incrementAndGet();
      channel.keyFor(selector).interestOps(SelectionKey.OP_READ);
      if (kind == Kind.STALL) {
        // "/multistream/1.0.0\n" and "/noise\n", each behind its varint length, then 10 of a 32-byte frame.
        ByteBuffer b = ByteBuffer.allocate(64);
        line(b, "/multistream/1.0.0\n");
        line(b, "/noise\n");
        b.put((byte) 0).put((byte) 32).put(new byte[10]);
        channel.write(b.flip());
      }
      nextActionNanos = System.nanoTime();
    }

    void tick(long now) throws IOException {
      if (kind == Kind.GARBAGE && channel != null && channel.isConnected() && now >= nextActionNanos) {
        byte[] junk = new byte[1024];
        random.nextBytes(junk);
        channel.write(ByteBuffer.wrap(junk));
        nextActionNanos = now + GARBAGE_EVERY_NANOS;
      } else if (channel == null && now >= nextActionNanos) {
        connect();
      }
    }

    void closedByListener() {
      counts.get(kind).closedByListener.incrementAndGet();
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // closing
        }
      }
      channel = null;
      nextActionNanos = System.nanoTime() + reconnectNanos;
    }
  }

  private static void line(ByteBuffer b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
    b.put((byte) bytes.length).put(bytes);
  }

  private void runRaw(List<RawClient> clients) {
    clients.forEach(RawClient::connect);
    ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
    try {
      while (!stopped.get()) {
        selector.select(50);
        for (SelectionKey key : selector.selectedKeys()) {
          RawClient c = (RawClient) key.attachment();
          try {
            if (key.isConnectable()) {
              c.connected();
            } else if (key.isReadable()) {
              sink.clear();
              if (c.channel.read(sink) < 0) {
                c.closedByListener();
              }
            }
          } catch (IOException e) {
            c.closedByListener();
          }
        }
        selector.selectedKeys().clear();
        long now = System.nanoTime();
        for (RawClient c : clients) {
          try {
            c.tick(now);
          } catch (IOException e) {
            c.closedByListener();
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      if (!stopped.get()) {
        System.err.println("soak: the raw attackers stopped: " + e);
      }
    } finally {
      for (RawClient c : clients) {
        if (c.channel != null) {
          try {
            c.channel.close();
          } catch (IOException ignored) {
            // closing
          }
        }
      }
    }
  }

  // ---- real peers: Noise + Yamux through TcpTransport

  private void realClient(Kind kind, TcpTransport transport) {
    if (stopped.get()) {
      return;
    }
    Counts c = counts.get(kind);
    transport.dial(address, listenerPeer).whenComplete((conn, e) -> {
      if (e != null) {
        c.closedByListener.incrementAndGet();
        later(() -> realClient(kind, transport), reconnectNanos);
        return;
      }
      c.connects.incrementAndGet();
      conn.closeFuture().whenComplete((r, x) -> {
        if (!stopped.get()) {
          c.closedByListener.incrementAndGet();
          later(() -> realClient(kind, transport), reconnectNanos);
        }
      });
      if (kind == Kind.STREAM_FLOOD) {
        for (int i = 0; i < 64; i++) {
          flood(conn, c);
        }
      } else {
        for (int i = 0; i < 4; i++) {
          conn.newStream(Echo.PROTOCOL).whenComplete((s, x) -> {
            if (x != null) {
              c.streamsRefused.incrementAndGet();
            } else {
              c.streamsOpened.incrementAndGet();
              // Never read: the echo fills the window and stops. One shared buffer of zeros for every stream
              // (writes do not copy), so that 500 such clients do not need gigabytes themselves.
              s.write(NEVER_READ_PAYLOAD.duplicate());
            }
          });
        }
      }
    });
  }

  /** Opens an echo stream, keeps it open, and opens the next once this one is settled. */
  private void flood(NetConn conn, Counts c) {
    if (stopped.get() || !conn.isOpen()) {
      return;
    }
    CompletableFuture<NetStream> open = conn.newStream(Echo.PROTOCOL);
    open.whenComplete((s, x) -> {
      if (x != null) {
        c.streamsRefused.incrementAndGet();
        later(() -> flood(conn, c), STREAM_RETRY_NANOS); // refused: try again a little later, as a persistent attacker would
      } else {
        c.streamsOpened.incrementAndGet();
        flood(conn, c);
      }
    });
  }

  /** Runs {@code r} {@code delayNanos} from now (at the next {@link #tick()} after that; bounded by {@link #stop()}). */
  private void later(Runnable r, long delayNanos) {
    if (!stopped.get()) {
      pendingRedials.add(new Due(System.nanoTime() + delayNanos, r));
    }
  }

  private record Due(long atNanos, Runnable action) {}

  /** Called every 200 ms: runs the redials and retries that are due. */
  void tick() {
    long now = System.nanoTime();
    for (int n = pendingRedials.size(); n > 0 && !stopped.get(); n--) {
      Due d = pendingRedials.poll();
      if (d == null) {
        break;
      }
      if (d.atNanos() - now <= 0) {
        d.action().run();
      } else {
        pendingRedials.add(d);
      }
    }
  }

  /** Stops every client and closes every socket; waits (bounded) for the transports to end. */
  void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    selector.wakeup();
    try {
      rawThread.join(5_000);
      selector.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException ignored) {
      // closing
    }
    pendingRedials.clear();
    for (TcpTransport t : transports) {
      t.close();
    }
    for (TcpTransport t : transports) {
      t.terminationFuture().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
  }

  @Override
  public void close() {
    stop();
  }
}
