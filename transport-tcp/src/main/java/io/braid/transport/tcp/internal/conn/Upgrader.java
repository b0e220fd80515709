package io.braid.transport.tcp.internal.conn;

import io.braid.api.ConnectionClosedException;
import io.braid.api.ConnectionTimeoutException;
import io.braid.api.Direction;
import io.braid.api.HostIdentity;
import io.braid.api.Multiaddr;
import io.braid.api.PeerId;
import io.braid.api.ResourceManager;
import io.braid.api.StreamRouter;
import io.braid.transport.tcp.internal.mss.MultistreamHandler;
import io.braid.transport.tcp.internal.noise.NoiseHandshakeHandler;
import io.braid.transport.tcp.internal.yamux.YamuxConfig;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Upgrades a raw TCP channel into a {@link TcpConn}: multistream-select {@code /noise}, the Noise XX
 * handshake, multistream-select {@code /yamux/1.0.0} inside Noise, then a Yamux session.
 *
 * <p>Each stage installs the next from its completion callback, which the stage's handler runs on the
 * event loop before it passes on bytes read past its last message, so early data reaches the next stage.
 * One exception: the initiator's inner multistream-select writes as soon as it is added, and a write
 * while the Noise handshake handler is still in the pipeline is refused; so the initiator adds it in a
 * later event-loop task, after the handshake handler removed itself. An {@link InboundHold} installed at
 * once keeps whatever is read in between (a responder should send nothing then) and hands it on.
 *
 * <p>The whole upgrade is bounded by one timeout (each stage also has it). On any failure the channel is
 * closed and the future fails with the stage's exception. Thread-safe; all work runs on the channel's
 * event loop.
 */
public final class Upgrader {
  /** The muxer protocol negotiated inside Noise. */
  public static final String YAMUX = "/yamux/1.0.0";

  private final HostIdentity identity;
  private final StreamRouter router;
  private final Duration timeout;
  private final YamuxConfig yamuxConfig;
  private final ResourceManager resources;

  public Upgrader(HostIdentity identity, StreamRouter router, Duration timeout, YamuxConfig yamuxConfig) {
    this(identity, router, timeout, yamuxConfig, ResourceManager.UNLIMITED);
  }

  /** @param resources what each connection asks before it opens or accepts a stream */
  public Upgrader(HostIdentity identity, StreamRouter router, Duration timeout, YamuxConfig yamuxConfig,
      ResourceManager resources) {
    this.resources = Objects.requireNonNull(resources, "resources");
    this.identity = Objects.requireNonNull(identity, "identity");
    this.router = Objects.requireNonNull(router, "router");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.yamuxConfig = Objects.requireNonNull(yamuxConfig, "yamuxConfig");
  }

  /**
   * Starts the upgrade of {@code channel} (registered, active or about to be). Call on its event loop.
   *
   * @param expectedPeer the peer an initiator dialed (must not be null for an initiator); ignored for a
   *     responder
   * @return completed on the event loop with the connection, or exceptionally (the channel is then closed)
   *     with the failing stage's exception: {@link io.braid.api.PeerIdMismatchException},
   *     {@link io.braid.api.ProtocolNegotiationException}, {@link ConnectionTimeoutException},
   *     {@link ConnectionClosedException} or another {@link io.braid.api.TransportException}. Cancelling it
   *     closes the channel.
   */
  public CompletableFuture<TcpConn> upgrade(Channel channel, Direction direction, PeerId expectedPeer,
      Multiaddr localAddress, Multiaddr remoteAddress) {
    boolean initiator = direction == Direction.OUTBOUND;
    CompletableFuture<TcpConn> result = new CompletableFuture<>();
    io.netty.util.concurrent.ScheduledFuture<?> timer = channel.eventLoop().schedule(
        () -> result.completeExceptionally(new ConnectionTimeoutException("connection upgrade", timeout)),
        timeout.toNanos(), TimeUnit.NANOSECONDS);
    result.whenComplete((conn, error) -> {
      timer.cancel(false);
      if (error != null) {
        channel.close();
      }
    });
    channel.closeFuture().addListener(f -> result.completeExceptionally(
        new ConnectionClosedException("the connection closed during the upgrade")));

    MultistreamHandler security = initiator
        ? MultistreamHandler.initiator(List.of(NoiseHandshakeHandler.PROTOCOL_ID), timeout)
        : MultistreamHandler.responder(Set.of(NoiseHandshakeHandler.PROTOCOL_ID), timeout);
    security.result().whenComplete((protocol, error) -> {
      if (error != null) {
        result.completeExceptionally(TcpConn.unwrap(error));
        return;
      }
      NoiseHandshakeHandler noise = initiator
          ? NoiseHandshakeHandler.initiator(identity, expectedPeer, timeout)
          : NoiseHandshakeHandler.responder(identity, timeout);
      noise.handshakeFuture().whenComplete((secured, noiseError) -> {
        if (noiseError != null) {
          result.completeExceptionally(TcpConn.unwrap(noiseError));
          return;
        }
        MultistreamHandler muxer = initiator
            ? MultistreamHandler.initiator(List.of(YAMUX), timeout)
            : MultistreamHandler.responder(Set.of(YAMUX), timeout);
        muxer.result().whenComplete((p, muxError) -> {
          if (muxError != null) {
            result.completeExceptionally(TcpConn.unwrap(muxError));
            return;
          }
          if (result.isDone()) {
            channel.close();
            return;
          }
          TcpConn conn = new TcpConn(channel, direction, identity.peerId(), secured.remotePeerId(),
              localAddress, remoteAddress, router, yamuxConfig, timeout, resources);
          channel.pipeline().addLast("yamux", conn.session());
          if (!result.complete(conn)) {
            conn.close();
          }
        });
        if (initiator) {
          // Added now, behind the codec, so that nothing read before the next task is lost.
          InboundHold hold = new InboundHold();
          channel.pipeline().addLast("hold", hold);
          channel.eventLoop().execute(() -> {
            if (!result.isDone() && channel.isActive()) {
              channel.pipeline().addAfter("hold", "mss-muxer", muxer);
              hold.release();
            }
          });
        } else {
          channel.pipeline().addLast("mss-muxer", muxer);
        }
      });
      channel.pipeline().addLast("noise", noise);
    });
    channel.pipeline().addLast("mss-security", security);
    return result;
  }
}
