package io.braid.testkit;

import io.braid.api.ConnectionTimeoutException;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetworkClosedException;
import io.braid.api.PeerId;
import io.braid.api.PeerIdMismatchException;
import io.braid.api.TransportException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One in-memory connection attempt, from {@code dial} until both sides have their connection or both
 * know it failed.
 *
 * <p>Design note: the state moves once, PENDING to DONE or ABORTED, under this object's lock; whoever
 * moves it releases the pending-handshake registrations, cancels the timers and owes the callbacks.
 * Callbacks and future completions run after the lock is released. The listener's handler is owed
 * exactly one of {@code connected}/{@code failed} once its {@code accept} returned true, even when the
 * attempt was aborted while {@code accept} ran: {@link #admit} pays that debt itself then.
 */
final class Handshake {
  private static final Logger LOG = LoggerFactory.getLogger(Handshake.class);

  private enum State { PENDING, DONE, ABORTED }

  /** What the dialer's fault injection asked of this handshake: nothing, a delay, or a hang. */
  record Fault(Duration delay) {
    static final Fault HANG = new Fault(null);

    boolean hangs() {
      return delay == null;
    }
  }

  private final MemoryTransport dialer;
  private final MemoryListener listener;
  private final MemoryTransport responder;
  private final PeerId expectedPeer;
  private final Multiaddr dialerAddress;
  private final CompletableFuture<NetConn> result;
  private final Fault fault;

  private State state = State.PENDING;
  private boolean admitting;
  private boolean inboundAccepted;
  private Throwable inboundCause;
  private ScheduledFuture<?> delayTimer;
  private ScheduledFuture<?> timeoutTimer;

  Handshake(MemoryTransport dialer, MemoryListener listener, PeerId expectedPeer, Multiaddr dialerAddress,
      CompletableFuture<NetConn> result, Fault fault) {
    this.dialer = dialer;
    this.listener = listener;
    this.responder = listener.transport;
    this.expectedPeer = expectedPeer;
    this.dialerAddress = dialerAddress;
    this.result = result;
    this.fault = fault;
  }

  boolean isDialedBy(MemoryTransport transport) {
    return dialer == transport;
  }

  /** Hands the raw connection to the listener's side; call once, after the dialer tracks this. */
  void start() {
    listener.events.execute(this::admit);
  }

  /** The dialer cancelled its future. */
  void cancelled() {
    abort(null, new TransportException("the dialer " + dialerAddress + " gave up the handshake"));
  }

  /** The dialer's transport closed. */
  void dialerClosed() {
    abort(new NetworkClosedException("memory transport of " + dialer.localPeer() + " closed during the handshake"),
        new TransportException("the dialer " + dialerAddress + " closed the connection during the handshake"));
  }

  /** The responder's transport closed. */
  void responderClosed() {
    abort(remoteHungUp(null),
        new NetworkClosedException("memory transport of " + responder.localPeer() + " closed during the handshake"));
  }

  /** Runs on the listener's event executor. */
  private void admit() {
    synchronized (this) {
      if (state != State.PENDING) {
        return;
      }
      admitting = true;
    }
    boolean accepted;
    if (listener.isClosed()) {
      accepted = false;
    } else {
      try {
        accepted = listener.handler.accept(dialerAddress);
      } catch (RuntimeException e) {
        LOG.warn("InboundConnectionHandler.accept threw; refusing {}", dialerAddress, e);
        accepted = false;
      }
    }
    Throwable owed = null;
    boolean tracked = false;
    synchronized (this) {
      admitting = false;
      if (state == State.PENDING && accepted) {
        inboundAccepted = true;
        tracked = responder.trackInbound(this);
      } else if (state != State.PENDING && accepted) {
        owed = inboundCause;
      }
    }
    if (owed != null) {
      Throwable cause = owed;
      listener.events.execute(() -> listener.handler.failed(dialerAddress, cause));
      return;
    }
    if (!accepted) {
      abort(new TransportException("connection refused: " + (listener.isClosed() ? "the listener at "
          + listener.address + " closed" : "the listener at " + listener.address + " refused it")), null);
      return;
    }
    if (!tracked) {
      responderClosed();
      return;
    }
    Duration timeout = responder.context().handshakeTimeout();
    arm(responder.scheduler().schedule(this::timedOut, timeout.toNanos(), TimeUnit.NANOSECONDS), true);
    if (fault == null) {
      complete();
    } else if (!fault.hangs()) {
      arm(dialer.scheduler().schedule(this::complete, fault.delay().toNanos(), TimeUnit.NANOSECONDS), false);
    }
    // A hanging handshake waits for cancellation, the responder's timeout or a transport close.
  }

  private void arm(ScheduledFuture<?> timer, boolean timeout) {
    boolean stale;
    synchronized (this) {
      stale = state != State.PENDING;
      if (!stale) {
        if (timeout) {
          timeoutTimer = timer;
        } else {
          delayTimer = timer;
        }
      }
    }
    if (stale) {
      timer.cancel(false);
    }
  }

  private void timedOut() {
    Duration timeout = responder.context().handshakeTimeout();
    ConnectionTimeoutException e = new ConnectionTimeoutException("inbound handshake from " + dialerAddress,
        timeout);
    abort(remoteHungUp(e), e);
  }

  private TransportException remoteHungUp(Throwable cause) {
    return new TransportException("the remote " + listener.address + " closed the connection during the handshake",
        cause);
  }

  /** The handshake ran to its end: check the peer id, then build and hand out the connection. */
  private void complete() {
    ScheduledFuture<?> t1;
    ScheduledFuture<?> t2;
    synchronized (this) {
      if (state != State.PENDING) {
        return;
      }
      state = State.DONE;
      t1 = delayTimer;
      t2 = timeoutTimer;
    }
    release(t1, t2);
    PeerId actual = responder.localPeer();
    if (!actual.equals(expectedPeer)) {
      failBoth(new PeerIdMismatchException(expectedPeer, actual), new TransportException("the dialer "
          + dialerAddress + " dropped the connection: it expected peer " + expectedPeer + ", not " + actual));
      return;
    }
    MemoryConnection[] ends = MemoryConnection.pair(dialer, responder, dialerAddress, listener.address);
    MemoryConnection out = ends[0];
    MemoryConnection in = ends[1];
    boolean dialerOk = dialer.adopt(out);
    boolean responderOk = dialerOk && responder.adopt(in);
    if (!responderOk) {
      out.close();
      if (!dialerOk) {
        dialerClosedLate();
      } else {
        failBoth(remoteHungUp(null), new NetworkClosedException("memory transport of " + responder.localPeer()
            + " closed during the handshake"));
      }
      return;
    }
    dialer.executor().execute(() -> {
      if (!result.complete(out)) {
        out.close(); // cancelled at the last moment: the responder sees the connection close
      }
    });
    listener.events.execute(() -> listener.handler.connected(in));
  }

  private void dialerClosedLate() {
    failBoth(new NetworkClosedException("memory transport of " + dialer.localPeer() + " closed during the handshake"),
        new TransportException("the dialer " + dialerAddress + " closed the connection during the handshake"));
  }

  private void failBoth(Throwable dialerCause, Throwable inboundCause) {
    dialer.executor().execute(() -> result.completeExceptionally(dialerCause));
    listener.events.execute(() -> listener.handler.failed(dialerAddress, inboundCause));
  }

  /**
   * Ends the attempt as failed, if it is still pending.
   *
   * @param dialerCause what the dial future fails with ({@code null} when it is already cancelled)
   * @param inboundCause what the listener's {@code failed} gets if it is owed one; {@code null} if the
   *     listener refused the connection
   */
  private void abort(Throwable dialerCause, Throwable inboundCause) {
    boolean owe;
    ScheduledFuture<?> t1;
    ScheduledFuture<?> t2;
    synchronized (this) {
      if (state != State.PENDING) {
        return;
      }
      state = State.ABORTED;
      this.inboundCause = inboundCause;
      owe = inboundAccepted;
      t1 = delayTimer;
      t2 = timeoutTimer;
    }
    release(t1, t2);
    if (owe && inboundCause != null) {
      listener.events.execute(() -> listener.handler.failed(dialerAddress, inboundCause));
    }
    if (dialerCause != null) {
      dialer.executor().execute(() -> result.completeExceptionally(dialerCause));
    }
  }

  private void release(ScheduledFuture<?> t1, ScheduledFuture<?> t2) {
    if (t1 != null) {
      t1.cancel(false);
    }
    if (t2 != null) {
      t2.cancel(false);
    }
    dialer.handshakeEnded(this);
    responder.handshakeEnded(this);
  }

  @Override
  public String toString() {
    return "Handshake[" + dialerAddress + " -> " + listener.address + ", expecting " + expectedPeer + "]";
  }
}
