package io.braid.api;

/**
 * Root of every exception Braid throws or completes a future with.
 *
 * <p>Each subtype names one cause a caller can act on. {@link #isRetryable()} says whether the same
 * operation may succeed if tried again later (a refused or reset connection, a timeout) or never will
 * (a peer-id mismatch, a protocol nobody speaks, a limit). The dialer retries only retryable failures.
 */
public class BraidException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  public BraidException(String message, boolean retryable) {
    this(message, null, retryable);
  }

  public BraidException(String message, Throwable cause, boolean retryable) {
    super(message, cause);
    this.retryable = retryable;
  }

  /**
   * For subtypes raised at high rates on event loops for what a remote peer did (a reset stream, a refused
   * stream): with {@code writableStackTrace} false the exception carries no stack trace, which would only
   * show the event loop's frames and costs more than the rest of the failure (Netty's own closed-channel
   * exceptions do the same). The message says what happened and where.
   */
  protected BraidException(String message, Throwable cause, boolean retryable, boolean writableStackTrace) {
    super(message, cause, true, writableStackTrace);
    this.retryable = retryable;
  }

  /** Whether trying the same operation again later can succeed. */
  public boolean isRetryable() {
    return retryable;
  }
}
