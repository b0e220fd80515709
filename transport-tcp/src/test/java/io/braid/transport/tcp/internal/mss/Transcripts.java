package io.braid.transport.tcp.internal.mss;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What each side of a vector transcript says, and negotiators built to replay it. */
final class Transcripts {
  private Transcripts() {}

  /** Every message of the transcript's packets from one side, decoded. */
  static List<String> messages(MssVectors.Transcript t, boolean fromInitiator) {
    List<String> out = new ArrayList<>();
    MultistreamReader reader = new MultistreamReader(MultistreamCodec.DEFAULT_MAX_MESSAGE_LENGTH);
    for (MssVectors.Packet p : t.packets()) {
      if (p.fromInitiator() != fromInitiator) {
        continue;
      }
      ByteBuf in = Unpooled.wrappedBuffer(p.bytes());
      String m;
      while ((m = reader.read(in)) != null) {
        out.add(m);
      }
      in.release();
    }
    return out;
  }

  /** The initiator's proposals: its messages after the header. */
  static List<String> proposals(MssVectors.Transcript t) {
    List<String> m = messages(t, true);
    return m.subList(1, m.size());
  }

  /** What the responder supports: the protocol it echoed last. */
  static Set<String> supported(MssVectors.Transcript t) {
    List<String> m = messages(t, false);
    return new LinkedHashSet<>(List.of(m.get(m.size() - 1)));
  }

  static byte[] all(MssVectors.Transcript t, boolean fromInitiator) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (MssVectors.Packet p : t.packets()) {
      if (p.fromInitiator() == fromInitiator) {
        out.writeBytes(p.bytes());
      }
    }
    return out.toByteArray();
  }

  static MultistreamNegotiator initiator(MssVectors.Transcript t) {
    return MultistreamNegotiator.initiator(proposals(t));
  }

  static MultistreamNegotiator responder(MssVectors.Transcript t) {
    return MultistreamNegotiator.responder(supported(t));
  }
}
