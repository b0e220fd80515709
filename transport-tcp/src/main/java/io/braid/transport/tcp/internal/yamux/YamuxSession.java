package io.braid.transport.tcp.internal.yamux;

import static io.braid.transport.tcp.internal.yamux.YamuxFrame.FLAG_ACK;
import static io.braid.transport.tcp.internal.yamux.YamuxFrame.FLAG_FIN;
import static io.braid.transport.tcp.internal.yamux.YamuxFrame.FLAG_RST;
import static io.braid.transport.tcp.internal.yamux.YamuxFrame.FLAG_SYN;
import static io.braid.transport.tcp.internal.yamux.YamuxFrame.GO_AWAY_NORMAL;
import static io.braid.transport.tcp.internal.yamux.YamuxFrame.MAX_U32;
import static io.braid.transport.tcp.internal.yamux.YamuxFrame.TYPE_DATA;
import static io.braid.transport.tcp.internal.yamux.YamuxFrame.TYPE_GO_AWAY;
import static io.braid.transport.tcp.internal.yamux.YamuxFrame.TYPE_PING;
import static io.braid.transport.tcp.internal.yamux.YamuxFrame.TYPE_WINDOW_UPDATE;

import io.braid.api.ConnectionClosedException;
import io.braid.api.ConnectionTimeoutException;
import io.braid.api.LimitExceededException;
import io.braid.api.ResourceLimits;
import io.braid.api.ResourceScope;
import io.braid.api.StreamResetException;
import io.braid.transport.tcp.internal.yamux.YamuxFrame.Header;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Yamux session (libp2p/specs yamux, hashicorp/yamux spec.md) as the last inbound handler of a
 * (secured) channel. The client opens odd stream ids, the server even ones.
 *
 * <h2>Design note</h2>
 * All session and stream state lives on the channel's event loop; public methods of the session and
 * of its streams hop there ({@link #runOnLoop}) and complete their futures there. Frames are parsed in
 * place from the decoder's cumulation: a Data header is validated (frame size cap, receive window)
 * <em>before</em> its body is awaited, and body bytes are copied into the stream's receive queue as
 * they arrive, so the cumulation never holds more than one socket read and a header announcing a
 * huge body is refused at once. The receive queue is bounded by the window we granted.
 *
 * <p>Receive windows start at 256 KiB. When the reader has consumed half a window a WindowUpdate
 * returns the credit; as in go-yamux, if the previous update was less than 4 RTT ago the window is
 * doubled first (up to {@link YamuxConfig#maxStreamWindow()}, and only while the sum of all the live
 * streams' windows stays within {@link YamuxConfig#maxConnectionWindow()}: the per-connection memory
 * bound, as rust-yamux's connection window). The RTT is that of the last keepalive ping (one is sent
 * when the session starts); with keepalive disabled there is no RTT and no tuning. Since the window
 * grows whenever a window's worth is drained within a few RTTs, throughput over a long path is bound by
 * the maximum window per RTT (16 MiB / 50 ms), not by the initial 256 KiB.
 *
 * <p>Errors: a protocol violation (bad version or type, data beyond the window, window credit above
 * 2^32-1, a SYN for a live or already used id, a SYN with our parity or id 0, a Data frame for an
 * unknown stream above the frame size cap) sends GoAway(protocol error) and closes the channel; every
 * stream then fails with {@link ConnectionClosedException} whose cause is the
 * {@link YamuxProtocolException}. Nothing is thrown out of the handler. Inbound SYNs beyond
 * {@link YamuxConfig#maxInboundStreams()} or after our GoAway get RST; Data after the remote's FIN resets
 * that stream only.
 *
 * <p>Floods: answers to the remote (pongs, RSTs refusing SYNs) are bounded by how many are still waiting
 * for the socket ({@link YamuxConfig#maxPendingPongs()}, {@link YamuxConfig#maxPendingRefusals()}); past
 * that the frame gets no answer. Frames that carry no payload and change nothing (zero-length frames
 * without flags, frames for streams that are gone, repeated GoAway, unanswered pings, refused SYNs) are
 * counted; more than {@link YamuxConfig#maxEmptyFrames()} in a row is a protocol error. The streams
 * this side opens are capped by {@link YamuxConfig#maxOutboundStreams()}.
 *
 * <h2>Ownership</h2>
 * The session consumes and releases every inbound {@link ByteBuf} (through {@link ByteToMessageDecoder});
 * it passes nothing on. The buffers it writes are released by the channel. Stream data crosses the API
 * as heap {@link ByteBuffer} copies.
 */
public final class YamuxSession extends ByteToMessageDecoder {

  private static final Logger log = LoggerFactory.getLogger(YamuxSession.class);
  private static final ByteBuffer EOF = ByteBuffer.allocate(0).asReadOnlyBuffer();

  private final boolean client;
  private final YamuxConfig config;
  private final MuxedStreamListener listener;

  private volatile ChannelHandlerContext ctx;
  private volatile EventExecutor executor;

  private final Map<Long, YamuxStream> streams = new HashMap<>();
  private volatile int inboundCount;
  private volatile int outboundCount;
  private long nextStreamId;
  private long lastRemoteId;
  private int unacked;
  private final ArrayDeque<CompletableFuture<MuxedStream>> pendingOpens = new ArrayDeque<>();
  private boolean localGoAway;
  private volatile boolean remoteGoAway;
  private volatile boolean closed;
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  // Frame parsing state: inside a Data body, or skipping the body of a frame nobody wants.
  private YamuxStream bodyTarget;
  private long bodyRemaining;
  private int bodyFlags;
  private long discardRemaining;

  // Keepalive and RTT.
  private boolean started;
  private long nextPingId;
  private long outstandingPing = -1;
  private long pingSentAt;
  private ScheduledFuture<?> pingTimeout;
  private ScheduledFuture<?> nextKeepAlive;
  private volatile long rttNanos;
  private int pendingPongs;
  private volatile long droppedPings;
  /** Pings asked for with {@link #ping()}, by id: when each was sent and who waits. Event loop only. */
  private final Map<Long, UserPing> userPings = new HashMap<>();
  /** Futures of {@link #drain()} waiting for the stream count to reach 0. Event loop only. */
  private final List<CompletableFuture<Void>> idleWaiters = new ArrayList<>(1);

  // Traffic: written on the event loop, read anywhere.
  private volatile long bytesIn;
  private volatile long bytesOut;
  private volatile long lastActivity = System.nanoTime();

  /** Outbound pings {@link #ping()} allows unanswered at once. */
  public static final int MAX_USER_PINGS = 8;

  /**
   * How long an orderly close may wait for the socket to take the frames written before it (the last data,
   * a FIN, the GoAway) and for the peer to close its end, before the channel closes anyway; as long as
   * Netty's TLS handler waits for its close_notify to go out.
   */
  public static final Duration CLOSE_FLUSH_BOUND = Duration.ofSeconds(3);

  /**
   * Set on the channel, to {@link #CLOSE_FLUSH_BOUND}, just before an orderly close (local close, drain,
   * the remote's orderly end) closes it: a handler at the bottom of the pipeline that knows it then lets
   * the socket take the last frames and ends TCP in order (half-close, then wait for the peer's end)
   * instead of closing at once, which would drop unwritten frames and, with unread bytes left, make the
   * kernel send a reset that discards what the peer has not read yet. A failed session closes at once.
   */
  public static final AttributeKey<Duration> ORDERLY_CLOSE = AttributeKey.valueOf("braid.yamux.orderlyClose");

  private record UserPing(long sentAt, CompletableFuture<Duration> future) {}

  // Flood guards.
  private int emptyFrames;
  private int pendingRefusals;
  private volatile long droppedRefusals;
  /** Inbound streams refused in the current refusal window, and when that window began. */
  private int refusedInWindow;
  private long refusalWindowStart;
  private volatile long refusedStreams;
  /** How errors name this session's connection (e.g. {@code tcp-7}); empty until {@link #name} sets it. */
  private volatile String name = "";

  private boolean needFlush;
  /**
   * Inside {@link #channelRead}: what the frames of a read batch make us write (ACKs, window updates,
   * refusals, the replies of streams negotiated inline) is flushed once, at {@link #channelReadComplete}, so
   * that a batch of 64 stream opens costs one TLS record and one write, not 64. A task queued on the loop
   * flushes too, should a read come without its read-complete.
   */
  private boolean reading;
  private boolean flushQueued;
  /** Sum of the receive windows of the live streams, bounded for growth by maxConnectionWindow. */
  private long totalRecvWindow;

  /**
   * @param client whether this side dialled the connection (it then opens odd stream ids)
   * @param config limits and timers
   * @param listener told about every accepted inbound stream, on the event loop
   */
  public YamuxSession(boolean client, YamuxConfig config, MuxedStreamListener listener) {
    this.client = client;
    this.config = Objects.requireNonNull(config, "config");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.nextStreamId = client ? 1 : 2;
  }

  // ---------------------------------------------------------------------------------------------
  // Public API (thread-safe)

  /**
   * Opens an outbound stream: sends WindowUpdate|SYN and completes with the stream at once (data may be
   * written before the remote's ACK, within the initial 256 KiB window). While
   * {@link YamuxConfig#maxAckBacklog()} streams wait for their ACK the open waits; when
   * {@link YamuxConfig#maxPendingOpens()} opens already wait it fails with
   * {@link LimitExceededException}, as it does when this side already has
   * {@link YamuxConfig#maxOutboundStreams()} streams open or waiting. Fails with
   * {@link ConnectionClosedException} once the session is closed or either side sent GoAway.
   */
  public CompletableFuture<MuxedStream> openStream() {
    CompletableFuture<MuxedStream> f = new CompletableFuture<>();
    runOnLoop(() -> doOpen(f), f, null);
    return f;
  }

  /** Streams not yet fully closed or reset (exact; counted on the event loop). */
  public int streamCount() {
    return inboundCount + outboundCount;
  }

  public int inboundStreamCount() {
    return inboundCount;
  }

  public int outboundStreamCount() {
    return outboundCount;
  }

  /** Whether the session still runs (not closed, not failed). */
  public boolean isOpen() {
    return !closed;
  }

  /** Whether the remote sent GoAway(normal): no new outbound streams, existing ones go on. */
  public boolean isRemoteGoingAway() {
    return remoteGoAway;
  }

  /** The last measured ping round trip, or {@code null} before the first pong. */
  public Duration rtt() {
    long r = rttNanos;
    return r == 0 ? null : Duration.ofNanos(r);
  }

  /**
   * Sends a ping and completes with its round trip (on the event loop) when the answer arrives; it also
   * becomes {@link #rtt()}. Fails with {@link LimitExceededException} when {@value #MAX_USER_PINGS} are
   * unanswered already, and with {@link ConnectionClosedException} when the session is or gets closed. No
   * timeout of its own: the caller decides how long is too long.
   */
  public CompletableFuture<Duration> ping() {
    CompletableFuture<Duration> f = new CompletableFuture<>();
    runOnLoop(() -> {
      if (closed) {
        f.completeExceptionally(new ConnectionClosedException("yamux session is closed"));
      } else if (userPings.size() >= MAX_USER_PINGS) {
        f.completeExceptionally(new LimitExceededException("yamux outstanding pings", MAX_USER_PINGS,
            "pings sent and not yet answered"));
      } else {
        long id = nextPingId;
        nextPingId = (nextPingId + 1) & MAX_U32;
        userPings.put(id, new UserPing(now(), f));
        writeFrame(TYPE_PING, FLAG_SYN, 0, id);
        flush();
      }
    }, f, null);
    return f;
  }

  /**
   * Sends GoAway(normal) (the remote opens no more streams, we open none either) and completes, on the
   * event loop, once no stream is left, or when the session closes. Idempotent.
   */
  public CompletableFuture<Void> drain() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    runOnLoop(() -> {
      if (closed) {
        f.complete(null);
        return;
      }
      if (!localGoAway) {
        localGoAway = true;
        writeFrame(TYPE_GO_AWAY, 0, 0, GO_AWAY_NORMAL);
        failPendingOpens(new ConnectionClosedException("yamux session is going away"));
        flush();
      }
      idleWaiters.add(f);
      checkIdle();
    }, f, null);
    return f;
  }

  private void checkIdle() {
    if (!idleWaiters.isEmpty() && inboundCount + outboundCount == 0) {
      List<CompletableFuture<Void>> done = new ArrayList<>(idleWaiters);
      idleWaiters.clear();
      done.forEach(w -> w.complete(null));
    }
  }

  /** Yamux bytes written (frame headers included, before any encryption). */
  public long bytesOut() {
    return bytesOut;
  }

  /** Yamux bytes read (frame headers included, after decryption). */
  public long bytesIn() {
    return bytesIn;
  }

  /** When bytes last moved either way, on the {@link System#nanoTime()} scale. */
  public long lastActivity() {
    return lastActivity;
  }

  /** The sum of the live streams' receive windows (event loop; tests check the connection bound). */
  long totalReceiveWindowForTesting() {
    return totalRecvWindow;
  }

  /** Pings left unanswered by the flood guard. */
  public long droppedPings() {
    return droppedPings;
  }

  /** Refused SYNs left without their RST because too many refusals were still unwritten. */
  public long droppedRefusals() {
    return droppedRefusals;
  }

  /**
   * Completes normally when the session was closed in order (locally, by the remote closing the
   * connection, or by the remote's GoAway followed by close), exceptionally with a
   * {@link YamuxProtocolException}, a {@link ConnectionTimeoutException} (keepalive) or a
   * {@link ConnectionClosedException} (remote GoAway with an error code, connection failure).
   */
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  /** Sends GoAway(normal): inbound SYNs are refused from now on; existing streams go on. */
  public void goAway() {
    runOnLoop(() -> {
      if (!closed && !localGoAway) {
        localGoAway = true;
        writeFrame(TYPE_GO_AWAY, 0, 0, GO_AWAY_NORMAL);
        failPendingOpens(new ConnectionClosedException("yamux session is going away"));
        flush();
      }
    }, null, null);
  }

  /**
   * Sends GoAway(normal) and closes the channel in order (see {@link #ORDERLY_CLOSE}); open streams fail
   * at once. Idempotent.
   */
  public void close() {
    runOnLoop(() -> {
      if (closed) {
        return;
      }
      if (!localGoAway) {
        localGoAway = true;
        writeFrame(TYPE_GO_AWAY, 0, 0, GO_AWAY_NORMAL);
      }
      flush();
      terminate(null, new ConnectionClosedException("yamux session closed locally"));
    }, null, null);
  }

  // ---------------------------------------------------------------------------------------------
  // Netty callbacks

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    this.ctx = ctx;
    this.executor = ctx.executor();
    super.handlerAdded(ctx);
    if (ctx.channel().isActive()) {
      start();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    start();
    super.channelActive(ctx);
  }

  /**
   * Counts the bytes as they arrive, before any of them is decoded: a stream's reader woken by this read
   * must already see them in {@link #bytesIn()}.
   */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof ByteBuf buf && buf.isReadable()) {
      bytesIn += buf.readableBytes();
      lastActivity = System.nanoTime();
    }
    reading = true;
    super.channelRead(ctx, msg);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    try {
      process(in);
    } catch (YamuxProtocolException e) {
      in.skipBytes(in.readableBytes());
      fail(e);
    } catch (RuntimeException e) {
      // A bug of ours or a throwing callback: never let it escape the handler.
      in.skipBytes(in.readableBytes());
      YamuxProtocolException internal =
          new YamuxProtocolException("internal error: " + e, YamuxFrame.GO_AWAY_INTERNAL_ERROR);
      internal.initCause(e);
      fail(internal);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    reading = false;
    flush();
    super.channelReadComplete(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    reading = false;
    super.channelInactive(ctx);
    terminate(null, new ConnectionClosedException("connection closed"));
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    terminate(null, new ConnectionClosedException("yamux session removed from the pipeline"));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Consumed here: the session is the end of the pipeline for the connection's bytes. A reset or a bad
    // frame is the remote's doing (DEBUG, no stack trace); anything else is a bug of ours (WARN, with it).
    if (isRemoteFault(cause)) {
      log.debug("yamux connection failed: {}", cause.toString());
    } else {
      log.warn("yamux connection failed on an unexpected exception", cause);
    }
    terminate(new ConnectionClosedException("connection failed: " + cause, cause),
        new ConnectionClosedException("connection failed: " + cause, cause));
  }

  // ---------------------------------------------------------------------------------------------
  // Frame processing (event loop)

  private void process(ByteBuf in) {
    while (true) {
      if (closed) {
        in.skipBytes(in.readableBytes());
        return;
      }
      if (discardRemaining > 0) {
        int n = (int) Math.min(discardRemaining, in.readableBytes());
        in.skipBytes(n);
        discardRemaining -= n;
        if (discardRemaining > 0) {
          return;
        }
        continue;
      }
      if (bodyTarget != null) {
        int n = (int) Math.min(bodyRemaining, in.readableBytes());
        if (n == 0) {
          return;
        }
        YamuxStream s = bodyTarget;
        bodyRemaining -= n;
        deliver(s, in, n);
        if (bodyRemaining == 0) {
          bodyTarget = null;
          finishData(s, bodyFlags);
        }
        continue;
      }
      Header h = YamuxFrame.decodeHeader(in);
      if (h == null) {
        return;
      }
      boolean progress = switch (h.type()) {
        case TYPE_PING -> onPing(h);
        case TYPE_GO_AWAY -> onGoAway(h);
        default -> onStreamFrame(h);
      };
      countEmpty(progress, h);
    }
  }

  /** The zero-length frame flood guard: too many frames in a row that did nothing is an error. */
  private void countEmpty(boolean progress, Header h) {
    if (progress) {
      emptyFrames = 0;
    } else if (++emptyFrames > config.maxEmptyFrames()) {
      throw new YamuxProtocolException("more than " + config.maxEmptyFrames()
          + " frames in a row carried nothing (the last: type " + h.type() + ", flags " + h.flags()
          + ", stream " + h.streamId() + ", length " + h.length() + ")");
    }
  }

  /**
   * Handles a Data or WindowUpdate frame.
   *
   * @return whether the frame carried payload or changed any state (see {@link #countEmpty})
   */
  private boolean onStreamFrame(Header h) {
    long id = h.streamId();
    boolean data = h.type() == TYPE_DATA;
    long len = h.length();
    if (data && len > config.maxFrameSize()) {
      throw new YamuxProtocolException("data frame of " + len + " bytes on stream " + id
          + " exceeds the frame size cap of " + config.maxFrameSize());
    }
    boolean syn = h.has(FLAG_SYN);
    YamuxStream s = syn ? acceptInbound(id) : streams.get(id);
    if (s == null || s.removed) {
      // Unknown, refused or finished stream: frames in flight are normal; skip the payload.
      if (data) {
        discardRemaining = len;
      }
      return data && len > 0;
    }
    boolean progress = syn;
    if (h.has(FLAG_ACK)) {
      progress |= onAck(s);
    }
    if (h.has(FLAG_RST)) {
      finish(s, new StreamResetException("yamux stream " + id + " reset by the remote side"));
      if (data) {
        discardRemaining = len;
      }
      return true;
    }
    if (h.has(FLAG_FIN) && !s.remoteClosed) {
      progress = true;
    }
    if (data) {
      if (len > s.recvCredit) {
        throw new YamuxProtocolException("stream " + id + " sent a " + len
            + " byte data frame beyond its receive window of " + s.recvCredit);
      }
      if (s.remoteClosed && len > 0) {
        // Stream-level error: the other streams go on.
        resetLocally(s, "yamux stream " + id + " received data after the remote's FIN");
        discardRemaining = len;
        return true;
      }
      if (len > 0) {
        bodyTarget = s;
        bodyRemaining = len;
        bodyFlags = h.flags();
        return true;
      }
      finishData(s, h.flags());
      return progress;
    } else {
      long window = s.sendWindow + len;
      if (window > MAX_U32) {
        throw new YamuxProtocolException("window update of " + len + " on stream " + id
            + " overflows the 2^32-1 send window (was " + s.sendWindow + ")");
      }
      s.sendWindow = window;
      if (h.has(FLAG_FIN)) {
        remoteFin(s);
      }
      if (len > 0) {
        flushWrites(s);
      }
      return progress || len > 0;
    }
  }

  private YamuxStream acceptInbound(long id) {
    if (id == 0) {
      throw new YamuxProtocolException("SYN on stream id 0");
    }
    boolean remoteParity = client ? id % 2 == 0 : id % 2 == 1;
    if (!remoteParity) {
      throw new YamuxProtocolException("SYN for stream " + id + " with this side's id parity");
    }
    if (streams.containsKey(id)) {
      throw new YamuxProtocolException("duplicate SYN for live stream " + id);
    }
    if (id <= lastRemoteId) {
      // Every implementation allocates ids in increasing order; a smaller id is a reused one.
      throw new YamuxProtocolException(
          "stream id " + id + " reused (last opened by the remote was " + lastRemoteId + ")");
    }
    lastRemoteId = id;
    if (localGoAway || inboundCount >= config.maxInboundStreams()) {
      refuse(id);
      return null;
    }
    YamuxStream s = new YamuxStream(this, id, false, now());
    streams.put(id, s);
    totalRecvWindow += s.recvWindow;
    inboundCount++;
    writeFrame(TYPE_WINDOW_UPDATE, FLAG_ACK, id, 0);
    try {
      listener.onInboundStream(s);
    } catch (RuntimeException e) {
      log.warn("inbound stream listener failed; resetting yamux stream {}", id, e);
      resetLocally(s, "yamux stream " + id + " reset: the inbound stream listener failed");
    }
    return s;
  }

  /** Answers a refused SYN with RST, unless too many refusals still wait for the socket. */
  private void refuse(long id) {
    if (countRefusal()) {
      return; // the session closed: the peer is flooding
    }
    if (pendingRefusals >= config.maxPendingRefusals()) {
      droppedRefusals++;
      return;
    }
    pendingRefusals++;
    ByteBuf b = ctx.alloc().buffer(YamuxFrame.HEADER_LENGTH);
    YamuxFrame.encodeHeader(b, TYPE_WINDOW_UPDATE, FLAG_RST, id, 0);
    ctx.write(b).addListener(f -> pendingRefusals--);
    needFlush = true;
  }

  private void deliver(YamuxStream s, ByteBuf in, int n) {
    s.recvCredit -= n;
    if (s.failure != null || s.removed) {
      in.skipBytes(n);
      return;
    }
    if (s.discardInbound) {
      in.skipBytes(n);
      maybeSendWindowUpdate(s);
      return;
    }
    if (s.receiver != null && !s.receiverPaused && s.recvQueue.isEmpty() && n >= in.capacity() / 4) {
      // Zero-copy: the receiver reads the decrypted frame itself. (A chunk much smaller than the buffer
      // it lives in is copied instead, so that a paused receiver cannot pin a 64 KiB frame for a byte.)
      pushInPlace(s, in, n);
      return;
    }
    byte[] copy = new byte[n];
    in.readBytes(copy);
    s.recvQueue.add(ByteBuffer.wrap(copy));
    s.recvBuffered += n;
    serviceRead(s);
  }

  /** Lends {@code n} bytes of {@code in} to the stream's receiver; holds a slice of them while it pauses. */
  private void pushInPlace(YamuxStream s, ByteBuf in, int n) {
    int at = in.readerIndex();
    CompletionStage<?> pause;
    try {
      pause = s.receiver.receive(in.nioBuffer(at, n).asReadOnlyBuffer());
    } catch (Throwable t) {
      in.skipBytes(n);
      receiverFailed(s, t);
      return;
    }
    if (isPending(pause)) {
      // The view stays valid until the stage completes: hold the bytes (a retained slice, no copy). The
      // decoder never writes into a cumulation someone else retains; the slice is released exactly once.
      ByteBuf held = in.retainedSlice(at, n);
      in.skipBytes(n);
      pauseReceiver(s, pause, held, n);
      return;
    }
    in.skipBytes(n);
    // Never counted as buffered: only the credit goes back.
    if (s.failure == null && !s.removed && !s.discardInbound) {
      maybeSendWindowUpdate(s);
    }
  }

  /**
   * Delivers queued chunks to the stream's receiver until it pauses or the queue is empty, then completes
   * its future at end of stream or failure.
   */
  private void serviceReceive(YamuxStream s) {
    CompletableFuture<Void> done = s.receiveDone;
    if (done == null || done.isDone()) {
      return;
    }
    if (s.failure != null) {
      s.recvQueue.clear();
      done.completeExceptionally(s.failure);
      return;
    }
    while (!s.receiverPaused && !s.recvQueue.isEmpty() && !done.isDone()) {
      ByteBuffer b = s.recvQueue.poll();
      int n = b.remaining();
      CompletionStage<?> pause;
      try {
        pause = s.receiver.receive(b.asReadOnlyBuffer());
      } catch (Throwable t) {
        receiverFailed(s, t);
        return;
      }
      if (isPending(pause)) {
        s.recvBuffered -= n; // counted again as held until the stage completes
        pauseReceiver(s, pause, null, n);
        return;
      }
      consumed(s, n);
    }
    if (!s.receiverPaused && s.recvQueue.isEmpty() && (s.remoteClosed || s.discardInbound) && s.failure == null) {
      done.complete(null);
    }
  }

  private void pauseReceiver(YamuxStream s, CompletionStage<?> pause, ByteBuf held, int n) {
    s.receiverPaused = true;
    s.recvBuffered += n;
    AtomicBoolean once = new AtomicBoolean();
    pause.whenComplete((v, e) -> {
      if (!once.compareAndSet(false, true)) {
        return;
      }
      if (held != null) {
        held.release(); // any thread: reference counts are atomic
      }
      runOnLoop(() -> {
        s.receiverPaused = false;
        consumed(s, n);
        serviceReceive(s);
        flush();
      }, null, null);
    });
  }

  /** {@code n} bytes were read by the application: return their credit unless the stream is over. */
  private void consumed(YamuxStream s, int n) {
    if (s.failure != null || s.removed || s.discardInbound) {
      return;
    }
    s.recvBuffered -= n;
    maybeSendWindowUpdate(s);
  }

  private void receiverFailed(YamuxStream s, Throwable t) {
    CompletableFuture<Void> done = s.receiveDone;
    if (done != null) {
      done.completeExceptionally(t);
    }
    resetLocally(s, "yamux stream " + s.id + " reset: its receiver failed: " + t);
  }

  private static boolean isPending(CompletionStage<?> stage) {
    if (stage == null) {
      return false;
    }
    return !(stage instanceof CompletableFuture<?> f) || !f.isDone();
  }

  void streamReceive(YamuxStream s, io.braid.api.NetStream.Receiver r, CompletableFuture<Void> f) {
    s.receiver = r;
    s.receiveDone = f;
    serviceReceive(s);
    flush();
  }

  private void finishData(YamuxStream s, int flags) {
    if ((flags & FLAG_FIN) != 0) {
      remoteFin(s);
    }
  }

  /** @return whether the ACK was news (an outbound stream waiting for it) */
  private boolean onAck(YamuxStream s) {
    if (s.outbound && !s.acked) {
      s.acked = true;
      unacked--;
      admitPendingOpens();
      return true;
    }
    return false;
  }

  private void remoteFin(YamuxStream s) {
    if (s.remoteClosed || s.failure != null) {
      return;
    }
    s.remoteClosed = true;
    serviceRead(s);
    maybeFinishOrderly(s);
  }

  /** @return whether the ping was answered or was the pong we waited for */
  private boolean onPing(Header h) {
    if (h.has(FLAG_SYN)) {
      if (pendingPongs >= config.maxPendingPongs()) {
        droppedPings++;
        return false;
      }
      pendingPongs++;
      ByteBuf b = ctx.alloc().buffer(YamuxFrame.HEADER_LENGTH);
      YamuxFrame.encodeHeader(b, TYPE_PING, FLAG_ACK, 0, h.length());
      ctx.write(b).addListener(f -> pendingPongs--);
      needFlush = true;
      return true;
    } else if (h.has(FLAG_ACK) && !userPings.isEmpty() && userPings.containsKey(h.length())) {
      UserPing p = userPings.remove(h.length());
      long rtt = Math.max(1, now() - p.sentAt());
      rttNanos = rtt;
      p.future().complete(Duration.ofNanos(rtt));
      return true;
    } else if (h.has(FLAG_ACK) && h.length() == outstandingPing) {
      rttNanos = Math.max(1, now() - pingSentAt);
      outstandingPing = -1;
      cancel(pingTimeout);
      pingTimeout = null;
      scheduleKeepAlive();
      return true;
    }
    return false;
  }

  /** @return whether the GoAway was news (a repeated GoAway(normal) changes nothing) */
  private boolean onGoAway(Header h) {
    long code = h.length();
    if (code == GO_AWAY_NORMAL) {
      if (remoteGoAway) {
        return false;
      }
      remoteGoAway = true;
      failPendingOpens(new ConnectionClosedException("remote sent GoAway: no new streams"));
    } else {
      ConnectionClosedException e =
          new ConnectionClosedException("remote sent GoAway with error code " + code);
      terminate(e, e);
    }
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // Stream operations (event loop), called by YamuxStream

  void streamRead(YamuxStream s, CompletableFuture<ByteBuffer> f) {
    s.pendingRead = f;
    serviceRead(s);
    flush();
  }

  void streamWrite(YamuxStream s, ByteBuffer data, CompletableFuture<Void> f) {
    if (s.failure != null) {
      f.completeExceptionally(s.failure);
      return;
    }
    if (s.finQueued) {
      f.completeExceptionally(
          new IllegalStateException("yamux stream " + s.id + " is closed for writing"));
      return;
    }
    s.pendingWrites.add(new YamuxStream.PendingWrite(data, f));
    flushWrites(s);
    flush();
  }

  void streamCloseWrite(YamuxStream s, CompletableFuture<Void> f) {
    if (s.finQueued) {
      s.finFuture.whenComplete((v, e) -> {
        if (e == null) {
          f.complete(null);
        } else {
          f.completeExceptionally(e);
        }
      });
      return;
    }
    if (s.failure != null) {
      f.completeExceptionally(s.failure);
      return;
    }
    s.finQueued = true;
    s.finFuture = f;
    s.pendingWrites.add(new YamuxStream.PendingWrite(null, f));
    flushWrites(s);
    flush();
  }

  /** {@link MuxedStream#refuse()}: resets {@code s} and counts it as refused (once). */
  void streamRefused(YamuxStream s) {
    if (s.failure != null || s.removed || closed) {
      return;
    }
    resetLocally(s, "yamux stream " + s.id + " refused");
    if (!countRefusal()) {
      flush();
    }
  }

  /**
   * Counts one refused inbound stream; past {@link YamuxConfig#maxRefusedStreams()} in one
   * {@link YamuxConfig#REFUSAL_WINDOW}, closes the session (GoAway, protocol error) and returns true.
   */
  private boolean countRefusal() {
    refusedStreams++;
    long now = now();
    if (refusedInWindow == 0 || now - refusalWindowStart >= YamuxConfig.REFUSAL_WINDOW.toNanos()) {
      refusalWindowStart = now;
      refusedInWindow = 0;
    }
    if (++refusedInWindow <= config.maxRefusedStreams()) {
      return false;
    }
    LimitExceededException flood = new LimitExceededException(ResourceScope.CONNECTION, name,
        ResourceLimits.Limit.REFUSED_STREAMS_PER_CONNECTION.configName(), config.maxRefusedStreams(),
        refusedInWindow - 1,
        "connection closed: the remote kept opening streams that were refused (a stream flood)");
    log.debug("yamux: closing the session: {}", flood.getMessage());
    writeFrame(TYPE_GO_AWAY, 0, 0, YamuxFrame.GO_AWAY_PROTOCOL_ERROR);
    flushNow();
    terminate(flood, new ConnectionClosedException(flood.getMessage(), flood));
    return true;
  }

  /** Sets how errors name this session's connection (e.g. {@code tcp-7}). */
  public void name(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  /** Inbound streams refused so far (by this session's limits or {@link MuxedStream#refuse()}). */
  public long refusedStreams() {
    return refusedStreams;
  }

  void streamReset(YamuxStream s) {
    resetLocally(s, "yamux stream " + s.id + " reset locally");
    flush();
  }

  void streamClose(YamuxStream s) {
    s.discardInbound = true;
    s.recvQueue.clear();
    s.recvBuffered = 0;
    if (s.failure == null && !s.removed) {
      serviceRead(s);
      if (!s.finQueued) {
        streamCloseWrite(s, new CompletableFuture<>());
      }
      maybeSendWindowUpdate(s);
    }
    flush();
  }

  private void resetLocally(YamuxStream s, String why) {
    if (s.failure != null || s.removed) {
      return;
    }
    writeFrame(TYPE_WINDOW_UPDATE, FLAG_RST, s.id, 0);
    finish(s, new StreamResetException(why));
  }

  private void serviceRead(YamuxStream s) {
    if (s.receiver != null) {
      serviceReceive(s);
      return;
    }
    CompletableFuture<ByteBuffer> f = s.pendingRead;
    if (f == null) {
      return;
    }
    ByteBuffer result;
    if (s.failure != null) {
      s.pendingRead = null;
      s.readOutstanding.set(false);
      f.completeExceptionally(s.failure);
      return;
    }
    if (!s.recvQueue.isEmpty()) {
      result = s.recvQueue.poll();
      s.recvBuffered -= result.remaining();
      maybeSendWindowUpdate(s);
    } else if (s.remoteClosed || s.discardInbound) {
      result = EOF;
    } else {
      return;
    }
    s.pendingRead = null;
    s.readOutstanding.set(false);
    f.complete(result.asReadOnlyBuffer());
  }

  private void maybeSendWindowUpdate(YamuxStream s) {
    if (s.removed || s.failure != null || s.remoteClosed || closed) {
      return;
    }
    long delta = s.recvWindow - s.recvBuffered - s.recvCredit;
    if (delta < s.recvWindow / 2) {
      return;
    }
    long now = now();
    long rtt = rttNanos;
    if (rtt > 0 && now - s.epochStart < 4 * rtt && s.recvWindow < config.maxStreamWindow()) {
      // The reader drains faster than a window per few round trips: the window limits throughput. Grow it,
      // within the connection's bound on the sum of all its streams' windows.
      long grown = Math.min(Math.min(s.recvWindow * 2, config.maxStreamWindow()),
          s.recvWindow + Math.max(0, config.maxConnectionWindow() - totalRecvWindow));
      // The memory guard (the resource manager's stream scope) may keep the window where it is.
      if (grown > s.recvWindow && s.memoryGuard.test(grown - s.recvWindow)) {
        totalRecvWindow += grown - s.recvWindow;
        s.recvWindow = grown;
        delta = s.recvWindow - s.recvBuffered - s.recvCredit;
      }
    }
    s.epochStart = now;
    s.recvCredit += delta;
    writeFrame(TYPE_WINDOW_UPDATE, 0, s.id, delta);
  }

  private void flushWrites(YamuxStream s) {
    while (s.failure == null && !s.pendingWrites.isEmpty()) {
      YamuxStream.PendingWrite w = s.pendingWrites.peek();
      if (w.data == null) {
        s.pendingWrites.poll();
        writeFrame(TYPE_WINDOW_UPDATE, FLAG_FIN, s.id, 0);
        s.localClosed = true;
        w.future.complete(null);
        maybeFinishOrderly(s);
        return;
      }
      int remaining = w.data.remaining();
      if (remaining > 0) {
        if (s.sendWindow == 0) {
          return;
        }
        int n = (int) Math.min(Math.min(remaining, s.sendWindow), config.maxSendFrame());
        // Header and the caller's bytes, not copied: the Noise codec encrypts from both arrays in turn.
        ByteBuf header = ctx.alloc().heapBuffer(YamuxFrame.HEADER_LENGTH);
        YamuxFrame.encodeHeader(header, TYPE_DATA, 0, s.id, n);
        ByteBuffer part = w.data.duplicate();
        part.limit(part.position() + n);
        w.data.position(w.data.position() + n);
        ByteBuf frame = ctx.alloc().compositeHeapBuffer(2).addComponents(true, header, Unpooled.wrappedBuffer(part));
        s.sendWindow -= n;
        sent(YamuxFrame.HEADER_LENGTH + n);
        needFlush = true;
        if (w.data.hasRemaining()) {
          ctx.write(frame);
          continue;
        }
        s.pendingWrites.poll();
        // Complete once the socket took the last frame: until then the frames may still read the caller's buffer.
        CompletableFuture<Void> done = w.future;
        ctx.write(frame).addListener(cf -> {
          if (cf.isSuccess()) {
            done.complete(null);
          } else {
            done.completeExceptionally(s.failure != null ? s.failure
                : new ConnectionClosedException("connection failed before the write was sent: " + cf.cause(), cf.cause()));
          }
        });
        continue;
      }
      s.pendingWrites.poll();
      w.future.complete(null);
    }
  }

  private void maybeFinishOrderly(YamuxStream s) {
    if (s.localClosed && s.remoteClosed && !s.removed && s.failure == null) {
      remove(s);
      s.open = false;
      s.closeFuture.complete(null);
    }
  }

  /** Ends a stream abnormally: every pending and later operation fails with {@code cause}. */
  private void finish(YamuxStream s, Throwable cause) {
    if (s.failure != null || s.removed) {
      return;
    }
    s.failure = cause;
    s.open = false;
    remove(s);
    s.recvQueue.clear();
    s.recvBuffered = 0;
    if (bodyTarget == s) {
      bodyTarget = null;
      discardRemaining = bodyRemaining;
      bodyRemaining = 0;
    }
    List<YamuxStream.PendingWrite> writes = new ArrayList<>(s.pendingWrites);
    s.pendingWrites.clear();
    serviceRead(s);
    for (YamuxStream.PendingWrite w : writes) {
      w.future.completeExceptionally(cause);
    }
    s.closeFuture.completeExceptionally(cause);
  }

  private void remove(YamuxStream s) {
    if (s.removed) {
      return;
    }
    s.removed = true;
    streams.remove(s.id);
    totalRecvWindow -= s.recvWindow;
    if (s.outbound) {
      outboundCount--;
      if (!s.acked) {
        s.acked = true;
        unacked--;
        admitPendingOpens();
      }
    } else {
      inboundCount--;
    }
    checkIdle();
  }

  // ---------------------------------------------------------------------------------------------
  // Opening

  private void doOpen(CompletableFuture<MuxedStream> f) {
    if (closed) {
      f.completeExceptionally(new ConnectionClosedException("yamux session is closed"));
    } else if (remoteGoAway) {
      f.completeExceptionally(new ConnectionClosedException("remote sent GoAway: no new streams"));
    } else if (localGoAway) {
      f.completeExceptionally(new ConnectionClosedException("yamux session is going away"));
    } else if (outboundCount + pendingOpens.size() >= config.maxOutboundStreams()) {
      f.completeExceptionally(new LimitExceededException("yamux outbound streams",
          config.maxOutboundStreams(), "this connection has as many streams open as it may"));
    } else if (unacked >= config.maxAckBacklog() || !pendingOpens.isEmpty()) {
      if (pendingOpens.size() >= config.maxPendingOpens()) {
        f.completeExceptionally(new LimitExceededException("yamux pending stream opens",
            config.maxPendingOpens(), "too many streams wait for the ACK backlog"));
      } else {
        pendingOpens.add(f);
      }
    } else {
      openNow(f);
    }
    flush();
  }

  private void openNow(CompletableFuture<MuxedStream> f) {
    if (f.isDone()) {
      return; // cancelled by the caller while waiting
    }
    if (nextStreamId > MAX_U32) {
      f.completeExceptionally(
          new LimitExceededException("yamux stream ids", MAX_U32, "stream ids exhausted"));
      return;
    }
    long id = nextStreamId;
    nextStreamId += 2;
    YamuxStream s = new YamuxStream(this, id, true, now());
    streams.put(id, s);
    totalRecvWindow += s.recvWindow;
    outboundCount++;
    unacked++;
    writeFrame(TYPE_WINDOW_UPDATE, FLAG_SYN, id, 0);
    f.complete(s);
  }

  private void admitPendingOpens() {
    while (!closed && !remoteGoAway && !localGoAway && unacked < config.maxAckBacklog()
        && !pendingOpens.isEmpty()) {
      openNow(pendingOpens.poll());
    }
  }

  private void failPendingOpens(Throwable cause) {
    while (!pendingOpens.isEmpty()) {
      pendingOpens.poll().completeExceptionally(cause);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Keepalive

  private void start() {
    if (started) {
      return;
    }
    started = true;
    if (!config.keepAliveInterval().isZero()) {
      sendPing();
    }
  }

  private void sendPing() {
    nextKeepAlive = null;
    if (closed || outstandingPing != -1) {
      return;
    }
    long id = nextPingId;
    nextPingId = (nextPingId + 1) & MAX_U32;
    outstandingPing = id;
    pingSentAt = now();
    writeFrame(TYPE_PING, FLAG_SYN, 0, id);
    flush();
    pingTimeout = executor.schedule(() -> {
      if (!closed && outstandingPing == id) {
        ConnectionTimeoutException e =
            new ConnectionTimeoutException("yamux keepalive ping", config.keepAliveTimeout());
        terminate(e, new ConnectionClosedException("yamux keepalive ping timed out", e));
      }
    }, config.keepAliveTimeout().toNanos(), TimeUnit.NANOSECONDS);
  }

  private void scheduleKeepAlive() {
    if (!closed && nextKeepAlive == null && !config.keepAliveInterval().isZero()) {
      nextKeepAlive = executor.schedule(this::sendPing, config.keepAliveInterval().toNanos(),
          TimeUnit.NANOSECONDS);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Closing

  /** Whether {@code t} (or a cause) is an I/O error or a protocol failure, both the remote's doing. */
  static boolean isRemoteFault(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof java.io.IOException || c instanceof io.braid.api.BraidException) {
        return true;
      }
    }
    return false;
  }

  private void fail(YamuxProtocolException e) {
    if (closed) {
      return;
    }
    log.debug("yamux protocol error, closing the session: {}", e.getMessage());
    writeFrame(TYPE_GO_AWAY, 0, 0, e.goAwayCode());
    flushNow();
    terminate(e, new ConnectionClosedException("yamux protocol error: " + e.getMessage(), e));
  }

  /**
   * Closes the session once: fails every stream with {@code streamCause}, completes the close future
   * (normally when {@code sessionCause} is null) and closes the channel.
   */
  private void terminate(Throwable sessionCause, Throwable streamCause) {
    if (closed) {
      return;
    }
    closed = true;
    // Out before anyone hears of the close: a listener may close the channel, and what a deferred flush
    // still holds (a FIN written inside this read, a GoAway) would be lost with it.
    flushNow();
    cancel(pingTimeout);
    cancel(nextKeepAlive);
    bodyTarget = null;
    for (YamuxStream s : new ArrayList<>(streams.values())) {
      finish(s, streamCause);
    }
    failPendingOpens(streamCause);
    for (UserPing p : userPings.values()) {
      p.future().completeExceptionally(streamCause);
    }
    userPings.clear();
    List<CompletableFuture<Void>> idle = new ArrayList<>(idleWaiters);
    idleWaiters.clear();
    idle.forEach(w -> w.complete(null));
    if (sessionCause == null) {
      closeFuture.complete(null);
    } else {
      closeFuture.completeExceptionally(sessionCause);
    }
    ChannelHandlerContext c = ctx;
    if (c != null && c.channel().isOpen()) {
      flushNow();
      if (sessionCause == null) {
        // An orderly close: the transport's first handler lets the socket take what was written, then
        // half-closes and waits for the peer's end (see ORDERLY_CLOSE).
        c.channel().attr(ORDERLY_CLOSE).set(CLOSE_FLUSH_BOUND);
      } // else a failed session: its GoAway is a courtesy, not worth a wait
      c.close();
    }
  }

  /** Whether the session is in a channel's pipeline (it then closes the channel when it closes). */
  public boolean attached() {
    return ctx != null;
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /**
   * Runs {@code task} on the event loop (inline when already there). If the loop is gone, fails
   * {@code failOnReject} with ConnectionClosedException and clears {@code flagOnReject}.
   */
  void runOnLoop(Runnable task, CompletableFuture<?> failOnReject, AtomicBoolean flagOnReject) {
    EventExecutor ex = executor;
    if (ex == null) {
      if (flagOnReject != null) {
        flagOnReject.set(false);
      }
      if (failOnReject != null) {
        failOnReject.completeExceptionally(
            new IllegalStateException("yamux session is not in a pipeline yet"));
      }
      return;
    }
    Runnable guarded = () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("yamux session failed internally", e);
        YamuxProtocolException internal =
            new YamuxProtocolException("internal error: " + e, YamuxFrame.GO_AWAY_INTERNAL_ERROR);
        internal.initCause(e);
        fail(internal);
        if (failOnReject != null) {
          failOnReject.completeExceptionally(e);
        }
      }
    };
    if (ex.inEventLoop()) {
      guarded.run();
      return;
    }
    try {
      ex.execute(guarded);
    } catch (RejectedExecutionException e) {
      if (flagOnReject != null) {
        flagOnReject.set(false);
      }
      if (failOnReject != null) {
        failOnReject.completeExceptionally(
            new ConnectionClosedException("yamux session's event loop is shut down", e));
      }
    }
  }

  private void writeFrame(int type, int flags, long streamId, long length) {
    ByteBuf b = ctx.alloc().buffer(YamuxFrame.HEADER_LENGTH);
    YamuxFrame.encodeHeader(b, type, flags, streamId, length);
    ctx.write(b);
    needFlush = true;
    sent(YamuxFrame.HEADER_LENGTH);
  }

  private void sent(int n) {
    bytesOut += n;
    lastActivity = System.nanoTime();
  }

  /** Flushes what was written, now or (inside a read batch) once the batch ends; see {@link #reading}. */
  private void flush() {
    if (!needFlush) {
      return;
    }
    if (!reading) {
      flushNow();
    } else if (!flushQueued) {
      flushQueued = true;
      ctx.executor().execute(() -> {
        flushQueued = false;
        reading = false; // a task never runs inside a read
        flushNow();
      });
    }
  }

  /** Flushes what was written now, inside a read batch or not (before a close, say). */
  private void flushNow() {
    if (needFlush) {
      needFlush = false;
      ctx.flush();
    }
  }

  private long now() {
    return executor.ticker().nanoTime();
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }
}
