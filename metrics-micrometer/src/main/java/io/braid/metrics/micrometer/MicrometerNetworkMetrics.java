package io.braid.metrics.micrometer;

import io.braid.api.CloseReason;
import io.braid.api.Direction;
import io.braid.api.NetworkMetrics;
import io.braid.api.PeerId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * {@link NetworkMetrics} on a Micrometer {@link MeterRegistry}. Hand it to the swarm:
 *
 * <pre>{@code
 * MeterRegistry registry = ...;
 * Swarm swarm = Swarm.builder(identity)
 *     .metrics(MicrometerNetworkMetrics.builder(registry).build())
 *     .build();
 * }</pre>
 *
 * <h2>Meters</h2>
 * Names below use the default prefix {@code braid} ({@link Builder#prefix}); tag values are lowercase.
 * <table>
 *   <caption>Meters registered by this class</caption>
 *   <tr><th>Name</th><th>Type</th><th>Tags</th><th>Meaning</th></tr>
 *   <tr><td>{@code braid.connections.open}</td><td>gauge</td><td>direction, transport</td>
 *       <td>connections admitted and not yet closed</td></tr>
 *   <tr><td>{@code braid.connections.opened}</td><td>counter</td><td>direction, transport</td>
 *       <td>connections admitted</td></tr>
 *   <tr><td>{@code braid.connection.lifetime}</td><td>timer</td><td>direction, transport, reason</td>
 *       <td>admission to close, one sample per closed connection; reason is the close kind</td></tr>
 *   <tr><td>{@code braid.connections.per.peer}</td><td>distribution summary</td><td>(peer)</td>
 *       <td>a peer's open connection count, sampled at each change</td></tr>
 *   <tr><td>{@code braid.streams.opened}</td><td>counter</td><td>direction</td>
 *       <td>streams opened (outbound negotiated, inbound handed to a handler)</td></tr>
 *   <tr><td>{@code braid.streams.per.connection}</td><td>distribution summary</td><td>direction, (peer)</td>
 *       <td>a connection's stream count, sampled when one of these streams opens or closes</td></tr>
 *   <tr><td>{@code braid.stream.open.latency}</td><td>timer</td><td>outcome, (peer)</td>
 *       <td>{@code newStream} call to negotiated stream (or failure); outcome success or failure</td></tr>
 *   <tr><td>{@code braid.balancer.choices}</td><td>counter</td><td>balancer, position, fallback</td>
 *       <td>balancer picks; position is the chosen connection's index among the candidates, oldest
 *       first, {@code 7+} beyond</td></tr>
 *   <tr><td>{@code braid.bytes.in}</td><td>counter (bytes)</td><td>transport</td>
 *       <td>bytes read at the transport level</td></tr>
 *   <tr><td>{@code braid.bytes.out}</td><td>counter (bytes)</td><td>transport</td>
 *       <td>bytes written at the transport level</td></tr>
 *   <tr><td>{@code braid.dial.attempts}</td><td>counter</td><td>transport, (peer)</td>
 *       <td>tries started (first tries and retries)</td></tr>
 *   <tr><td>{@code braid.dial.retries}</td><td>counter</td><td>cause, (peer)</td>
 *       <td>failed tries that were retried</td></tr>
 *   <tr><td>{@code braid.dial.failures}</td><td>counter</td><td>cause, (peer)</td>
 *       <td>attempts that ended without a connection after their retries</td></tr>
 *   <tr><td>{@code braid.handshake.duration}</td><td>timer</td><td>transport, (peer)</td>
 *       <td>connect, security and muxer handshakes of one successful outbound try</td></tr>
 *   <tr><td>{@code braid.limit.refusals}</td><td>counter</td><td>scope, direction, (peer)</td>
 *       <td>refusals by a limit; scope is the configuration name ({@code maxConnectionsPerPeer},
 *       {@code maxConnections}, {@code maxPendingHandshakes}, {@code maxStreamsPerConnection}) or
 *       {@code gater}</td></tr>
 * </table>
 * A {@code peer} tag (in parentheses above) is added only with {@link Builder#tagPeerIds(boolean)
 * tagPeerIds(true)}: every peer then makes meters of its own, which Micrometer keeps for the life of the
 * registry, so turn it on only for a node that talks to a small, fixed set of peers. For refusals of an
 * inbound connection before its handshake the peer is {@code unknown}.
 *
 * <p>Threads: thread-safe, non-blocking, and it does not throw for any argument the port allows.
 */
public final class MicrometerNetworkMetrics implements NetworkMetrics {
  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");
  private static final int MAX_POSITION_TAG = 7;

  private final MeterRegistry registry;
  private final String prefix;
  private final boolean tagPeerIds;
  /** Gauge values by (direction, transport); held here because Micrometer keeps only weak references. */
  private final ConcurrentHashMap<Tags, AtomicInteger> openConnections = new ConcurrentHashMap<>();
  /** The byte counters of each transport, cached: they are hit on every read batch and flush. */
  private final ConcurrentHashMap<String, Counter> bytesIn = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> bytesOut = new ConcurrentHashMap<>();

  private MicrometerNetworkMetrics(Builder b) {
    this.registry = b.registry;
    this.prefix = b.prefix;
    this.tagPeerIds = b.tagPeerIds;
  }

  /** A builder for metrics registered in {@code registry}. */
  public static Builder builder(MeterRegistry registry) {
    return new Builder(registry);
  }

  /** Metrics in {@code registry} with the defaults: prefix {@code braid}, no peer tags. */
  public static MicrometerNetworkMetrics create(MeterRegistry registry) {
    return builder(registry).build();
  }

  /** The registry the meters are in. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The prefix of every meter name. */
  public String prefix() {
    return prefix;
  }

  /** Whether meters of per-peer events carry a {@code peer} tag. */
  public boolean tagsPeerIds() {
    return tagPeerIds;
  }

  // ---- connections

  @Override
  public void connectionOpened(PeerId peer, Direction direction, String transport) {
    Tags tags = Tags.of(direction(direction), Tag.of("transport", transport));
    open(tags).incrementAndGet();
    Counter.builder(name("connections.opened")).description("connections admitted").tags(tags)
        .register(registry).increment();
  }

  @Override
  public void connectionClosed(PeerId peer, Direction direction, String transport, Duration lifetime,
      CloseReason.Kind reason) {
    Tags tags = Tags.of(direction(direction), Tag.of("transport", transport));
    open(tags).decrementAndGet();
    Timer.builder(name("connection.lifetime")).description("time from a connection's admission to its close")
        .tags(tags).tag("reason", lower(reason.name())).register(registry).record(lifetime);
  }

  private AtomicInteger open(Tags tags) {
    return openConnections.computeIfAbsent(tags, t -> {
      AtomicInteger value = new AtomicInteger();
      Gauge.builder(name("connections.open"), value, AtomicInteger::get)
          .description("connections admitted and not yet closed").tags(t).register(registry);
      return value;
    });
  }

  @Override
  public void peerConnections(PeerId peer, int connections) {
    DistributionSummary.builder(name("connections.per.peer"))
        .description("a peer's open connection count, sampled at each change").tags(peerTags(peer))
        .register(registry).record(connections);
  }

  // ---- streams

  @Override
  public void streamOpened(PeerId peer, Direction direction, int streamsOnConnection) {
    Counter.builder(name("streams.opened")).description("streams opened").tags(Tags.of(direction(direction)))
        .register(registry).increment();
    streamsPerConnection(peer, direction, streamsOnConnection);
  }

  @Override
  public void streamClosed(PeerId peer, Direction direction, int streamsOnConnection) {
    streamsPerConnection(peer, direction, streamsOnConnection);
  }

  private void streamsPerConnection(PeerId peer, Direction direction, int streams) {
    DistributionSummary.builder(name("streams.per.connection"))
        .description("a connection's stream count, sampled when a stream opens or closes")
        .tags(peerTags(peer).and(direction(direction))).register(registry).record(streams);
  }

  @Override
  public void streamOpenLatency(PeerId peer, Duration latency, boolean succeeded) {
    Timer.builder(name("stream.open.latency")).description("newStream call to negotiated stream or failure")
        .tags(peerTags(peer).and("outcome", succeeded ? "success" : "failure")).register(registry)
        .record(latency);
  }

  @Override
  public void balancerChoice(String balancer, int position, int candidates, boolean fallback) {
    String where = position > MAX_POSITION_TAG ? MAX_POSITION_TAG + "+" : Integer.toString(Math.max(0, position));
    Counter.builder(name("balancer.choices")).description("connections chosen by the load balancer")
        .tags("balancer", balancer, "position", where, "fallback", Boolean.toString(fallback))
        .register(registry).increment();
  }

  // ---- bytes

  @Override
  public void bytesRead(String transport, long bytes) {
    bytesIn.computeIfAbsent(transport, t -> Counter.builder(name("bytes.in")).baseUnit(BaseUnits.BYTES)
        .description("bytes read at the transport level").tag("transport", t).register(registry))
        .increment(bytes);
  }

  @Override
  public void bytesWritten(String transport, long bytes) {
    bytesOut.computeIfAbsent(transport, t -> Counter.builder(name("bytes.out")).baseUnit(BaseUnits.BYTES)
        .description("bytes written at the transport level").tag("transport", t).register(registry))
        .increment(bytes);
  }

  // ---- dialing

  @Override
  public void dialAttempt(PeerId peer, String transport) {
    Counter.builder(name("dial.attempts")).description("dial tries started")
        .tags(peerTags(peer).and("transport", transport)).register(registry).increment();
  }

  @Override
  public void dialRetry(PeerId peer, DialFailure cause) {
    Counter.builder(name("dial.retries")).description("failed dial tries that were retried")
        .tags(peerTags(peer).and("cause", lower(cause.name()))).register(registry).increment();
  }

  @Override
  public void dialFailure(PeerId peer, DialFailure cause) {
    Counter.builder(name("dial.failures")).description("dial attempts that ended without a connection")
        .tags(peerTags(peer).and("cause", lower(cause.name()))).register(registry).increment();
  }

  @Override
  public void handshakeCompleted(PeerId peer, String transport, Duration duration) {
    Timer.builder(name("handshake.duration"))
        .description("connect, security and muxer handshakes of one successful outbound try")
        .tags(peerTags(peer).and("transport", transport)).register(registry).record(duration);
  }

  // ---- limits

  @Override
  public void limitRefused(PeerId peer, LimitScope scope, Direction direction) {
    Counter.builder(name("limit.refusals")).description("connections, handshakes or streams refused by a limit")
        .tags(peerTags(peer).and(direction(direction)).and("scope", scopeName(scope))).register(registry)
        .increment();
  }

  /** The tag value of a scope: the configuration's name of the limit (or of its kind), or {@code gater}. */
  static String scopeName(LimitScope scope) {
    switch (scope) {
      case MAX_CONNECTIONS_PER_PEER:
        return "maxConnectionsPerPeer";
      case MAX_CONNECTIONS:
        return "maxConnections";
      case MAX_PENDING_HANDSHAKES:
        return "maxPendingHandshakes";
      case MAX_STREAMS_PER_CONNECTION:
        return "maxStreamsPerConnection";
      case PER_IP:
        return "perIp";
      case PER_SUBNET:
        return "perSubnet";
      case STREAMS:
        return "streams";
      case MEMORY:
        return "memory";
      case HANDSHAKE_QUEUE:
        return "handshakeQueue";
      case DIAL_BUDGET:
        return "dialBudget";
      default:
        return "gater";
    }
  }

  // ---- helpers

  private String name(String suffix) {
    return prefix + "." + suffix;
  }

  private Tags peerTags(PeerId peer) {
    return tagPeerIds ? Tags.of("peer", peer == null ? "unknown" : peer.toString()) : Tags.empty();
  }

  private static Tag direction(Direction direction) {
    return Tag.of("direction", lower(direction.name()));
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return "MicrometerNetworkMetrics[" + prefix + (tagPeerIds ? ", peer tags" : "") + "]";
  }

  /** Options of a {@link MicrometerNetworkMetrics}; each setter checks its input at once. Not thread-safe. */
  public static final class Builder {
    private final MeterRegistry registry;
    private String prefix = "braid";
    private boolean tagPeerIds;

    private Builder(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * The first part of every meter name (default {@code braid}): lowercase dotted words, e.g.
     * {@code braid} or {@code myapp.p2p}.
     *
     * @throws IllegalArgumentException if it is not lowercase dotted words
     */
    public Builder prefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (!PREFIX.matcher(prefix).matches()) {
        throw new IllegalArgumentException(
            "prefix must be lowercase dotted words (like \"braid\" or \"myapp.p2p\"), was \"" + prefix + "\"");
      }
      this.prefix = prefix;
      return this;
    }

    /**
     * Whether meters of per-peer events carry a {@code peer} tag with the peer id (default false). Each
     * peer then makes meters of its own, kept for the life of the registry: use it only with a small,
     * fixed set of peers.
     */
    public Builder tagPeerIds(boolean tag) {
      this.tagPeerIds = tag;
      return this;
    }

    /** The metrics. */
    public MicrometerNetworkMetrics build() {
      return new MicrometerNetworkMetrics(this);
    }
  }
}
