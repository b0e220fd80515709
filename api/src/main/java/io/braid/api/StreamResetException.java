package io.braid.api;

/** The stream was reset (aborted) by either side; pending and later reads and writes fail with this. */
public class StreamResetException extends BraidException {
  private static final long serialVersionUID = 1L;

  public StreamResetException(String message) {
    super(message, false);
  }
}
