package io.braid.transport.tcp.internal.protocols;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import io.braid.api.ConnectionTimeoutException;
import io.braid.api.HostIdentity;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.PeerId;
import io.braid.api.StreamHandler;
import io.braid.api.TransportException;
import io.braid.identity.PublicKey;
import io.braid.identity.PublicKeys;
import io.braid.transport.tcp.internal.protocols.proto.IdentifyProtos;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * libp2p identify, {@value #PROTOCOL} (libp2p/specs identify/README.md): the responder writes one
 * unsigned-varint-length-prefixed {@code Identify} protobuf and closes; the initiator reads until end of
 * stream. As go-libp2p may split a large message in several, the initiator merges every message it reads.
 * Bounded: at most {@value #MAX_BYTES} bytes in all, each message at most that long.
 */
public final class Identify {
  /** The protocol id. */
  public static final String PROTOCOL = "/ipfs/id/1.0.0";
  /** The protocol version we announce. */
  public static final String PROTOCOL_VERSION = "ipfs/0.1.0";
  /** The agent version we announce. */
  public static final String AGENT_VERSION = "braid/0.1.0";
  /** Bound on the bytes read from a peer's identify stream. */
  public static final int MAX_BYTES = 64 * 1024;

  private Identify() {}

  /**
   * The responder: answers with {@code identity}'s key, the current {@code listenAddrs}, the connection's
   * remote address as the observed address, and {@code protocols}.
   */
  public static StreamHandler responder(HostIdentity identity, Supplier<List<Multiaddr>> listenAddrs,
      List<String> protocols) {
    List<String> announced = List.copyOf(protocols);
    return responder(identity, listenAddrs, () -> announced);
  }

  /**
   * The responder, asking {@code protocols} at each identify: a handler registered later is announced
   * on later identifies.
   */
  public static StreamHandler responder(HostIdentity identity, Supplier<List<Multiaddr>> listenAddrs,
      Supplier<? extends Collection<String>> protocols) {
    return stream -> {
      Collection<String> announced = protocols.get();
      IdentifyProtos.Identify.Builder msg = IdentifyProtos.Identify.newBuilder()
          .setProtocolVersion(PROTOCOL_VERSION)
          .setAgentVersion(AGENT_VERSION)
          .setPublicKey(ByteString.copyFrom(identity.publicKey()))
          .setObservedAddr(ByteString.copyFrom(stream.connection().remoteAddress().toBytes()))
          .addAllProtocols(announced);
      for (Multiaddr a : listenAddrs.get()) {
        msg.addListenAddrs(ByteString.copyFrom(a.toBytes()));
      }
      stream.write(Streams.delimited(msg.build().toByteArray()))
          .thenCompose(v -> stream.closeWrite())
          .whenComplete((v, e) -> {
            if (e != null) {
              stream.reset();
            } else {
              stream.close();
            }
          });
    };
  }

  /**
   * Asks the peer of {@code conn} who it is, within {@code timeout} (timed on {@code timer}). The future
   * completes only after the identify stream closed both ways (so it no longer counts in
   * {@link NetConn#streamCount()}), or was reset on failure. Never closes the connection.
   *
   * @return fails with {@link TransportException} if the answer is malformed, too long, or carries a public
   *     key that is not the connection's remote peer's; with {@link ConnectionTimeoutException} after
   *     {@code timeout}; or as {@link NetConn#newStream} fails (e.g. {@link io.braid.api.ProtocolNegotiationException}
   *     when the peer does not serve identify)
   */
  public static CompletableFuture<IdentifyInfo> request(NetConn conn, Duration timeout,
      ScheduledExecutorService timer) {
    CompletableFuture<IdentifyInfo> result = new CompletableFuture<>();
    CompletableFuture<NetStream> opening = conn.newStream(PROTOCOL);
    // Set when the deadline fires: the reset it causes fails the read first, but the timeout is the cause.
    AtomicReference<Throwable> timedOut = new AtomicReference<>();
    ScheduledFuture<?> deadline = timer.schedule(() -> {
      // Runs on the connection's event loop, like the stream's callbacks: no race with the answer. The
      // stream is released first (whether still negotiating, which the cancel resets, or open), so the
      // caller hears of the timeout only once it stopped counting.
      if (!result.isDone()) {
        ConnectionTimeoutException late = new ConnectionTimeoutException("identify", timeout);
        timedOut.set(late);
        opening.cancel(false);
        opening.thenAccept(NetStream::reset);
        result.completeExceptionally(late);
      }
    }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    result.whenComplete((v, e) -> deadline.cancel(false));
    opening.thenCompose(stream -> {
      if (result.isDone()) {
        stream.reset();
        return result;
      }
      stream.closeWrite();
      return Streams.readToEnd(stream, MAX_BYTES)
          .thenApply(bytes -> parse(bytes, conn.remotePeer()))
          .whenComplete((info, e) -> {
            if (e != null) {
              stream.reset();
            } else {
              stream.close();
            }
          })
          // Complete once the stream stopped counting, so a caller sees streamCount() without it.
          .thenCompose(info -> stream.closeFuture().handle((v, e) -> info));
    }).whenComplete((info, e) -> {
      if (e != null) {
        Throwable cause = timedOut.get();
        result.completeExceptionally(cause != null ? cause : e);
      } else {
        result.complete(info);
      }
    });
    return result;
  }

  /**
   * Parses and checks an identify answer (one or more delimited messages, merged) from {@code expected}.
   *
   * @throws TransportException if it is empty or malformed, or its public key is not {@code expected}'s
   */
  public static IdentifyInfo parse(byte[] bytes, PeerId expected) {
    IdentifyProtos.Identify.Builder merged = IdentifyProtos.Identify.newBuilder();
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      if (in.isAtEnd()) {
        throw new TransportException("identify: the peer sent no message");
      }
      while (!in.isAtEnd()) {
        int length = in.readUInt32();
        if (length < 0 || length > bytes.length) {
          throw new TransportException("identify: message length " + Integer.toUnsignedString(length)
              + " exceeds the " + bytes.length + " bytes received");
        }
        int limit = in.pushLimit(length);
        merged.mergeFrom(in);
        in.popLimit(limit);
      }
    } catch (IOException e) {
      throw new TransportException("identify: malformed message: " + e.getMessage(), e);
    }
    IdentifyProtos.Identify msg = merged.build();
    byte[] key = msg.getPublicKey().toByteArray();
    if (msg.hasPublicKey()) {
      PublicKey publicKey;
      try {
        publicKey = PublicKeys.unmarshal(key);
      } catch (IllegalArgumentException e) {
        throw new TransportException("identify: malformed public key: " + e.getMessage(), e);
      }
      if (!publicKey.toPeerId().equals(expected)) {
        throw new TransportException("identify: the public key is " + publicKey.toPeerId() + ", not "
            + expected + "'s");
      }
    }
    List<Multiaddr> listen = new ArrayList<>();
    for (ByteString a : msg.getListenAddrsList()) {
      parseAddr(a).ifPresent(listen::add);
    }
    Optional<Multiaddr> observed = msg.hasObservedAddr() ? parseAddr(msg.getObservedAddr()) : Optional.empty();
    return new IdentifyInfo(msg.getProtocolVersion(), msg.getAgentVersion(), key, List.copyOf(listen), observed,
        List.copyOf(msg.getProtocolsList()),
        msg.hasSignedPeerRecord() ? Optional.of(msg.getSignedPeerRecord().toByteArray()) : Optional.empty());
  }

  private static Optional<Multiaddr> parseAddr(ByteString bytes) {
    try {
      return Optional.of(Multiaddr.fromBytes(bytes.toByteArray()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
