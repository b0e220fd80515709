package io.braid.api;

/**
 * The stream was reset (aborted) by either side; pending and later reads and writes fail with this. It carries
 * no stack trace: it is raised on an event loop, often many at once (a peer resetting or refusing streams),
 * and its message names the stream and why.
 */
public class StreamResetException extends BraidException {
  private static final long serialVersionUID = 1L;

  public StreamResetException(String message) {
    super(message, null, false, false);
  }
}
