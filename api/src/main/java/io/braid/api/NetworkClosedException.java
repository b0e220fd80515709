package io.braid.api;

/** The {@link Network} (or transport) was closed; every operation after close fails fast with this. */
public class NetworkClosedException extends BraidException {
  private static final long serialVersionUID = 1L;

  public NetworkClosedException(String message) {
    super(message, false);
  }
}
