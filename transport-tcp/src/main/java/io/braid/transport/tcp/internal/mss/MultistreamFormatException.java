package io.braid.transport.tcp.internal.mss;

import io.braid.api.ProtocolNegotiationException;
import java.util.List;
import java.util.Objects;

/**
 * A multistream-select message on the wire was malformed: its length prefix, its size, its terminator or its
 * text was not what the protocol allows. Like every {@link ProtocolNegotiationException} it is never retried;
 * the negotiation (and the connection or stream carrying it) must be abandoned.
 */
public final class MultistreamFormatException extends ProtocolNegotiationException {
  private static final long serialVersionUID = 1L;

  /** What was wrong with the message. */
  public enum Reason {
    /** The input ended inside a length prefix or a message body. */
    TRUNCATED,
    /** The uvarint length prefix ran past 9 bytes (the multiformats unsigned-varint maximum). */
    VARINT_TOO_LONG,
    /** The uvarint length prefix was not minimally encoded (a final {@code 0x00} continuation group). */
    VARINT_NOT_MINIMAL,
    /** The length prefix declared zero bytes: every message has at least its {@code '\n'}. */
    EMPTY,
    /** The length prefix declared more bytes than the configured maximum (checked before allocating). */
    TOO_LARGE,
    /** The last byte of the message was not {@code '\n'}. */
    NO_TRAILING_NEWLINE,
    /** The message text was not well-formed UTF-8. */
    INVALID_UTF8
  }

  private final Reason reason;

  /**
   * @param reason what was wrong; not null
   * @param message a description naming the offending value
   * @param offered the protocols offered in this negotiation so far, as {@link #offered()} reports them
   */
  public MultistreamFormatException(Reason reason, String message, List<String> offered) {
    super(message, offered);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** What was wrong with the message; never null. */
  public Reason reason() {
    return reason;
  }

  /** The same failure, reported against the protocols of the negotiation that met it. */
  MultistreamFormatException withOffered(List<String> offered) {
    MultistreamFormatException copy = new MultistreamFormatException(reason, getMessage(), offered);
    copy.setStackTrace(getStackTrace());
    return copy;
  }
}
