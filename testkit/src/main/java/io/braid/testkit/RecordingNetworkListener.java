package io.braid.testkit;

import io.braid.api.CloseReason;
import io.braid.api.NetConn;
import io.braid.api.NetworkListener;
import io.braid.api.PeerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A {@link NetworkListener} that records every event, in the order it was called, and lets a test wait
 * (bounded) until the record satisfies a condition. An optional hook runs on the calling thread before
 * each event is recorded, so a test can look at the network from inside a callback.
 *
 * <p>Thread-safe.
 */
public final class RecordingNetworkListener implements NetworkListener {

  /** The four callbacks of {@link NetworkListener}. */
  public enum Kind { PEER_CONNECTED, CONNECTION_OPENED, CONNECTION_CLOSED, PEER_DISCONNECTED }

  /**
   * One recorded callback.
   *
   * @param kind which callback
   * @param peer the peer it concerns (the connection's remote peer for connection events)
   * @param connection the connection, or {@code null} for peer events
   * @param reason the close reason of {@link Kind#CONNECTION_CLOSED}, else {@code null}
   * @param thread the name of the thread that called
   */
  public record Event(Kind kind, PeerId peer, NetConn connection, CloseReason reason, String thread) {
    @Override
    public String toString() {
      return kind + "(" + (connection != null ? connection.id() : peer) + (reason != null ? ", " + reason.kind() : "")
          + ")";
    }
  }

  private final Object lock = new Object();
  private final List<Event> events = new ArrayList<>();
  private final Consumer<Event> hook;

  /** A listener that only records. */
  public RecordingNetworkListener() {
    this(e -> {});
  }

  /** A listener that calls {@code hook} with each event, on the calling thread, before recording it. */
  public RecordingNetworkListener(Consumer<Event> hook) {
    this.hook = Objects.requireNonNull(hook, "hook");
  }

  @Override
  public void connectionOpened(NetConn connection) {
    record(new Event(Kind.CONNECTION_OPENED, connection.remotePeer(), connection, null, thread()));
  }

  @Override
  public void connectionClosed(NetConn connection, CloseReason reason) {
    record(new Event(Kind.CONNECTION_CLOSED, connection.remotePeer(), connection, reason, thread()));
  }

  @Override
  public void peerConnected(PeerId peer) {
    record(new Event(Kind.PEER_CONNECTED, peer, null, null, thread()));
  }

  @Override
  public void peerDisconnected(PeerId peer) {
    record(new Event(Kind.PEER_DISCONNECTED, peer, null, null, thread()));
  }

  private static String thread() {
    return Thread.currentThread().getName();
  }

  private void record(Event e) {
    try {
      hook.accept(e);
    } finally {
      synchronized (lock) {
        events.add(e);
        lock.notifyAll();
      }
    }
  }

  /** Every event so far, in call order; an immutable snapshot. */
  public List<Event> events() {
    synchronized (lock) {
      return List.copyOf(events);
    }
  }

  /** The events of {@code kind} so far, in call order; an immutable snapshot. */
  public List<Event> events(Kind kind) {
    return events().stream().filter(e -> e.kind() == kind).toList();
  }

  /** How many events of {@code kind} concern {@code connection}. */
  public long count(Kind kind, NetConn connection) {
    return events().stream().filter(e -> e.kind() == kind && e.connection() == connection).count();
  }

  /** How many events of {@code kind} concern {@code peer}. */
  public long count(Kind kind, PeerId peer) {
    return events().stream().filter(e -> e.kind() == kind && e.peer().equals(peer)).count();
  }

  /**
   * Waits until {@code condition} holds for the recorded events, at most {@code timeout}.
   *
   * @throws AssertionError naming {@code what} and the events seen if it does not hold in time
   */
  public void await(Predicate<List<Event>> condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (!condition.test(List.copyOf(events))) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; events: " + events);
        }
        try {
          lock.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted while waiting for " + what, e);
        }
      }
    }
  }

  /** Waits until at least {@code n} events of {@code kind} were recorded, at most {@code timeout}. */
  public void awaitCount(Kind kind, int n, Duration timeout) {
    await(es -> es.stream().filter(e -> e.kind() == kind).count() >= n, timeout, n + " x " + kind);
  }

  @Override
  public String toString() {
    return "RecordingNetworkListener" + events();
  }
}
