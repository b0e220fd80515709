package io.braid.transport.tcp.internal.mss;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.List;

/** Drives negotiators in tests: feeding chunks, and letting two of them talk. */
final class Drive {
  private Drive() {}

  /** The bytes {@link MultistreamNegotiator#start} writes. */
  static byte[] start(MultistreamNegotiator n) {
    ByteBuf out = Unpooled.buffer();
    n.start(out);
    return Bytes.drain(out);
  }

  /** Result of one {@link MultistreamNegotiator#receive} call. */
  record Step(boolean done, byte[] written, byte[] unread) {}

  static Step receive(MultistreamNegotiator n, byte[] bytes) {
    ByteBuf in = Unpooled.wrappedBuffer(bytes);
    ByteBuf out = Unpooled.buffer();
    try {
      boolean done = n.receive(in, out);
      return new Step(done, Bytes.readable(out), Bytes.readable(in));
    } finally {
      in.release();
      out.release();
    }
  }

  /** Outcome of feeding a whole input in chunks. */
  record Fed(boolean done, String protocol, byte[] written, byte[] leftover) {}

  /**
   * Feeds {@code input} cut into {@code chunks} (sizes, cycled; the last chunk takes the rest) after start; stops
   * feeding the negotiator at completion and collects everything after as leftover.
   */
  static Fed feed(MultistreamNegotiator n, byte[] input, List<Integer> chunks) {
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    ByteArrayOutputStream leftover = new ByteArrayOutputStream();
    written.writeBytes(start(n));
    int pos = 0;
    int c = 0;
    boolean done = false;
    while (pos < input.length) {
      int size = chunks.isEmpty() ? input.length : Math.max(1, chunks.get(c++ % chunks.size()));
      size = Math.min(size, input.length - pos);
      if (done) {
        leftover.write(input, pos, size);
      } else {
        ByteBuf in = Unpooled.wrappedBuffer(input, pos, size);
        ByteBuf out = Unpooled.buffer();
        try {
          done = n.receive(in, out);
          written.writeBytes(Bytes.readable(out));
          leftover.writeBytes(Bytes.readable(in));
        } finally {
          in.release();
          out.release();
        }
      }
      pos += size;
    }
    return new Fed(done, n.protocol(), written.toByteArray(), leftover.toByteArray());
  }

  /**
   * Lets an initiator and a responder talk until both are finished or neither has anything to say; at most
   * {@code 4 * rounds} exchanges. Exceptions propagate from the side that failed.
   */
  static void converse(MultistreamNegotiator initiator, MultistreamNegotiator responder, int rounds) {
    byte[] toResponder = start(initiator);
    byte[] toInitiator = start(responder);
    for (int i = 0; i < 4 * rounds && (toResponder.length > 0 || toInitiator.length > 0); i++) {
      byte[] next = new byte[0];
      if (toResponder.length > 0 && !responder.isDone()) {
        next = receive(responder, toResponder).written();
      }
      toResponder = new byte[0];
      if (toInitiator.length > 0 && !initiator.isDone()) {
        toResponder = receive(initiator, toInitiator).written();
      }
      toInitiator = next;
    }
  }
}
