package io.braid.api;

import java.util.Objects;

/**
 * The remote side proved an identity other than the one dialed. Never retried: the address belongs to
 * someone else (or to an attacker), and asking again will not change the answer.
 */
public class PeerIdMismatchException extends BraidException {
  private static final long serialVersionUID = 1L;

  private final PeerId expected;
  private final PeerId actual;

  public PeerIdMismatchException(PeerId expected, PeerId actual) {
    super("remote peer id mismatch: dialed " + expected + " but the remote proved " + actual, false);
    this.expected = Objects.requireNonNull(expected, "expected");
    this.actual = Objects.requireNonNull(actual, "actual");
  }

  /** The peer id that was dialed. */
  public PeerId expected() {
    return expected;
  }

  /** The peer id the remote side authenticated as. */
  public PeerId actual() {
    return actual;
  }
}
