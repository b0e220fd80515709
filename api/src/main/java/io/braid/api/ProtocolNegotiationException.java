package io.braid.api;

import java.util.List;

/**
 * The remote side speaks none of the offered protocols (multistream-select answered {@code na} to each),
 * or the negotiation itself was malformed. Never retried.
 */
public class ProtocolNegotiationException extends BraidException {
  private static final long serialVersionUID = 1L;

  private final List<String> offered;

  public ProtocolNegotiationException(String message, List<String> offered) {
    super(message, false);
    this.offered = List.copyOf(offered);
  }

  public ProtocolNegotiationException(String message, List<String> offered, Throwable cause) {
    super(message, cause, false);
    this.offered = List.copyOf(offered);
  }

  /** The protocols that were offered, in order of preference; never null. */
  public List<String> offered() {
    return offered;
  }
}
