package io.braid.transport.tcp.internal.mss;

/**
 * Bounds of one multistream-select negotiation, so that a peer can neither make us allocate much nor keep us
 * answering forever.
 *
 * @param maxMessageLength the largest declared message length (text plus newline) accepted from the peer, and
 *     the largest we send; in {@code [2, MultistreamCodec.MAX_MESSAGE_LENGTH_CEILING]}
 * @param maxProposals the most proposals (including {@code ls} requests) a responder answers before it gives
 *     up; at least 1
 */
public record MultistreamLimits(int maxMessageLength, int maxProposals) {
  /** The default bound on proposals a responder answers. */
  public static final int DEFAULT_MAX_PROPOSALS = 64;

  /** 1024-byte messages (as go-multistream), 64 proposals. */
  public static final MultistreamLimits DEFAULTS =
      new MultistreamLimits(MultistreamCodec.DEFAULT_MAX_MESSAGE_LENGTH, DEFAULT_MAX_PROPOSALS);

  /** @throws IllegalArgumentException if a bound is out of range; the message names it and its value */
  public MultistreamLimits {
    MultistreamCodec.checkMaxMessageLength(maxMessageLength);
    if (maxProposals < 1) {
      throw new IllegalArgumentException("maxProposals must be >= 1, was " + maxProposals);
    }
  }
}
