package io.braid.core.internal;

import io.braid.api.NetConn;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One connection slot's worth of attempts within a {@link DialJob}: the first try and its retries.
 * {@link #done} is guarded by the peer's lock; the volatile fields are written by the thread running the
 * current try and read by a canceller.
 */
final class DialAttempt {
  final DialJob job;
  /** Its position in the job; try {@code k} of attempt {@code i} starts at address {@code (i + k) mod n}. */
  final int index;
  /** Retries made so far. */
  volatile int tries;
  /** Set by the connection timer when it cancelled the try in flight. */
  volatile boolean timedOut;
  /** Whether the try in flight got its maxDialsInFlight slot (else it waits in the dial budget's queue). */
  volatile boolean budgeted;
  /** Whether the try in flight got its handshake slot (else it is still in the handshake queue). */
  volatile boolean granted;
  volatile CompletableFuture<NetConn> inFlight;
  volatile ScheduledFuture<?> retryTimer;
  /** Whether the attempt has ended (failed, or its connection was admitted or dropped). */
  boolean done;

  DialAttempt(DialJob job, int index) {
    this.job = job;
    this.index = index;
  }
}
