package io.braid.transport.tcp.internal.mss;

import io.braid.api.ProtocolNegotiationException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One multistream-select 1.0 negotiation as a pure state machine: bytes in, bytes out, no channel, no thread, no
 * timer. The same object serves a raw TCP connection, the plaintext inside Noise and, later, a Yamux stream:
 * whoever carries the bytes feeds {@link #receive} with what arrived and sends what it appended to {@code out}.
 *
 * <p>Roles (multiformats/multistream-select; libp2p/specs connections/README.md "Protocol Negotiation"):
 * <ul>
 *   <li><b>Initiator</b> ({@link #initiator}): {@link #start} writes the header {@code /multistream/1.0.0} and
 *       the first proposal together, as the spec recommends (one packet, one round trip when accepted). It then
 *       expects the responder's header, then for each proposal either the echo (success) or {@code na} (the
 *       next proposal is written). When every proposal was refused it fails.</li>
 *   <li><b>Responder</b> ({@link #responder}): {@link #start} writes nothing. It checks that the first message
 *       is the header and answers it; then it echoes the first proposal it supports and answers {@code na} to
 *       others. {@code ls} is answered with the list when the responder was given a {@link Set}, with
 *       {@code na} otherwise. After {@link MultistreamLimits#maxProposals()} proposals it gives up.</li>
 * </ul>
 *
 * <p>Byte contract: {@link #receive} never reads past the last message of the negotiation. When it returns
 * true, whatever is still readable in {@code in} belongs to the negotiated protocol (e.g. the peer's first Noise
 * message sent in the same packet as its echo) and must be handed on. A partial message is copied inside the
 * negotiator, so callers never keep a cumulation buffer. The negotiator never retains, releases or allocates a
 * {@link ByteBuf}: the caller owns {@code in} and {@code out}.
 *
 * <p>Errors: malformed peer input fails with {@link MultistreamFormatException}; every other failure caused by
 * the peer (wrong header, unexpected answer, everything refused, too many proposals) fails with
 * {@link ProtocolNegotiationException}, whose {@code offered()} lists our proposals (initiator) or the peer's
 * proposals so far (responder). After a failure the negotiator is finished: further calls throw
 * {@link IllegalStateException}. A responder's predicate that throws makes {@link #receive} throw the same.
 *
 * <p>Not thread-safe: one negotiation is driven from one thread at a time (e.g. its channel's event loop).
 *
 * <p>Driving it over a muxed stream (the caller supplies the timeout and closes the stream on failure):
 * <pre>{@code
 * MultistreamNegotiator n = MultistreamNegotiator.initiator(List.of("/ipfs/id/1.0.0"));
 * ByteBuf out = alloc.buffer();
 * n.start(out);
 * stream.write(out);                         // header + first proposal, one write
 * // for each chunk the stream delivers:
 * ByteBuf reply = alloc.buffer();
 * boolean done = n.receive(chunk, reply);    // throws ProtocolNegotiationException on failure
 * if (reply.isReadable()) stream.write(reply); else reply.release();
 * if (done) handOn(n.protocol(), chunk);     // chunk's unread rest is the protocol's first bytes
 * else chunk.release();
 * // when the stream's read side ends first: n.endOfInput() (throws)
 * }</pre>
 */
public final class MultistreamNegotiator {
  /** Which side of the negotiation this is. */
  public enum Role {
    /** Proposes protocols in order of preference (the dialer, or the opener of a stream). */
    INITIATOR,
    /** Accepts or refuses proposals (the listener, or the acceptor of a stream). */
    RESPONDER
  }

  private enum State { NEW, AWAIT_HEADER, NEGOTIATING, DONE, FAILED }

  private final Role role;
  private final MultistreamLimits limits;
  private final MultistreamReader reader;
  // initiator
  private final List<String> proposals;
  private int current;
  // responder
  private final Predicate<String> supported;
  private final byte[] listing;
  private final List<String> received = new ArrayList<>();

  private State state = State.NEW;
  private String protocol;

  private MultistreamNegotiator(Role role, MultistreamLimits limits, List<String> proposals,
      Predicate<String> supported, byte[] listing) {
    this.role = role;
    this.limits = limits;
    this.reader = new MultistreamReader(limits.maxMessageLength());
    this.proposals = proposals;
    this.supported = supported;
    this.listing = listing;
  }

  /**
   * An initiator proposing {@code protocols} in order of preference, with {@link MultistreamLimits#DEFAULTS}.
   *
   * @throws IllegalArgumentException as {@link #initiator(List, MultistreamLimits)}
   */
  public static MultistreamNegotiator initiator(List<String> protocols) {
    return initiator(protocols, MultistreamLimits.DEFAULTS);
  }

  /**
   * An initiator proposing {@code protocols} in order of preference.
   *
   * @param protocols not null, not empty, no duplicates; each a valid protocol id (see
   *     {@link #checkProtocolId(String, int)})
   * @param limits not null
   * @throws IllegalArgumentException if the list is empty, holds a duplicate or an invalid protocol id
   */
  public static MultistreamNegotiator initiator(List<String> protocols, MultistreamLimits limits) {
    Objects.requireNonNull(protocols, "protocols");
    Objects.requireNonNull(limits, "limits");
    if (protocols.isEmpty()) {
      throw new IllegalArgumentException("an initiator needs at least one protocol to propose");
    }
    List<String> copy = List.copyOf(protocols);
    if (new LinkedHashSet<>(copy).size() != copy.size()) {
      throw new IllegalArgumentException("protocols must not repeat: " + copy);
    }
    copy.forEach(p -> checkProtocolId(p, limits.maxMessageLength()));
    return new MultistreamNegotiator(Role.INITIATOR, limits, copy, null, null);
  }

  /**
   * A responder accepting the protocols of {@code supported} and answering {@code ls} with them (in the set's
   * iteration order), with {@link MultistreamLimits#DEFAULTS}.
   *
   * @throws IllegalArgumentException as {@link #responder(Set, MultistreamLimits)}
   */
  public static MultistreamNegotiator responder(Set<String> supported) {
    return responder(supported, MultistreamLimits.DEFAULTS);
  }

  /**
   * A responder accepting the protocols of {@code supported} and answering {@code ls} with them. The set is
   * copied. The {@code ls} answer holds as many protocols, in iteration order, as fit one message.
   *
   * @throws IllegalArgumentException if the set holds an invalid protocol id
   */
  public static MultistreamNegotiator responder(Set<String> supported, MultistreamLimits limits) {
    Objects.requireNonNull(supported, "supported");
    Objects.requireNonNull(limits, "limits");
    Set<String> copy = new LinkedHashSet<>(supported);
    copy.forEach(p -> checkProtocolId(p, limits.maxMessageLength()));
    Set<String> frozen = Set.copyOf(copy);
    return new MultistreamNegotiator(Role.RESPONDER, limits, List.of(), frozen::contains,
        listing(copy, limits.maxMessageLength()));
  }

  /**
   * A responder accepting the protocols {@code supported} tests true, with {@link MultistreamLimits#DEFAULTS}.
   * It cannot list them, so it answers {@code ls} with {@code na}.
   */
  public static MultistreamNegotiator responder(Predicate<String> supported) {
    return responder(supported, MultistreamLimits.DEFAULTS);
  }

  /**
   * A responder accepting the protocols {@code supported} tests true; {@code ls} is answered with {@code na}.
   *
   * @param supported called on the negotiating thread with each proposal (never {@code na}, {@code ls} or the
   *     header); must not block; an exception it throws propagates out of {@link #receive}
   */
  public static MultistreamNegotiator responder(Predicate<String> supported, MultistreamLimits limits) {
    Objects.requireNonNull(supported, "supported");
    Objects.requireNonNull(limits, "limits");
    return new MultistreamNegotiator(Role.RESPONDER, limits, List.of(), supported, null);
  }

  /**
   * Checks that {@code protocol} can be proposed: not empty, no newline, not one of the words of the protocol
   * itself ({@code /multistream/1.0.0}, {@code na}, {@code ls}), valid Unicode, and short enough to fit one
   * message.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static String checkProtocolId(String protocol, int maxMessageLength) {
    Objects.requireNonNull(protocol, "protocol id");
    if (protocol.isEmpty()) {
      throw new IllegalArgumentException("protocol id must not be empty");
    }
    if (protocol.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("protocol id must not contain a newline: "
          + MultistreamCodec.quote(protocol));
    }
    if (protocol.equals(MultistreamCodec.PROTOCOL_ID) || protocol.equals(MultistreamCodec.NA)
        || protocol.equals(MultistreamCodec.LS)) {
      throw new IllegalArgumentException("protocol id " + protocol + " is reserved by multistream-select");
    }
    int length = MultistreamCodec.utf8(protocol).length + 1;
    if (length > maxMessageLength) {
      throw new IllegalArgumentException("protocol id " + MultistreamCodec.quote(protocol) + " needs " + length
          + " bytes with its newline, more than the limit of " + maxMessageLength);
    }
    return protocol;
  }

  /**
   * Begins the negotiation. An initiator appends the header and its first proposal to {@code out}; a responder
   * appends nothing (it answers the peer's header).
   *
   * @param out where to append bytes to send; owned by the caller
   * @throws IllegalStateException if already started
   */
  public void start(ByteBuf out) {
    Objects.requireNonNull(out, "out");
    if (state != State.NEW) {
      throw new IllegalStateException("negotiation already started");
    }
    state = State.AWAIT_HEADER;
    if (role == Role.INITIATOR) {
      write(MultistreamCodec.PROTOCOL_ID, out);
      write(proposals.get(0), out);
    }
  }

  /**
   * Consumes bytes from the peer, appending any answers to {@code out}. Reads message by message and stops right
   * after the one that completes the negotiation.
   *
   * @param in the peer's bytes; owned by the caller, only its reader index moves
   * @param out where to append bytes to send; owned by the caller
   * @return true if the negotiation is now complete ({@link #protocol()} is set); the unread rest of {@code in}
   *     belongs to that protocol
   * @throws ProtocolNegotiationException (or its {@link MultistreamFormatException}) if the negotiation failed
   * @throws IllegalStateException if not started, already complete or already failed
   */
  public boolean receive(ByteBuf in, ByteBuf out) {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(out, "out");
    if (state == State.NEW || state == State.DONE || state == State.FAILED) {
      throw new IllegalStateException("receive() needs a started, unfinished negotiation; state is " + state);
    }
    try {
      String message;
      while (state != State.DONE && (message = reader.read(in)) != null) {
        if (role == Role.INITIATOR) {
          onInitiatorMessage(message, out);
        } else {
          onResponderMessage(message, out);
        }
      }
      return state == State.DONE;
    } catch (MultistreamFormatException e) {
      state = State.FAILED;
      throw e.withOffered(offered());
    } catch (RuntimeException e) {
      state = State.FAILED;
      throw e;
    }
  }

  /**
   * Tells the negotiator that the peer's input ended (the connection or stream was closed for reading).
   *
   * @throws MultistreamFormatException ({@link MultistreamFormatException.Reason#TRUNCATED}) if it ended inside
   *     a message
   * @throws ProtocolNegotiationException if it ended between messages before the negotiation completed
   */
  public void endOfInput() {
    if (state == State.DONE || state == State.FAILED) {
      return;
    }
    state = State.FAILED;
    try {
      reader.endOfInput();
    } catch (MultistreamFormatException e) {
      throw e.withOffered(offered());
    }
    throw new ProtocolNegotiationException("the peer closed before multistream-select completed", offered());
  }

  /** This negotiator's role. */
  public Role role() {
    return role;
  }

  /** Whether the negotiation completed with a protocol. */
  public boolean isDone() {
    return state == State.DONE;
  }

  /** Whether the negotiation failed. */
  public boolean isFailed() {
    return state == State.FAILED;
  }

  /** The negotiated protocol, or null until {@link #isDone()}. */
  public String protocol() {
    return protocol;
  }

  /**
   * The protocols offered so far: an initiator's whole list, or the proposals a responder received (at most
   * {@link MultistreamLimits#maxProposals()} + 1). A fresh immutable list.
   */
  public List<String> offered() {
    return role == Role.INITIATOR ? proposals : List.copyOf(received);
  }

  private void onInitiatorMessage(String message, ByteBuf out) {
    if (state == State.AWAIT_HEADER) {
      requireHeader(message);
      state = State.NEGOTIATING;
      return;
    }
    String proposed = proposals.get(current);
    if (message.equals(proposed)) {
      protocol = proposed;
      state = State.DONE;
    } else if (message.equals(MultistreamCodec.NA)) {
      current++;
      if (current == proposals.size()) {
        state = State.FAILED;
        throw new ProtocolNegotiationException("the peer refused every protocol offered: " + proposals, proposals);
      }
      write(proposals.get(current), out);
    } else {
      state = State.FAILED;
      throw new ProtocolNegotiationException("unexpected answer " + MultistreamCodec.quote(message)
          + " to the proposal " + proposed + " (expected the echo or na)", proposals);
    }
  }

  private void onResponderMessage(String message, ByteBuf out) {
    if (state == State.AWAIT_HEADER) {
      requireHeader(message);
      state = State.NEGOTIATING;
      write(MultistreamCodec.PROTOCOL_ID, out);
      return;
    }
    received.add(message);
    if (received.size() > limits.maxProposals()) {
      state = State.FAILED;
      throw new ProtocolNegotiationException("the peer made more than " + limits.maxProposals()
          + " proposals without agreeing on a protocol", offered());
    }
    if (message.equals(MultistreamCodec.LS)) {
      if (listing != null) {
        out.writeBytes(listing);
      } else {
        write(MultistreamCodec.NA, out);
      }
    } else if (!message.equals(MultistreamCodec.NA) && !message.equals(MultistreamCodec.PROTOCOL_ID)
        && !message.isEmpty() && supported.test(message)) {
      protocol = message;
      state = State.DONE;
      write(message, out);
    } else {
      write(MultistreamCodec.NA, out);
    }
  }

  private void requireHeader(String message) {
    if (!message.equals(MultistreamCodec.PROTOCOL_ID)) {
      state = State.FAILED;
      throw new ProtocolNegotiationException("the peer did not start with " + MultistreamCodec.PROTOCOL_ID
          + " but with " + MultistreamCodec.quote(message), offered());
    }
  }

  private void write(String message, ByteBuf out) {
    MultistreamCodec.encode(message, out, limits.maxMessageLength());
  }

  /**
   * The wire form of the {@code ls} answer: one message whose text is each protocol as a message of its own
   * ({@code uvarint || id || '\n'}), followed by the message's own newline. Protocols that would push the answer
   * past the bound are left out. Built once, as bytes: the nested length prefixes need not be UTF-8.
   */
  private static byte[] listing(Set<String> protocols, int maxMessageLength) {
    ByteBuf entries = Unpooled.buffer();
    ByteBuf wire = Unpooled.buffer();
    try {
      for (String p : protocols) {
        int entry = MultistreamCodec.encodedLength(p);
        if (entries.readableBytes() + entry + 1 > maxMessageLength) {
          break;
        }
        MultistreamCodec.encode(p, entries, maxMessageLength);
      }
      int length = entries.readableBytes() + 1;
      MultistreamCodec.writeVarint(wire, length);
      wire.writeBytes(entries);
      wire.writeByte('\n');
      byte[] out = new byte[wire.readableBytes()];
      wire.readBytes(out);
      return out;
    } finally {
      entries.release();
      wire.release();
    }
  }
}
