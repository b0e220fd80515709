package io.braid.transport.tcp.internal.mss;

import static io.braid.transport.tcp.internal.mss.Bytes.concat;
import static io.braid.transport.tcp.internal.mss.Bytes.hex;
import static io.braid.transport.tcp.internal.mss.Bytes.messages;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.ProtocolNegotiationException;
import io.braid.transport.tcp.internal.mss.MultistreamFormatException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MultistreamNegotiatorTest {
  private static final String HEADER = MultistreamCodec.PROTOCOL_ID;

  static Stream<MssVectors.Transcript> transcripts() {
    return MssVectors.transcripts().stream();
  }

  @Nested
  @DisplayName("the vector transcripts")
  class VectorTranscripts {
    @Test
    void theVectorFileHoldsTheThreeTranscriptsTestedHere() {
      List<MssVectors.Transcript> all = MssVectors.transcripts();
      assertEquals(3, all.size(), all.toString());
      assertEquals(List.of("/noise"), Transcripts.proposals(all.get(0)));
      assertEquals(List.of("/tls/1.0.0", "/noise"), Transcripts.proposals(all.get(1)));
      assertEquals(List.of("/yamux/1.0.0"), Transcripts.proposals(all.get(2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.braid.transport.tcp.internal.mss.MultistreamNegotiatorTest#transcripts")
    void theInitiatorWritesExactlyTheInitiatorPacketsAndCompletesOnTheResponderPackets(MssVectors.Transcript t) {
      MultistreamNegotiator initiator = Transcripts.initiator(t);
      List<MssVectors.Packet> packets = t.packets();
      assertTrue(packets.get(0).fromInitiator());
      assertEquals(hex(packets.get(0).bytes()), hex(Drive.start(initiator)), "first write: header + proposal");
      for (int i = 1; i < packets.size(); i++) {
        MssVectors.Packet p = packets.get(i);
        if (p.fromInitiator()) {
          continue;
        }
        Drive.Step step = Drive.receive(initiator, p.bytes());
        boolean last = i == packets.size() - 1;
        String expected = last ? "" : hex(packets.get(i + 1).bytes());
        assertEquals(expected, hex(step.written()), "answer to packet " + i);
        assertEquals(last, step.done());
        assertEquals(0, step.unread().length);
      }
      assertTrue(initiator.isDone());
      assertEquals(Transcripts.supported(t).iterator().next(), initiator.protocol());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.braid.transport.tcp.internal.mss.MultistreamNegotiatorTest#transcripts")
    void theResponderWritesExactlyTheResponderPackets(MssVectors.Transcript t) {
      MultistreamNegotiator responder = Transcripts.responder(t);
      assertEquals(0, Drive.start(responder).length, "a responder speaks only when spoken to");
      List<MssVectors.Packet> packets = t.packets();
      for (int i = 0; i < packets.size(); i += 2) {
        assertTrue(packets.get(i).fromInitiator());
        Drive.Step step = Drive.receive(responder, packets.get(i).bytes());
        assertEquals(hex(packets.get(i + 1).bytes()), hex(step.written()), "answer to packet " + i);
        assertEquals(i + 2 == packets.size(), step.done());
      }
      assertEquals(Transcripts.supported(t).iterator().next(), responder.protocol());
    }
  }

  @Nested
  @DisplayName("an initiator")
  class Initiator {
    @Test
    void proposesTheNextProtocolOnNaAndSucceedsOnTheEcho() {
      MultistreamNegotiator n = MultistreamNegotiator.initiator(List.of("/a", "/b", "/c"));
      assertEquals(hex(messages(HEADER, "/a")), hex(Drive.start(n)));
      Drive.Step step = Drive.receive(n, messages(HEADER, "na"));
      assertEquals(hex(messages("/b")), hex(step.written()));
      step = Drive.receive(n, messages("na"));
      assertEquals(hex(messages("/c")), hex(step.written()));
      step = Drive.receive(n, messages("/c"));
      assertTrue(step.done());
      assertEquals("/c", n.protocol());
    }

    @Test
    void failsListingEveryOfferedProtocolWhenAllAreRefused() {
      MultistreamNegotiator n = MultistreamNegotiator.initiator(List.of("/tls/1.0.0", "/noise"));
      Drive.start(n);
      Drive.receive(n, messages(HEADER, "na"));
      ProtocolNegotiationException e =
          assertThrows(ProtocolNegotiationException.class, () -> Drive.receive(n, messages("na")));
      assertEquals(List.of("/tls/1.0.0", "/noise"), e.offered());
      assertTrue(e.getMessage().contains("/tls/1.0.0") && e.getMessage().contains("/noise"), e.getMessage());
      assertFalse(e.isRetryable());
      assertTrue(n.isFailed());
      assertNull(n.protocol());
    }

    @Test
    void failsOnAnAnswerThatIsNeitherTheEchoNorNa() {
      MultistreamNegotiator n = MultistreamNegotiator.initiator(List.of("/noise"));
      Drive.start(n);
      ProtocolNegotiationException e = assertThrows(ProtocolNegotiationException.class,
          () -> Drive.receive(n, messages(HEADER, "/tls/1.0.0")));
      assertTrue(e.getMessage().contains("/tls/1.0.0"), e.getMessage());
    }

    @Test
    void failsWhenTheResponderDoesNotAnswerWithTheHeaderFirst() {
      MultistreamNegotiator n = MultistreamNegotiator.initiator(List.of("/noise"));
      Drive.start(n);
      ProtocolNegotiationException e =
          assertThrows(ProtocolNegotiationException.class, () -> Drive.receive(n, messages("na")));
      assertTrue(e.getMessage().contains(HEADER), e.getMessage());
    }

    @Test
    void leavesTheBytesAfterTheEchoForTheNextProtocol() {
      byte[] early = hex("0020" + "11".repeat(32));
      MultistreamNegotiator n = MultistreamNegotiator.initiator(List.of("/noise"));
      Drive.start(n);
      Drive.Step step = Drive.receive(n, concat(messages(HEADER, "/noise"), early));
      assertTrue(step.done());
      assertArrayEquals(early, step.unread());
    }

    @Test
    void refusesToReceiveBeforeStartOrAfterTheEnd() {
      MultistreamNegotiator n = MultistreamNegotiator.initiator(List.of("/noise"));
      assertThrows(IllegalStateException.class, () -> Drive.receive(n, messages(HEADER)));
      Drive.start(n);
      assertThrows(IllegalStateException.class, () -> Drive.start(n));
      Drive.receive(n, messages(HEADER, "/noise"));
      assertThrows(IllegalStateException.class, () -> Drive.receive(n, messages("na")));
    }

    @Test
    void refusesToReceiveAfterAFailure() {
      MultistreamNegotiator n = MultistreamNegotiator.initiator(List.of("/noise"));
      Drive.start(n);
      assertThrows(ProtocolNegotiationException.class, () -> Drive.receive(n, hex("00")));
      assertThrows(IllegalStateException.class, () -> Drive.receive(n, messages(HEADER)));
    }

    @Test
    void reportsAMalformedAnswerWithItsOwnProposals() {
      MultistreamNegotiator n = MultistreamNegotiator.initiator(List.of("/noise"));
      Drive.start(n);
      MultistreamFormatException e =
          assertThrows(MultistreamFormatException.class, () -> Drive.receive(n, hex("022f61")));
      assertEquals(Reason.NO_TRAILING_NEWLINE, e.reason());
      assertEquals(List.of("/noise"), e.offered());
    }

    @Test
    void rejectsProtocolListsThatCannotBeProposed() {
      assertThrows(IllegalArgumentException.class, () -> MultistreamNegotiator.initiator(List.of()));
      assertThrows(IllegalArgumentException.class, () -> MultistreamNegotiator.initiator(List.of("/a", "/a")));
      assertThrows(IllegalArgumentException.class, () -> MultistreamNegotiator.initiator(List.of("")));
      assertThrows(IllegalArgumentException.class, () -> MultistreamNegotiator.initiator(List.of("na")));
      assertThrows(IllegalArgumentException.class, () -> MultistreamNegotiator.initiator(List.of("ls")));
      assertThrows(IllegalArgumentException.class, () -> MultistreamNegotiator.initiator(List.of(HEADER)));
      assertThrows(IllegalArgumentException.class, () -> MultistreamNegotiator.initiator(List.of("/a\n/b")));
      assertThrows(IllegalArgumentException.class,
          () -> MultistreamNegotiator.initiator(List.of("/" + "x".repeat(1023))));
      assertThrows(IllegalArgumentException.class, () -> new MultistreamLimits(1024, 0));
      assertThrows(IllegalArgumentException.class, () -> new MultistreamLimits(1, 64));
    }
  }

  @Nested
  @DisplayName("a responder")
  class Responder {
    @Test
    void answersNaToUnknownProtocolsUntilOneIsSupported() {
      MultistreamNegotiator n = MultistreamNegotiator.responder(Set.of("/noise"));
      Drive.start(n);
      Drive.Step step = Drive.receive(n, messages(HEADER, "/tls/1.0.0", "/secio/1.0.0", "/noise"));
      assertEquals(hex(messages(HEADER, "na", "na", "/noise")), hex(step.written()));
      assertTrue(step.done());
      assertEquals("/noise", n.protocol());
      assertEquals(List.of("/tls/1.0.0", "/secio/1.0.0", "/noise"), n.offered());
    }

    @Test
    void rejectsGarbageBeforeTheMultistreamHeaderWithoutAnswering() {
      MultistreamNegotiator n = MultistreamNegotiator.responder(Set.of("/noise"));
      Drive.start(n);
      ByteBuf in = Unpooled.wrappedBuffer(concat(messages("hello", HEADER, "/noise")));
      ByteBuf out = Unpooled.buffer();
      ProtocolNegotiationException e = assertThrows(ProtocolNegotiationException.class, () -> n.receive(in, out));
      assertTrue(e.getMessage().contains("hello"), e.getMessage());
      assertEquals(0, out.readableBytes(), "nothing is answered to a peer that does not speak multistream");
      in.release();
      out.release();
    }

    @Test
    void rejectsAnHttpRequestAsMalformed() {
      MultistreamNegotiator n = MultistreamNegotiator.responder(Set.of("/noise"));
      Drive.start(n);
      byte[] http = "GET / HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\nUser-Agent: curl/8\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII);
      // 'G' (0x47) reads as a 71-byte length whose last byte is not a newline.
      MultistreamFormatException e =
          assertThrows(MultistreamFormatException.class, () -> Drive.receive(n, http));
      assertEquals(Reason.NO_TRAILING_NEWLINE, e.reason());
    }

    @Test
    void givesUpOnAPeerThatProposesForever() {
      MultistreamNegotiator n = MultistreamNegotiator.responder(Set.of("/noise"));
      Drive.start(n);
      Drive.receive(n, messages(HEADER));
      for (int i = 0; i < MultistreamLimits.DEFAULT_MAX_PROPOSALS; i++) {
        assertEquals(hex(messages("na")), hex(Drive.receive(n, messages("/unknown/" + i)).written()));
      }
      ProtocolNegotiationException e =
          assertThrows(ProtocolNegotiationException.class, () -> Drive.receive(n, messages("/noise")));
      assertTrue(e.getMessage().contains("64"), e.getMessage());
      assertEquals(MultistreamLimits.DEFAULT_MAX_PROPOSALS + 1, e.offered().size());
    }

    @Test
    void theBoundOnProposalsIsConfigurableAndCountsLsRequests() {
      MultistreamNegotiator n = MultistreamNegotiator.responder(Set.of("/noise"), new MultistreamLimits(1024, 2));
      Drive.start(n);
      assertThrows(ProtocolNegotiationException.class, () -> Drive.receive(n, messages(HEADER, "ls", "/x", "/noise")));
    }

    @Test
    void answersLsWithTheSupportedProtocolsWhenGivenASet() {
      Set<String> supported = new LinkedHashSet<>(List.of("/noise", "/yamux/1.0.0", "/" + "p".repeat(200)));
      MultistreamNegotiator n = MultistreamNegotiator.responder(supported);
      Drive.start(n);
      Drive.Step step = Drive.receive(n, messages(HEADER, "ls"));
      assertFalse(step.done());
      byte[] answer = Arrays.copyOfRange(step.written(), messages(HEADER).length, step.written().length);
      // One message: uvarint(length) || the protocols as nested messages || its own newline. The nested length
      // prefixes (0xca01 for the 201-byte entry) need not be UTF-8, so the body is read by hand here.
      int prefix = (answer[0] & 0x80) == 0 ? 1 : 2;
      int declared = prefix == 1 ? answer[0] : (answer[0] & 0x7f) | (answer[1] << 7);
      assertEquals(answer.length - prefix, declared);
      assertEquals('\n', answer[answer.length - 1]);
      MultistreamReader inner = new MultistreamReader(1024);
      ByteBuf body = Unpooled.wrappedBuffer(answer, prefix, answer.length - prefix - 1);
      List<String> listed = new ArrayList<>();
      String m;
      while ((m = inner.read(body)) != null) {
        listed.add(m);
      }
      assertEquals(0, body.readableBytes());
      body.release();
      assertEquals(List.copyOf(supported), listed);
      assertTrue(Drive.receive(n, messages("/noise")).done());
      assertEquals("/noise", n.protocol());
    }

    @Test
    void answersLsWithNaWhenItOnlyHasAPredicate() {
      MultistreamNegotiator n = MultistreamNegotiator.responder(p -> p.startsWith("/ipfs/"));
      Drive.start(n);
      Drive.Step step = Drive.receive(n, messages(HEADER, "ls", "/ipfs/ping/1.0.0"));
      assertEquals(hex(messages(HEADER, "na", "/ipfs/ping/1.0.0")), hex(step.written()));
      assertTrue(step.done());
    }

    @Test
    void neverAcceptsTheWordsOfTheProtocolItselfAsAProtocol() {
      List<String> asked = new ArrayList<>();
      MultistreamNegotiator n = MultistreamNegotiator.responder(p -> asked.add(p));
      Drive.start(n);
      Drive.Step step = Drive.receive(n, messages(HEADER, "na", HEADER, "", "/x"));
      assertEquals(hex(messages(HEADER, "na", "na", "na", "/x")), hex(step.written()));
      assertEquals(List.of("/x"), asked);
    }

    @Test
    void leavesEarlyDataAfterTheAcceptedProposalForTheNextProtocol() {
      byte[] noiseMessage1 = hex("0020" + "ab".repeat(32));
      MultistreamNegotiator n = MultistreamNegotiator.responder(Set.of("/noise"));
      Drive.start(n);
      Drive.Step step = Drive.receive(n, concat(messages(HEADER, "/noise"), noiseMessage1));
      assertTrue(step.done());
      assertArrayEquals(noiseMessage1, step.unread());
    }

    @Test
    void reportsPeerClosingMidMessageAsTruncatedAndBetweenMessagesAsNegotiationFailure() {
      MultistreamNegotiator mid = MultistreamNegotiator.responder(Set.of("/noise"));
      Drive.start(mid);
      Drive.receive(mid, hex("132f6d75"));
      MultistreamFormatException e = assertThrows(MultistreamFormatException.class, mid::endOfInput);
      assertEquals(Reason.TRUNCATED, e.reason());

      MultistreamNegotiator between = MultistreamNegotiator.responder(Set.of("/noise"));
      Drive.start(between);
      Drive.receive(between, messages(HEADER));
      ProtocolNegotiationException closed = assertThrows(ProtocolNegotiationException.class, between::endOfInput);
      assertInstanceOf(ProtocolNegotiationException.class, closed);
      assertFalse(closed instanceof MultistreamFormatException);

      MultistreamNegotiator done = MultistreamNegotiator.responder(Set.of("/noise"));
      Drive.start(done);
      Drive.receive(done, messages(HEADER, "/noise"));
      done.endOfInput();
      assertTrue(done.isDone());
    }

    @Test
    void aPredicateThatThrowsFailsTheNegotiation() {
      MultistreamNegotiator n = MultistreamNegotiator.responder(p -> {
        throw new IllegalStateException("boom");
      });
      Drive.start(n);
      assertThrows(IllegalStateException.class, () -> Drive.receive(n, messages(HEADER, "/x")));
      assertTrue(n.isFailed());
    }
  }

  @Nested
  @DisplayName("two negotiators")
  class TwoSides {
    @Test
    void agreeOnTheInitiatorsFirstPreferenceTheResponderSupports() {
      MultistreamNegotiator initiator = MultistreamNegotiator.initiator(List.of("/a", "/b", "/c"));
      MultistreamNegotiator responder = MultistreamNegotiator.responder(Set.of("/c", "/b"));
      Drive.converse(initiator, responder, 8);
      assertEquals("/b", initiator.protocol());
      assertEquals("/b", responder.protocol());
    }

    @Test
    void failOnTheInitiatorsSideWhenNothingIsShared() {
      MultistreamNegotiator initiator = MultistreamNegotiator.initiator(List.of("/a", "/b"));
      MultistreamNegotiator responder = MultistreamNegotiator.responder(Set.of("/c"));
      ProtocolNegotiationException e =
          assertThrows(ProtocolNegotiationException.class, () -> Drive.converse(initiator, responder, 8));
      assertEquals(List.of("/a", "/b"), e.offered());
      assertTrue(initiator.isFailed());
      assertFalse(responder.isDone());
    }

    @Test
    void agreeOverAnInitiatorWithMoreProposalsThanTheResponderAnswersOnlyIfTheMatchComesInTime() {
      List<String> many = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        many.add("/p/" + i);
      }
      MultistreamLimits five = new MultistreamLimits(1024, 5);
      MultistreamNegotiator early = MultistreamNegotiator.initiator(many);
      MultistreamNegotiator r1 = MultistreamNegotiator.responder(Set.of("/p/4"), five);
      Drive.converse(early, r1, 20);
      assertEquals("/p/4", early.protocol());

      MultistreamNegotiator late = MultistreamNegotiator.initiator(many);
      MultistreamNegotiator r2 = MultistreamNegotiator.responder(Set.of("/p/5"), five);
      assertThrows(ProtocolNegotiationException.class, () -> Drive.converse(late, r2, 20));
      assertTrue(r2.isFailed());
      assertEquals(6, r2.offered().size());
    }
  }
}
