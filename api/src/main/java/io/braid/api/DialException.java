package io.braid.api;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Dialing a peer produced no usable connection. Carries every attempt that was made, in the order they
 * finished, with its address and cause, so a caller (or a log line) can see exactly what went wrong.
 *
 * <p>Retryable only if every attempt failed for a retryable reason.
 */
public class DialException extends BraidException {
  private static final long serialVersionUID = 1L;

  /** One failed connection attempt. */
  public record Attempt(Multiaddr address, Throwable cause) {
    public Attempt {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(cause, "cause");
    }

    @Override
    public String toString() {
      return address + ": " + describe(cause);
    }
  }

  private final PeerId peer;
  private final List<Attempt> attempts;

  public DialException(PeerId peer, String message, List<Attempt> attempts) {
    super(message(peer, message, attempts), attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).cause(),
        !attempts.isEmpty() && attempts.stream().allMatch(a -> isRetryable(a.cause())));
    this.peer = Objects.requireNonNull(peer, "peer");
    this.attempts = List.copyOf(attempts);
    for (int i = 0; i < this.attempts.size() - 1; i++) {
      addSuppressed(this.attempts.get(i).cause());
    }
  }

  /** The peer that was dialed. */
  public PeerId peer() {
    return peer;
  }

  /** Every failed attempt, in the order they finished; immutable. */
  public List<Attempt> attempts() {
    return attempts;
  }

  /**
   * Whether a failure can succeed if tried again: Braid exceptions say so themselves; plain I/O errors
   * and timeouts can; anything else (programming errors, unknown failures) cannot.
   */
  public static boolean isRetryable(Throwable t) {
    if (t instanceof BraidException) {
      return ((BraidException) t).isRetryable();
    }
    return t instanceof java.io.IOException || t instanceof java.util.concurrent.TimeoutException;
  }

  private static String message(PeerId peer, String message, List<Attempt> attempts) {
    String head = "dial to " + peer + " failed: " + message;
    if (attempts.isEmpty()) {
      return head;
    }
    return head + attempts.stream().map(Attempt::toString)
        .collect(Collectors.joining("; ", " [" + attempts.size() + " attempt(s): ", "]"));
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : " (" + m + ")");
  }
}
