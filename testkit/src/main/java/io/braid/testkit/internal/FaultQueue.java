package io.braid.testkit.internal;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A thread-safe queue of "apply {@code value} to the next {@code n} operations" entries, consumed one
 * operation at a time, in the order they were added.
 */
public final class FaultQueue<T> {
  private static final class Entry<T> {
    final T value;
    int remaining;

    Entry(T value, int remaining) {
      this.value = value;
      this.remaining = remaining;
    }
  }

  private final ArrayDeque<Entry<T>> entries = new ArrayDeque<>();

  /**
   * Applies {@code value} to the next {@code count} operations, after those already queued.
   *
   * @throws IllegalArgumentException if {@code count < 0}
   */
  public synchronized void add(int count, T value) {
    Objects.requireNonNull(value, "value");
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, was " + count);
    }
    if (count > 0) {
      entries.add(new Entry<>(value, count));
    }
  }

  /** The value for this operation, consuming one use; {@code null} if no fault is queued. */
  public synchronized T take() {
    Entry<T> head = entries.peek();
    if (head == null) {
      return null;
    }
    if (--head.remaining == 0) {
      entries.poll();
    }
    return head.value;
  }

  /** How many operations are still to be affected. */
  public synchronized int remaining() {
    long sum = 0;
    for (Entry<T> e : entries) {
      sum += e.remaining;
    }
    return (int) Math.min(Integer.MAX_VALUE, sum);
  }

  public synchronized void clear() {
    entries.clear();
  }
}
