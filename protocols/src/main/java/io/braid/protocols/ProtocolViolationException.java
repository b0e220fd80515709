package io.braid.protocols;

import io.braid.api.BraidException;

/**
 * The remote end of a stream broke the rules of the protocol: an echo that did not match what was sent,
 * a perf server that sent more or fewer bytes than were asked for. Not retryable: the same peer will
 * likely do the same again.
 */
public class ProtocolViolationException extends BraidException {
  private static final long serialVersionUID = 1L;

  public ProtocolViolationException(String message) {
    super(message, false);
  }
}
