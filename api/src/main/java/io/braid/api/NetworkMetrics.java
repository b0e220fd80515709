package io.braid.api;

import java.time.Duration;

/**
 * Receives what a {@link Network} and its transports do, as events, so that an adapter can turn them into
 * meters (counters, gauges, timers, distributions). Every method has an empty default, so an implementation
 * overrides only what it records; {@link #NOOP} records nothing and is what a network uses unless told
 * otherwise. The module {@code metrics-micrometer} is one implementation.
 *
 * <h2>Contract for implementers</h2>
 * <ul>
 *   <li><b>Threads</b>: called on any thread, concurrently: transport threads, the network's scheduler,
 *       the thread of a caller of {@code dialPeer} or {@code newStream}. Never while the network holds a
 *       lock, so an implementation may read the network's views (they do not lock either).</li>
 *   <li><b>Must not block</b> and should not allocate much: some events fire on every stream open and
 *       {@link #bytesRead}/{@link #bytesWritten} on every batch of socket I/O.</li>
 *   <li><b>Must not throw.</b> A network isolates one that does: it catches the exception, logs the first
 *       one at WARN (with its stack trace) and later ones at DEBUG, and goes on as if the call had
 *       returned.</li>
 *   <li><b>Must not call back</b> into the network to change it (dial, open streams, close).</li>
 *   <li><b>Ordering</b>: events of one connection, stream or attempt arrive in the order they happened.
 *       Events of different connections may interleave in any order; a value that reports a count (for
 *       example {@link #peerConnections}) is the count right after the change it reports, so two changes
 *       racing on two threads may report their counts out of order.</li>
 *   <li><b>Cardinality</b>: the arguments are low-cardinality (enums, short names, small numbers) except the
 *       {@link PeerId}, which is passed so that an implementation <em>may</em> tag by peer when its user
 *       asks for it; by default an implementation should ignore it, since a busy node sees an unbounded
 *       number of peers.</li>
 * </ul>
 *
 * <h2>Arguments</h2>
 * Non-null unless a parameter says otherwise. {@code transport} is the short lowercase name of the
 * multiaddr protocol that names the transport, as {@link #transportName(Multiaddr)} derives it from an
 * address: {@code tcp} for {@code /ip4/1.2.3.4/tcp/4001}, {@code memory} for {@code /memory/7}.
 * Durations are measured with {@link System#nanoTime()} (or the network's injected clock) and are never
 * negative.
 */
public interface NetworkMetrics {

  /** Records nothing. */
  NetworkMetrics NOOP = new NetworkMetrics() {
    @Override
    public String toString() {
      return "NetworkMetrics.NOOP";
    }
  };

  /** {@link #NOOP}. */
  static NetworkMetrics noop() {
    return NOOP;
  }

  /** Why a dial attempt failed, as a small closed set (meters tag by it). */
  enum DialFailure {
    /** The attempt ran out of {@link ConnectionConfig#connectionTimeout()}. */
    TIMEOUT,
    /** The transport failed: refused, reset, unreachable, handshake broken ({@link TransportException}, I/O). */
    TRANSPORT,
    /** The remote side was another peer than the one dialed ({@link PeerIdMismatchException}). */
    PEER_ID_MISMATCH,
    /** Security or muxer negotiation failed ({@link ProtocolNegotiationException}). */
    NEGOTIATION,
    /** A limit of this node refused the attempt ({@link LimitExceededException}). */
    LIMIT,
    /** The connection gater denied the address or the secured peer. */
    GATER,
    /** No transport supports any address of the peer. */
    NO_TRANSPORT,
    /** The connection closed right after its handshake. */
    CLOSED,
    /** Anything else. */
    OTHER
  }

  /** Which limit refused a connection, a handshake or a stream. */
  enum LimitScope {
    /** {@link ConnectionConfig#maxConnectionsPerPeer()}. */
    MAX_CONNECTIONS_PER_PEER,
    /** {@link ConnectionConfig#maxConnections()}. */
    MAX_CONNECTIONS,
    /** {@link ConnectionConfig#maxPendingHandshakes()}. */
    MAX_PENDING_HANDSHAKES,
    /** A transport's limit of streams per connection. */
    MAX_STREAMS_PER_CONNECTION,
    /** A {@link ResourceLimits} limit of one remote IP address (pending handshakes, inbound connections). */
    PER_IP,
    /** A {@link ResourceLimits} limit of one remote subnet (pending handshakes, inbound connections). */
    PER_SUBNET,
    /** A {@link ResourceLimits} stream limit (per connection, peer, protocol or node). */
    STREAMS,
    /** A {@link ResourceLimits} memory limit (per stream, connection, peer or node). */
    MEMORY,
    /** The outbound handshake queue was full, or a dial waited in it past its deadline. */
    HANDSHAKE_QUEUE,
    /** The {@link ConnectionGater} said no. */
    GATER,
    /**
     * The dial budget: a try waited past its deadline for a {@link ConnectionConfig#maxDialsInFlight()}
     * slot or found the queue full, or its {@link ConnectionConfig#peerDialRate()} token came too late.
     */
    DIAL_BUDGET
  }

  // ---- connections

  /**
   * A connection was admitted: it is in every view of the network.
   *
   * @param peer the remote peer
   * @param direction who dialed
   * @param transport see the class comment
   */
  default void connectionOpened(PeerId peer, Direction direction, String transport) {}

  /**
   * An admitted connection closed and left every view. Fires once per {@link #connectionOpened}.
   *
   * @param peer the remote peer
   * @param direction who dialed
   * @param transport see the class comment
   * @param lifetime from admission to the close
   * @param reason why it closed
   */
  default void connectionClosed(PeerId peer, Direction direction, String transport, Duration lifetime,
      CloseReason.Kind reason) {}

  /**
   * The number of open connections to {@code peer} changed; {@code connections} is the new count (0 when
   * the last one closed). Fires right after each {@link #connectionOpened} and {@link #connectionClosed} of
   * that peer (once for a replacement, which opens one and closes another in one step).
   */
  default void peerConnections(PeerId peer, int connections) {}

  // ---- streams

  /**
   * A stream was opened on a connection to {@code peer}: outbound once negotiated, inbound when handed to
   * its handler. {@code streamsOnConnection} is {@link NetConn#streamCount()} right after, counting
   * streams a transport opened for itself (identify, ping) too.
   */
  default void streamOpened(PeerId peer, Direction direction, int streamsOnConnection) {}

  /**
   * A stream reported by {@link #streamOpened} closed or was reset; {@code streamsOnConnection} is
   * {@link NetConn#streamCount()} right after.
   */
  default void streamClosed(PeerId peer, Direction direction, int streamsOnConnection) {}

  /**
   * A {@link Network#newStream} call ended, after {@code latency} from the call (a dial it had to make
   * first included) to the negotiated stream or the failure.
   *
   * @param succeeded whether it produced a stream
   */
  default void streamOpenLatency(PeerId peer, Duration latency, boolean succeeded) {}

  /**
   * The balancer chose a connection for a new stream.
   *
   * @param balancer the balancer's name: its strategy name (e.g. {@code round_robin}), or for an instance
   *     handed to the network its class's simple name ({@code custom} for a lambda or anonymous class)
   * @param position the index of the chosen connection among the candidates, oldest first
   * @param candidates how many open connections there were to choose from; at least 1
   * @param fallback true if the balancer threw or returned a non-candidate and the oldest was used
   */
  default void balancerChoice(String balancer, int position, int candidates, boolean fallback) {}

  // ---- bytes (reported by transports)

  /** {@code bytes} (positive) arrived at the transport level: wire bytes, before decryption and demuxing. */
  default void bytesRead(String transport, long bytes) {}

  /** {@code bytes} (positive) were handed to the transport level: wire bytes, after encryption and framing. */
  default void bytesWritten(String transport, long bytes) {}

  // ---- dialing

  /** One try of a dial attempt starts on {@code transport}: a connect, a security and a muxer handshake. */
  default void dialAttempt(PeerId peer, String transport) {}

  /** A try failed with {@code cause} and will be retried after the backoff delay. */
  default void dialRetry(PeerId peer, DialFailure cause) {}

  /**
   * A dial attempt ended without a connection, for good (after its retries), with {@code cause}.
   * Attempts withdrawn because their dial was cancelled are not failures and are not reported.
   */
  default void dialFailure(PeerId peer, DialFailure cause) {}

  /**
   * A try of an outbound dial produced a connection after {@code duration} (connect, security and muxer
   * handshakes of that one try).
   */
  default void handshakeCompleted(PeerId peer, String transport, Duration duration) {}

  // ---- limits

  /**
   * A limit refused a connection, a handshake or a stream.
   *
   * @param peer the peer, or {@code null} for an inbound connection refused before its handshake told who
   *     it is
   * @param scope which limit
   * @param direction the direction of what was refused
   */
  default void limitRefused(PeerId peer, LimitScope scope, Direction direction) {}

  /**
   * The short transport name of an address, as events carry it: the name of its last protocol other than
   * {@code p2p} ({@code tcp}, {@code memory}, {@code ws}, {@code quic-v1}), or {@code unknown} for an
   * address that has none.
   */
  static String transportName(Multiaddr address) {
    var components = address.components();
    for (int i = components.size() - 1; i >= 0; i--) {
      String name = components.get(i).name();
      if (!name.equals("p2p")) {
        return name;
      }
    }
    return "unknown";
  }
}
