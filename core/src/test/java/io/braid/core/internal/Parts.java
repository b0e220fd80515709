package io.braid.core.internal;

import io.braid.api.ConnectionConfig;
import io.braid.api.ConnectionGater;
import io.braid.api.Direction;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import io.braid.api.ResourceLimits;
import io.braid.api.RetryConfig;
import io.braid.testkit.FakeClock;
import io.braid.testkit.FakeNetConn;
import io.braid.testkit.RecordingNetworkListener;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * The collaborators wired as the swarm wires them, over a {@link ScriptedTransport} and a {@link FakeClock},
 * events delivered on the calling thread. Tests settle dials by hand, so nothing runs unless they say.
 */
final class Parts {
  static final Multiaddr A1 = Multiaddr.fromString("/memory/1");
  static final Multiaddr A2 = Multiaddr.fromString("/memory/2");

  final PeerId local;
  final ConnectionConfig config;
  final FakeClock clock = new FakeClock();
  final ScriptedTransport transport = new ScriptedTransport();
  final TransportSet transports = new TransportSet(List.of(transport));
  final SlotPool slots;
  final EventDispatcher events = new EventDispatcher(Runnable::run);
  final RecordingNetworkListener recorded = new RecordingNetworkListener();
  final ConnectionRegistry registry;
  final AddressBook book = new AddressBook();
  final ScopedResourceManager resources;
  final HandshakeQueue handshakes;
  final Admission admission;
  final DialCoordinator dials;
  final Lifecycle lifecycle;

  Parts(PeerId local, ConnectionConfig config, RetryConfig retry, ConnectionGater gater) {
    this(local, config, retry, gater, ResourceLimits.defaults());
  }

  Parts(PeerId local, ConnectionConfig config, RetryConfig retry, ConnectionGater gater, ResourceLimits limits) {
    this.local = local;
    this.config = config;
    this.slots = new SlotPool(config);
    this.registry = new ConnectionRegistry(slots, events);
    GuardedGater guarded = new GuardedGater(gater);
    this.resources = new ScopedResourceManager(limits, GuardedMetrics.NONE);
    this.handshakes = new HandshakeQueue(slots, limits);
    this.admission = new Admission(local, config.maxConnectionsPerPeer(), slots, registry, guarded,
        GuardedMetrics.NONE, resources, handshakes);
    this.dials = new DialCoordinator(local, config, new BackoffPolicy(retry, new SplittableRandom(1)),
        clock.scheduler(), transports, guarded, slots, admission, registry, book);
    this.lifecycle = new Lifecycle(local, slots, transports, registry, dials, clock.scheduler(), false);
    events.addListener(recorded);
  }

  /** Local peer testPeer(0), {@code perPeer} connections per peer, 5 s timeout, retries without jitter. */
  static Parts of(int perPeer, int maxRetries) {
    return new Parts(FakeNetConn.testPeer(0), config(perPeer).build(), noJitter(maxRetries), ConnectionGater.ALLOW_ALL);
  }

  /** Like {@link #of} with no retries, and a global cap of {@code maxConnections}. */
  static Parts withCap(int perPeer, int maxConnections) {
    return new Parts(FakeNetConn.testPeer(0), config(perPeer).maxConnections(maxConnections).build(), noJitter(0),
        ConnectionGater.ALLOW_ALL);
  }

  /** No retries, {@code config} and {@code limits}. */
  static Parts withLimits(ConnectionConfig config, ResourceLimits limits) {
    return new Parts(FakeNetConn.testPeer(0), config, noJitter(0), ConnectionGater.ALLOW_ALL, limits);
  }

  /** Like {@link #of} with no retries, asking {@code gater}. */
  static Parts withGater(int perPeer, ConnectionGater gater) {
    return new Parts(FakeNetConn.testPeer(0), config(perPeer).build(), noJitter(0), gater);
  }

  /** Adds {@code addresses} for {@code peer} (or {@link #A1} if none are given) and dials it. */
  CompletableFuture<List<NetConn>> dial(PeerId peer, Multiaddr... addresses) {
    book.add(peer, addresses.length == 0 ? new Multiaddr[] {A1} : addresses);
    return dials.dial(peer);
  }

  static ConnectionConfig.Builder config(int perPeer) {
    return ConnectionConfig.builder().maxConnectionsPerPeer(perPeer).connectionTimeout(Duration.ofSeconds(5));
  }

  static RetryConfig noJitter(int maxRetries) {
    return RetryConfig.builder().maxRetries(maxRetries).initialDelay(Duration.ofMillis(100))
        .maxDelay(Duration.ofSeconds(1)).jitterFactor(0).build();
  }

  /** An open outbound connection from {@link #local} to {@code peer}. */
  FakeNetConn outbound(PeerId peer) {
    return FakeNetConn.builder().localPeer(local).remotePeer(peer).direction(Direction.OUTBOUND).build();
  }

  /** An open inbound connection from {@code peer}. */
  FakeNetConn inbound(PeerId peer) {
    return FakeNetConn.builder().localPeer(local).remotePeer(peer).direction(Direction.INBOUND).build();
  }

  /** Succeeds pending dial {@code i} with a fresh outbound connection; returns it. */
  FakeNetConn connect(int i) {
    ScriptedTransport.Dial d = transport.pending().get(i);
    FakeNetConn c = outbound(d.peer());
    d.future().complete(c);
    return c;
  }

  /** A peer whose id is smaller (or larger) than {@link #local}'s. */
  PeerId peer(boolean smallerThanLocal) {
    for (long seed = 1; ; seed++) {
      PeerId p = FakeNetConn.testPeer(seed);
      if ((p.compareTo(local) < 0) == smallerThanLocal) {
        return p;
      }
    }
  }

  /** Nothing held: no slot, no handshake, no peer record, no timer. */
  boolean idle() {
    return slots.inUse() == registry.connections().size() && slots.pendingHandshakes() == 0;
  }
}
