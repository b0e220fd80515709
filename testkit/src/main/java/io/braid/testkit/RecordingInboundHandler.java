package io.braid.testkit;

import io.braid.api.InboundConnectionHandler;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.opentest4j.AssertionFailedError;

/**
 * An {@link InboundConnectionHandler} that records every call and lets a test wait for them, with a
 * bound. It admits connections by a predicate (all, by default) and checks the handler contract as it
 * goes: {@link #awaitSettled(Duration)} waits until every admitted connection got exactly one of
 * {@code connected}/{@code failed}, and {@link #violations()} lists calls the contract forbids.
 *
 * <p>Connections it receives are the test's to close; the {@link TransportContract} closes them with
 * their transport. Thread-safe.
 */
public final class RecordingInboundHandler implements InboundConnectionHandler {

  /** One {@code failed} call. */
  public record Failure(Multiaddr remoteAddress, Throwable cause) {}

  private final Predicate<Multiaddr> admission;
  private final Object lock = new Object();
  private final List<Multiaddr> offered = new ArrayList<>();
  private final List<NetConn> connected = new ArrayList<>();
  private final List<Failure> failed = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private int admitted;
  private int connectedTaken;
  private int failedTaken;

  /** Admits every connection. */
  public RecordingInboundHandler() {
    this(address -> true);
  }

  /** Admits the connections {@code admission} returns true for. */
  public RecordingInboundHandler(Predicate<Multiaddr> admission) {
    this.admission = Objects.requireNonNull(admission, "admission");
  }

  /** A handler that refuses every connection. */
  public static RecordingInboundHandler refusingAll() {
    return new RecordingInboundHandler(address -> false);
  }

  @Override
  public boolean accept(Multiaddr remoteAddress) {
    boolean ok = admission.test(remoteAddress);
    synchronized (lock) {
      offered.add(remoteAddress);
      if (ok) {
        admitted++;
      }
      lock.notifyAll();
    }
    return ok;
  }

  @Override
  public void connected(NetConn connection) {
    synchronized (lock) {
      connected.add(connection);
      if (connected.size() + failed.size() > admitted) {
        violations.add("connected(" + connection + ") without a matching accept() == true");
      }
      lock.notifyAll();
    }
  }

  @Override
  public void failed(Multiaddr remoteAddress, Throwable cause) {
    synchronized (lock) {
      failed.add(new Failure(remoteAddress, cause));
      if (connected.size() + failed.size() > admitted) {
        violations.add("failed(" + remoteAddress + ", " + cause + ") without a matching accept() == true");
      }
      lock.notifyAll();
    }
  }

  /** Addresses passed to {@code accept}, in order; a snapshot. */
  public List<Multiaddr> offeredAddresses() {
    synchronized (lock) {
      return List.copyOf(offered);
    }
  }

  /** How many times {@code accept} was called. */
  public int acceptCalls() {
    synchronized (lock) {
      return offered.size();
    }
  }

  /** How many times {@code accept} returned true. */
  public int admittedCount() {
    synchronized (lock) {
      return admitted;
    }
  }

  /** Every connection received, in order; a snapshot. */
  public List<NetConn> connections() {
    synchronized (lock) {
      return List.copyOf(connected);
    }
  }

  /** Every {@code failed} call, in order; a snapshot. */
  public List<Failure> failures() {
    synchronized (lock) {
      return List.copyOf(failed);
    }
  }

  /** Calls that broke the handler contract; empty when all is well. */
  public List<String> violations() {
    synchronized (lock) {
      return List.copyOf(violations);
    }
  }

  /** Whether every admitted connection got its {@code connected} or {@code failed}. */
  public boolean isSettled() {
    synchronized (lock) {
      return connected.size() + failed.size() == admitted;
    }
  }

  /**
   * Waits for the next connection not yet returned by this method.
   *
   * @throws AssertionFailedError if none arrives within {@code timeout}
   */
  public NetConn awaitConnection(Duration timeout) {
    synchronized (lock) {
      waitFor(() -> connected.size() > connectedTaken, timeout, "a connection");
      return connected.get(connectedTaken++);
    }
  }

  /**
   * Waits for the next {@code failed} call not yet returned by this method.
   *
   * @throws AssertionFailedError if none arrives within {@code timeout}
   */
  public Failure awaitFailure(Duration timeout) {
    synchronized (lock) {
      waitFor(() -> failed.size() > failedTaken, timeout, "a failed() call");
      return failed.get(failedTaken++);
    }
  }

  /**
   * Waits until every admitted connection got exactly one of {@code connected}/{@code failed}.
   *
   * @throws AssertionFailedError on timeout or if the contract was broken
   */
  public void awaitSettled(Duration timeout) {
    synchronized (lock) {
      waitFor(() -> connected.size() + failed.size() >= admitted, timeout,
          "connected()/failed() for every admitted connection");
      if (!violations.isEmpty() || connected.size() + failed.size() != admitted) {
        throw new AssertionFailedError("InboundConnectionHandler contract broken: " + summary() + " " + violations);
      }
    }
  }

  private void waitFor(java.util.function.BooleanSupplier condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionFailedError("no " + what + " within " + timeout + ": " + summary());
      }
      try {
        lock.wait(Math.max(1, left / 1_000_000), 0);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionFailedError("interrupted while waiting for " + what);
      }
    }
  }

  private String summary() {
    return "accept() called " + offered.size() + " times (" + admitted + " admitted), connected() "
        + connected.size() + ", failed() " + failed.size();
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "RecordingInboundHandler[" + summary() + "]";
    }
  }
}
