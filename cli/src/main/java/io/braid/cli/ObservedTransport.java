package io.braid.cli;

import io.braid.api.InboundConnectionHandler;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import io.braid.api.Transport;
import io.braid.api.TransportListener;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link Transport} that tells a {@link DialWatcher} how each dial ended, and otherwise does exactly
 * what the transport it wraps does. The swarm retries inside; this is how the tour ({@link SwarmTour}) sees
 * each attempt.
 *
 * <p>Thread-safe. The watcher runs on whatever thread completes the dial; it must not block.
 */
final class ObservedTransport implements Transport {

  /** Hears the outcome of every dial: exactly one of {@code connection} and {@code failure} is non-null. */
  @FunctionalInterface
  interface DialWatcher {
    void dialEnded(Multiaddr address, NetConn connection, Throwable failure);
  }

  private static final DialWatcher NONE = (address, connection, failure) -> {};

  private final Transport delegate;
  private volatile DialWatcher watcher = NONE;

  ObservedTransport(Transport delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** Replaces the watcher; {@code null} stops watching. */
  void watch(DialWatcher w) {
    this.watcher = w == null ? NONE : w;
  }

  @Override
  public boolean supports(Multiaddr address) {
    return delegate.supports(address);
  }

  @Override
  public CompletableFuture<NetConn> dial(Multiaddr address, PeerId expectedPeer) {
    CompletableFuture<NetConn> f = delegate.dial(address, expectedPeer);
    DialWatcher w = watcher;
    // The watcher hears the outcome before the swarm does, so the tour's log is in causal order;
    // cancelling what the swarm holds still aborts the real attempt.
    CompletableFuture<NetConn> observed = new CompletableFuture<>();
    f.whenComplete((conn, err) -> {
      w.dialEnded(address, conn, err == null ? null : Braid.unwrap(err));
      if (err != null) {
        observed.completeExceptionally(err);
      } else if (!observed.complete(conn)) {
        conn.close(); // the swarm gave up on this attempt meanwhile
      }
    });
    observed.whenComplete((conn, err) -> {
      if (observed.isCancelled()) {
        f.cancel(true);
      }
    });
    return observed;
  }

  @Override
  public CompletableFuture<TransportListener> listen(Multiaddr address, InboundConnectionHandler handler) {
    return delegate.listen(address, handler);
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "Observed[" + delegate + "]";
  }
}
