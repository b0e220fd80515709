package io.braid.core.internal;

import io.braid.api.CloseReason;
import io.braid.api.NetConn;
import io.braid.api.NetworkListener;
import io.braid.api.PeerId;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the {@link NetworkListener}s and delivers peer- and connection-level events to them: each event
 * exactly once, in the order it was queued, one at a time on the configured executor, and a listener
 * that throws is logged and skipped without keeping the others (or later events) from running.
 *
 * <p>Threads: the {@code queue...} methods only queue, so a caller may hold a peer lock while it
 * queues; that is how events keep the order of the changes they report. {@link #flush()} starts
 * delivery and must be called with no lock held: with a direct executor the listeners run right there,
 * on the calling thread.
 */
public final class EventDispatcher {
  private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

  private final CopyOnWriteArraySet<NetworkListener> listeners = new CopyOnWriteArraySet<>();
  private final SerialExecutor serial;

  public EventDispatcher(Executor executor) {
    this.serial = new SerialExecutor(Objects.requireNonNull(executor, "executor"));
  }

  public void addListener(NetworkListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public void removeListener(NetworkListener listener) {
    listeners.remove(listener);
  }

  void queuePeerConnected(PeerId peer) {
    queue(l -> l.peerConnected(peer));
  }

  void queueConnectionOpened(NetConn conn) {
    queue(l -> l.connectionOpened(conn));
  }

  void queueConnectionClosed(NetConn conn, CloseReason reason) {
    queue(l -> l.connectionClosed(conn, reason));
  }

  void queuePeerDisconnected(PeerId peer) {
    queue(l -> l.peerDisconnected(peer));
  }

  void queueConnectionUnhealthy(NetConn conn, Duration silentFor) {
    queue(l -> l.connectionUnhealthy(conn, silentFor));
  }

  void queueConnectionHealthy(NetConn conn) {
    queue(l -> l.connectionHealthy(conn));
  }

  // keep-N (issue 14)

  void queueBelowTarget(PeerId peer, int current, int target) {
    queue(l -> l.belowTarget(peer, current, target));
  }

  void queueTargetRestored(PeerId peer, int connections, Duration took) {
    queue(l -> l.targetRestored(peer, connections, took));
  }

  void queueGaveUp(PeerId peer, int target, java.util.List<Throwable> causes) {
    queue(l -> l.keepConnectedGaveUp(peer, target, causes));
  }

  /** Delivers what is queued unless a delivery is under way already. Call with no lock held. */
  void flush() {
    serial.flush();
  }

  /** Queues one event for every listener registered when it is delivered. */
  private void queue(Consumer<NetworkListener> event) {
    serial.enqueue(() -> {
      for (NetworkListener l : listeners) {
        try {
          event.accept(l);
        } catch (Throwable t) {
          log.warn("network listener {} threw; ignoring it", l, t);
        }
      }
    });
  }
}
