package io.braid.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ConnectionGater;
import io.braid.api.DialException;
import io.braid.api.NetConn;
import io.braid.api.NetworkClosedException;
import io.braid.api.TransportException;
import io.braid.testkit.Awaits;
import io.braid.testkit.FakeNetConn;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The shared dial record on its own: when it is done, and how callers' interest is counted. */
@DisplayName("DialJob")
class DialJobTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private final Parts parts = Parts.of(2, 0);
  private final DialWorker worker = new DialWorker(parts.local, parts.config,
      new BackoffPolicy(Parts.noJitter(0), new SplittableRandom(1)), parts.clock.scheduler(), parts.transports,
      new GuardedGater(ConnectionGater.ALLOW_ALL), parts.slots, parts.admission, parts.registry, GuardedMetrics.NONE,
      parts.handshakes, new DialBudget(parts.config, parts.clock::nanoTime), new RefusalLog(parts.clock::nanoTime));
  private final PeerState peer = new PeerState(FakeNetConn.testPeer(6));
  private final DialJob job = new DialJob(peer, List.of(Parts.A1), worker);

  private DialJob started(int attempts) {
    peer.dial = job;
    job.addAttempts(attempts);
    return job;
  }

  @Test
  @DisplayName("is not done while attempts run and the target is not met; then completes with the open connections")
  void doneWhenNoAttemptRuns() {
    started(2);
    CompletableFuture<List<NetConn>> result = job.subscribe();
    FakeNetConn c = FakeNetConn.create();
    peer.open = List.of(c);
    job.completionIfDone().run();
    assertFalse(result.isDone(), "one attempt still runs");
    job.running--;
    job.running--;
    job.completionIfDone().run();
    assertEquals(List.of(c), Awaits.await(result, WAIT, "result"));
    assertNull(peer.dial, "the peer's dial is cleared once done");
  }

  @Test
  @DisplayName("is done as soon as the target is met, attempts still running or not")
  void doneAtTheTarget() {
    started(2);
    CompletableFuture<List<NetConn>> result = job.subscribe();
    peer.open = List.of(FakeNetConn.create(), FakeNetConn.create());
    job.completionIfDone().run();
    assertEquals(2, Awaits.await(result, WAIT, "result").size());
  }

  @Test
  @DisplayName("fails with every recorded attempt when no connection is open, or as closed once the network closed")
  void failures() {
    started(1);
    CompletableFuture<List<NetConn>> result = job.subscribe();
    job.failures.add(new DialException.Attempt(Parts.A1, new TransportException("refused")));
    job.running--;
    job.completionIfDone().run();
    DialException e = assertInstanceOf(DialException.class, Awaits.awaitFailure(result, WAIT, "result"));
    assertEquals(1, e.attempts().size());

    DialJob other = new DialJob(new PeerState(FakeNetConn.testPeer(8)), List.of(Parts.A1), worker);
    CompletableFuture<List<NetConn>> closed = other.subscribe();
    parts.slots.markClosed();
    other.completionIfDone().run();
    assertInstanceOf(NetworkClosedException.class, Awaits.awaitFailure(closed, WAIT, "closed"));
  }

  @Test
  @DisplayName("one subscriber cancelling keeps the job; the last one cancelling fails it and clears the peer's dial")
  void interestCounting() {
    started(0);
    CompletableFuture<List<NetConn>> first = job.subscribe();
    job.interested++;
    CompletableFuture<List<NetConn>> second = job.subscribe();

    first.cancel(true);
    assertFalse(job.cancelled);
    assertSame(job, peer.dial);
    second.cancel(true);

    assertTrue(job.cancelled);
    assertNull(peer.dial);
  }
}
