package io.braid.core.internal;

import io.braid.api.NetConn;
import io.braid.api.PeerId;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One peer's record, shared by the registry (its connections), admission (its reserved slots) and the
 * dial coordinator (its dial in flight), so that every change to a peer happens under one lock and the
 * per-peer cap holds at every moment. Every field but {@link #id} is guarded by the lock; {@link #open}
 * is also readable without it, being an immutable list replaced on each change.
 */
final class PeerState {
  final PeerId id;
  private final ReentrantLock lock = new ReentrantLock();
  /** Open connections, oldest first; immutable, replaced on change; read without the lock. */
  volatile List<NetConn> open = List.of();
  /** Outbound attempts in flight that hold a per-peer slot (and a global one). */
  int reserved;
  /** Outbound attempts in flight whose slot went to an inbound connection (simultaneous open). */
  int superseded;
  /** The dial in flight, shared by every caller; null if none. */
  DialJob dial;
  /** Set when the record left the table; a locker that finds it set must look the peer up again. */
  boolean retired;

  PeerState(PeerId id) {
    this.id = id;
  }

  void lock() {
    lock.lock();
  }

  void unlock() {
    lock.unlock();
  }

  /** For assertions and tests: whether the calling thread holds this peer's lock. */
  boolean isHeldByCurrentThread() {
    return lock.isHeldByCurrentThread();
  }

  /** Whether the record holds nothing any more and may leave the table (caller holds the lock). */
  boolean isIdle() {
    return open.isEmpty() && reserved == 0 && superseded == 0 && dial == null;
  }

  @Override
  public String toString() {
    return "PeerState[" + id + ", open=" + open.size() + ", reserved=" + reserved + ", superseded=" + superseded
        + (dial != null ? ", dialing]" : "]");
  }
}
