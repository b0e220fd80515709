package io.braid.testkit;

import io.braid.api.CloseReason;
import io.braid.api.ConnectionClosedException;
import io.braid.api.Direction;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.PeerId;
import io.braid.api.StreamResetException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link NetConn} without a network, for testing code that chooses or uses connections (load
 * balancers, stream placement, benchmarks).
 *
 * <p>What a test can set: the stream count ({@link #setStreamCount}), whether the connection is open
 * ({@link #close()}, {@link #closeWith}), and what {@link #newStream} does: succeed with an in-memory
 * echo stream (the default) or fail with a chosen exception ({@link #failNewStreamsWith}). Its id,
 * peers, addresses and direction are fixed at construction, with {@link #builder()} or the shortcuts
 * {@link #create()} and {@link #withStreamCount(int)}.
 *
 * <h2>Streams</h2>
 * A successful {@link #newStream} returns a stub {@link NetStream} speaking the first requested protocol
 * to an imaginary <em>echo</em> peer: what it writes comes back to its reads, in order; after
 * {@link NetStream#closeWrite()} the echo peer half-closes as well, so reads return the remaining
 * echoed bytes and then end of stream, and the stream is done. {@link NetStream#reset()} fails
 * pending and later operations with {@link StreamResetException}. Each stub stream adds one to
 * {@link #streamCount()} from the moment it is opened until it is done or reset (never taking the
 * count below zero, whatever {@link #setStreamCount} said meanwhile).
 *
 * <h2>Closing</h2>
 * {@link #close()} (or {@link #closeWith}) turns {@link #isOpen()} false, fails every open stub stream
 * with {@link ConnectionClosedException}, sets the stream count to zero, then completes
 * {@link #closeFuture()} with the reason, once. Later {@link #newStream} calls fail with
 * {@link ConnectionClosedException}.
 *
 * <h2>Threads</h2>
 * Thread-safe. {@link #isOpen()} and {@link #streamCount()} are single volatile reads, cheap enough for
 * benchmarks. Futures are completed on the calling thread, outside any lock. Equality is identity.
 */
public final class FakeNetConn implements NetConn {
  private static final AtomicLong IDS = new AtomicLong();
  private static final Multiaddr DEFAULT_LOCAL = Multiaddr.fromString("/ip4/127.0.0.1/tcp/40001");
  private static final Multiaddr DEFAULT_REMOTE = Multiaddr.fromString("/ip4/127.0.0.1/tcp/40002");

  private final String id;
  private final PeerId localPeer;
  private final PeerId remotePeer;
  private final Multiaddr localAddress;
  private final Multiaddr remoteAddress;
  private final Direction direction;
  private final AtomicInteger streamCount;
  private final CompletableFuture<CloseReason> closeFuture = new CompletableFuture<>();
  private final AtomicLong streamIds = new AtomicLong();
  /** Guards {@link #open} changes and {@link #streams}. */
  private final Object lock = new Object();
  private final Set<EchoStream> streams = new LinkedHashSet<>();
  private volatile boolean open = true;
  private volatile Throwable newStreamFailure;
  // health and drain: pings answer with pingRtt (null: unsupported), held while pingsHeld
  private volatile Duration pingRtt;
  private volatile boolean draining;
  private volatile long bytesSent;
  private volatile long bytesReceived;
  private volatile long lastActivity = NetConn.UNKNOWN;
  /** Pings not yet answered because of {@link #holdPings()}; guarded by {@link #lock}. */
  private final List<CompletableFuture<Duration>> heldPings = new ArrayList<>();
  private boolean pingsHeld;

  private FakeNetConn(Builder b) {
    this.id = b.id != null ? b.id : "fake-conn-" + IDS.incrementAndGet();
    this.localPeer = b.localPeer != null ? b.localPeer : testPeer(0);
    this.remotePeer = b.remotePeer != null ? b.remotePeer : testPeer(1);
    this.localAddress = b.localAddress != null ? b.localAddress : DEFAULT_LOCAL;
    this.remoteAddress = b.remoteAddress != null ? b.remoteAddress : DEFAULT_REMOTE;
    this.direction = b.direction;
    this.streamCount = new AtomicInteger(b.streamCount);
    this.newStreamFailure = b.newStreamFailure;
  }

  /** An open connection with default id, peers and addresses, and no streams. */
  public static FakeNetConn create() {
    return builder().build();
  }

  /**
   * An open connection with defaults and the given stream count.
   *
   * @throws IllegalArgumentException if {@code streamCount < 0}
   */
  public static FakeNetConn withStreamCount(int streamCount) {
    return builder().streamCount(streamCount).build();
  }

  /** A builder; every setting is optional. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A well-formed peer id (a sha2-256 multihash) made deterministically from {@code seed}: equal seeds
   * give equal ids, different seeds different ones. Not the id of any real key.
   */
  public static PeerId testPeer(long seed) {
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256")
          .digest(("braid-testkit-peer-" + seed).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
    byte[] multihash = new byte[2 + digest.length];
    multihash[0] = 0x12;
    multihash[1] = (byte) digest.length;
    System.arraycopy(digest, 0, multihash, 2, digest.length);
    return PeerId.fromBytes(multihash);
  }

  /**
   * Sets the stream count that {@link #streamCount()} reports (stub streams opened later add to it).
   *
   * @throws IllegalArgumentException if {@code count < 0}
   */
  public void setStreamCount(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("streamCount must be >= 0, was " + count);
    }
    streamCount.set(count);
  }

  /**
   * Makes later {@link #newStream} calls fail with {@code failure} (the returned future completes
   * exceptionally with exactly this instance); {@code null} makes them succeed again.
   */
  public void failNewStreamsWith(Throwable failure) {
    this.newStreamFailure = failure;
  }

  /** Makes later {@link #newStream} calls succeed (the default). */
  public void succeedNewStreams() {
    this.newStreamFailure = null;
  }

  /**
   * Closes the connection with {@code reason}; does nothing if it is already closed (the first reason
   * stays).
   *
   * @throws NullPointerException if {@code reason} is null
   */
  public void closeWith(CloseReason reason) {
    Objects.requireNonNull(reason, "reason");
    List<EchoStream> toFail;
    synchronized (lock) {
      if (!open) {
        return;
      }
      open = false;
      toFail = new ArrayList<>(streams);
      streams.clear();
    }
    ConnectionClosedException closed = new ConnectionClosedException("connection " + id + " closed: " + reason.kind());
    for (EchoStream s : toFail) {
      s.abort(closed);
    }
    streamCount.set(0);
    closeFuture.complete(reason);
  }

  /** Closes with {@link CloseReason#LOCAL}. Idempotent. */
  @Override
  public void close() {
    closeWith(CloseReason.LOCAL);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public PeerId localPeer() {
    return localPeer;
  }

  @Override
  public PeerId remotePeer() {
    return remotePeer;
  }

  @Override
  public Multiaddr localAddress() {
    return localAddress;
  }

  @Override
  public Multiaddr remoteAddress() {
    return remoteAddress;
  }

  @Override
  public Direction direction() {
    return direction;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public int streamCount() {
    return streamCount.get();
  }

  /**
   * Opens a stub echo stream speaking {@code protocols[0]}, or fails as configured.
   *
   * @throws IllegalArgumentException if {@code protocols} is null or empty, or holds a null or empty id
   */
  @Override
  public CompletableFuture<NetStream> newStream(String... protocols) {
    if (protocols == null || protocols.length == 0) {
      throw new IllegalArgumentException("newStream needs at least one protocol");
    }
    for (String p : protocols) {
      if (p == null || p.isEmpty()) {
        throw new IllegalArgumentException("protocol ids must be non-empty, got " + (p == null ? "null" : "''"));
      }
    }
    Throwable failure = newStreamFailure;
    if (failure != null) {
      return CompletableFuture.failedFuture(failure);
    }
    if (draining) {
      return CompletableFuture.failedFuture(new ConnectionClosedException("connection " + id + " is draining"));
    }
    EchoStream stream;
    synchronized (lock) {
      if (!open) {
        return CompletableFuture.failedFuture(new ConnectionClosedException("connection " + id + " is closed"));
      }
      stream = new EchoStream(streamIds.incrementAndGet(), protocols[0]);
      streams.add(stream);
      streamCount.incrementAndGet();
    }
    return CompletableFuture.completedFuture(stream);
  }

  @Override
  public CompletableFuture<CloseReason> closeFuture() {
    return closeFuture;
  }

  // ---- health and drain

  /**
   * Makes {@link #ping()} answer with {@code rtt} (at once, on the calling thread); {@code null} (the
   * default) makes it fail with {@link UnsupportedOperationException}, like a transport without pings.
   */
  public void answerPingsWith(Duration rtt) {
    this.pingRtt = rtt;
  }

  /** Holds every later ping's answer until {@link #releasePings()}: a stalled peer. */
  public void holdPings() {
    synchronized (lock) {
      pingsHeld = true;
    }
  }

  /** Answers the held pings with the configured RTT and stops holding; returns how many. */
  public int releasePings() {
    List<CompletableFuture<Duration>> release;
    synchronized (lock) {
      pingsHeld = false;
      release = new ArrayList<>(heldPings);
      heldPings.clear();
    }
    Duration rtt = pingRtt != null ? pingRtt : Duration.ZERO;
    release.forEach(f -> f.complete(rtt));
    return release.size();
  }

  @Override
  public CompletableFuture<Duration> ping() {
    Duration rtt = pingRtt;
    if (rtt == null) {
      return NetConn.super.ping();
    }
    synchronized (lock) {
      if (!open) {
        return CompletableFuture.failedFuture(new ConnectionClosedException("connection " + id + " is closed"));
      }
      if (pingsHeld) {
        CompletableFuture<Duration> f = new CompletableFuture<>();
        heldPings.add(f);
        return f;
      }
    }
    return CompletableFuture.completedFuture(rtt);
  }

  /** Sets what {@link #bytesSent()}, {@link #bytesReceived()} and {@link #lastActivityNanos()} report. */
  public void setTraffic(long sent, long received, long lastActivityNanos) {
    this.bytesSent = sent;
    this.bytesReceived = received;
    this.lastActivity = lastActivityNanos;
  }

  @Override
  public long bytesSent() {
    return bytesSent;
  }

  @Override
  public long bytesReceived() {
    return bytesReceived;
  }

  @Override
  public long lastActivityNanos() {
    return lastActivity;
  }

  /**
   * Marks it draining (new streams fail with {@link ConnectionClosedException}); closes at once if
   * {@link #streamCount()} is 0, else leaves the close to the test ({@link #close()}). Ignores the grace.
   */
  @Override
  public CompletableFuture<CloseReason> drain(Duration grace) {
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must be >= 0, was " + grace);
    }
    draining = true;
    if (streamCount.get() == 0) {
      close();
    }
    return closeFuture;
  }

  @Override
  public boolean isDraining() {
    return draining;
  }

  @Override
  public String toString() {
    return "FakeNetConn[" + id + ", remote=" + remotePeer + ", streams=" + streamCount.get()
        + (open ? ", open]" : ", closed]");
  }

  /** Called once by a stub stream when it stops counting. */
  private void streamDone(EchoStream stream) {
    synchronized (lock) {
      if (!streams.remove(stream)) {
        return; // the connection closed first and already zeroed the count
      }
      streamCount.updateAndGet(c -> c > 0 ? c - 1 : 0);
    }
  }

  /** The stub stream: an in-memory echo peer; state guarded by {@code this}. */
  private final class EchoStream implements NetStream {
    private final long streamId;
    private final String protocol;
    private final ArrayDeque<ByteBuffer> echoed = new ArrayDeque<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private CompletableFuture<ByteBuffer> pendingRead;
    private boolean writeClosed;
    private boolean discardInbound;
    private Throwable failure;

    EchoStream(long streamId, String protocol) {
      this.streamId = streamId;
      this.protocol = protocol;
    }

    @Override
    public long id() {
      return streamId;
    }

    @Override
    public NetConn connection() {
      return FakeNetConn.this;
    }

    @Override
    public String protocol() {
      return protocol;
    }

    @Override
    public Direction direction() {
      return Direction.OUTBOUND;
    }

    @Override
    public CompletableFuture<ByteBuffer> read() {
      synchronized (this) {
        if (pendingRead != null) {
          throw new IllegalStateException("a read is already outstanding on stream " + streamId);
        }
        if (failure != null) {
          return CompletableFuture.failedFuture(failure);
        }
        ByteBuffer next = echoed.poll();
        if (next != null) {
          return CompletableFuture.completedFuture(next);
        }
        if (writeClosed) {
          return CompletableFuture.completedFuture(ByteBuffer.allocate(0).asReadOnlyBuffer());
        }
        pendingRead = new CompletableFuture<>();
        return pendingRead;
      }
    }

    @Override
    public CompletableFuture<Void> write(ByteBuffer data) {
      Objects.requireNonNull(data, "data");
      CompletableFuture<ByteBuffer> toComplete = null;
      ByteBuffer copy;
      synchronized (this) {
        if (failure != null) {
          return CompletableFuture.failedFuture(failure);
        }
        if (writeClosed) {
          return CompletableFuture.failedFuture(
              new IllegalStateException("stream " + streamId + " is half-closed for writing"));
        }
        copy = ByteBuffer.allocate(data.remaining());
        copy.put(data).flip();
        if (!discardInbound && copy.hasRemaining()) {
          if (pendingRead != null) {
            toComplete = pendingRead;
            pendingRead = null;
          } else {
            echoed.add(copy.asReadOnlyBuffer());
          }
        }
      }
      if (toComplete != null) {
        toComplete.complete(copy.asReadOnlyBuffer());
      }
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> closeWrite() {
      finishOrderly(false);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void reset() {
      abort(new StreamResetException("stream " + streamId + " was reset"));
    }

    @Override
    public void close() {
      finishOrderly(true);
    }

    @Override
    public synchronized boolean isOpen() {
      return failure == null && !writeClosed;
    }

    @Override
    public CompletableFuture<Void> closeFuture() {
      return done;
    }

    @Override
    public String toString() {
      return "EchoStream[" + streamId + " " + protocol + " on " + id + "]";
    }

    /** Our write side closes; the echo peer then closes its own, so the stream is done. */
    private void finishOrderly(boolean discard) {
      CompletableFuture<ByteBuffer> eof = null;
      boolean first;
      synchronized (this) {
        if (discard) {
          discardInbound = true;
          echoed.clear();
        }
        first = !writeClosed && failure == null;
        writeClosed = true;
        if (pendingRead != null && echoed.isEmpty()) {
          eof = pendingRead;
          pendingRead = null;
        }
      }
      if (eof != null) {
        eof.complete(ByteBuffer.allocate(0).asReadOnlyBuffer());
      }
      if (first) {
        streamDone(this);
        done.complete(null);
      }
    }

    /** Fails the stream (reset or connection closed) unless it already finished. */
    void abort(Throwable cause) {
      CompletableFuture<ByteBuffer> read;
      synchronized (this) {
        if (failure != null || writeClosed) {
          return;
        }
        failure = cause;
        echoed.clear();
        read = pendingRead;
        pendingRead = null;
      }
      if (read != null) {
        read.completeExceptionally(cause);
      }
      streamDone(this);
      done.completeExceptionally(cause);
    }
  }

  /** Settings for a {@link FakeNetConn}; each setter checks its input at once. Not thread-safe. */
  public static final class Builder {
    private String id;
    private PeerId localPeer;
    private PeerId remotePeer;
    private Multiaddr localAddress;
    private Multiaddr remoteAddress;
    private Direction direction = Direction.OUTBOUND;
    private int streamCount;
    private Throwable newStreamFailure;

    private Builder() {}

    /** The id; default {@code fake-conn-<n>}, unique within the process. */
    public Builder id(String id) {
      if (id == null || id.isEmpty()) {
        throw new IllegalArgumentException("id must be non-empty");
      }
      this.id = id;
      return this;
    }

    /** This side's peer; default {@code testPeer(0)}. */
    public Builder localPeer(PeerId peer) {
      this.localPeer = Objects.requireNonNull(peer, "localPeer");
      return this;
    }

    /** The remote peer; default {@code testPeer(1)}. */
    public Builder remotePeer(PeerId peer) {
      this.remotePeer = Objects.requireNonNull(peer, "remotePeer");
      return this;
    }

    /** This side's address; default {@code /ip4/127.0.0.1/tcp/40001}. */
    public Builder localAddress(Multiaddr address) {
      this.localAddress = Objects.requireNonNull(address, "localAddress");
      return this;
    }

    /** The remote address; default {@code /ip4/127.0.0.1/tcp/40002}. */
    public Builder remoteAddress(Multiaddr address) {
      this.remoteAddress = Objects.requireNonNull(address, "remoteAddress");
      return this;
    }

    /** Which side dialed; default {@link Direction#OUTBOUND}. */
    public Builder direction(Direction direction) {
      this.direction = Objects.requireNonNull(direction, "direction");
      return this;
    }

    /**
     * The initial stream count; default 0.
     *
     * @throws IllegalArgumentException if {@code count < 0}
     */
    public Builder streamCount(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("streamCount must be >= 0, was " + count);
      }
      this.streamCount = count;
      return this;
    }

    /** Makes {@link FakeNetConn#newStream} fail with {@code failure}; default null (succeed). */
    public Builder failNewStreamsWith(Throwable failure) {
      this.newStreamFailure = failure;
      return this;
    }

    /** A new open connection with these settings. */
    public FakeNetConn build() {
      return new FakeNetConn(this);
    }
  }
}
