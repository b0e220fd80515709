package io.braid.transport.tcp.internal.mss;

import static io.braid.transport.tcp.internal.mss.Bytes.concat;
import static io.braid.transport.tcp.internal.mss.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.braid.api.ProtocolNegotiationException;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.UniqueElements;

/**
 * Invariants of the negotiator over the vector transcripts and hostile input: the way bytes are cut into reads
 * never changes the outcome, and no input makes it throw anything but {@link ProtocolNegotiationException}.
 */
class MultistreamNegotiatorPropertyTest {
  private static final List<String> VOCABULARY = List.of(MultistreamCodec.PROTOCOL_ID, "na", "ls", "/noise",
      "/tls/1.0.0", "/yamux/1.0.0", "/mplex/6.7.0", "", "/" + "z".repeat(300));

  /** Plays one side of transcript {@code index} with its input cut by {@code chunks}, then {@code trailing}. */
  private static Drive.Fed play(int index, boolean initiatorSide, List<Integer> chunks, byte[] trailing) {
    MssVectors.Transcript t = MssVectors.transcripts().get(index);
    MultistreamNegotiator n = initiatorSide ? Transcripts.initiator(t) : Transcripts.responder(t);
    byte[] input = concat(Transcripts.all(t, !initiatorSide), trailing);
    return Drive.feed(n, input, chunks);
  }

  @Property(tries = 400)
  void anyFragmentationOfAVectorTranscriptGivesTheSameBytesProtocolAndLeftover(
      @ForAll @IntRange(min = 0, max = 2) int transcript, @ForAll boolean initiatorSide,
      @ForAll @Size(max = 24) List<@IntRange(min = 1, max = 40) Integer> chunks,
      @ForAll @Size(max = 48) byte[] trailing) {
    MssVectors.Transcript t = MssVectors.transcripts().get(transcript);
    Drive.Fed whole = play(transcript, initiatorSide, List.of(), trailing);
    Drive.Fed cut = play(transcript, initiatorSide, chunks, trailing);

    assertTrue(cut.done());
    assertEquals(whole.protocol(), cut.protocol());
    assertEquals(Transcripts.supported(t).iterator().next(), cut.protocol());
    assertEquals(hex(Transcripts.all(t, initiatorSide)), hex(cut.written()), "what this side wrote");
    assertEquals(hex(trailing), hex(cut.leftover()), "bytes past the negotiation are handed on untouched");
  }

  @Example
  void aTranscriptFedOneByteAtATimeCompletesLikeOneFedWhole() {
    byte[] early = Bytes.hex("0020" + "5a".repeat(32));
    for (int t = 0; t < 3; t++) {
      for (boolean initiatorSide : new boolean[] {true, false}) {
        Drive.Fed bytewise = play(t, initiatorSide, List.of(1), early);
        Drive.Fed whole = play(t, initiatorSide, List.of(), early);
        assertTrue(bytewise.done());
        assertEquals(whole.protocol(), bytewise.protocol());
        assertEquals(hex(whole.written()), hex(bytewise.written()));
        assertEquals(hex(early), hex(bytewise.leftover()));
      }
    }
  }

  @Provide
  Arbitrary<byte[]> mssLikeBytes() {
    Arbitrary<byte[]> message = Arbitraries.of(VOCABULARY).map(Bytes::messages);
    Arbitrary<byte[]> garbage = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
    Arbitrary<byte[]> prefixOnly = Arbitraries.of(
        Bytes.hex("8108"), Bytes.hex("ffffffffffffffffff01"), Bytes.hex("00"), Bytes.hex("8000"), Bytes.hex("81"));
    Arbitrary<byte[]> piece = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, message), net.jqwik.api.Tuple.of(3, garbage), net.jqwik.api.Tuple.of(1, prefixOnly));
    return piece.list().ofMaxSize(80).map(pieces -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      pieces.forEach(out::writeBytes);
      return out.toByteArray();
    });
  }

  @Property(tries = 1500)
  void arbitraryInputNeverMakesEitherSideThrowAnythingButANegotiationException(
      @ForAll("mssLikeBytes") byte[] input, @ForAll boolean initiatorSide, @ForAll boolean startWithHeader,
      @ForAll @Size(max = 8) List<@IntRange(min = 1, max = 64) Integer> chunks) {
    MultistreamNegotiator n = initiatorSide
        ? MultistreamNegotiator.initiator(List.of("/tls/1.0.0", "/noise"))
        : MultistreamNegotiator.responder(new LinkedHashSet<>(List.of("/noise", "/yamux/1.0.0")));
    byte[] bytes = startWithHeader ? concat(Bytes.messages(MultistreamCodec.PROTOCOL_ID), input) : input;
    try {
      Drive.Fed fed = Drive.feed(n, bytes, chunks);
      n.endOfInput();
      assertTrue(fed.done(), "endOfInput() before completion must throw");
      assertTrue(Set.of("/noise", "/tls/1.0.0", "/yamux/1.0.0").contains(fed.protocol()), fed.protocol());
      Statistics.collect("negotiated");
    } catch (ProtocolNegotiationException expected) {
      Statistics.collect(expected instanceof MultistreamFormatException f ? f.reason().name() : "refused");
      assertTrue(n.isFailed());
      assertNull(n.protocol());
      assertFalse(expected.getMessage().isBlank());
    } catch (RuntimeException other) {
      fail("only ProtocolNegotiationException may escape, got " + other, other);
    }
    // The generator must reach both outcomes, or the property says little.
    Statistics.coverage(c -> {
      c.check("negotiated").count(n2 -> n2 > 0);
      c.check("refused").count(n2 -> n2 > 0);
      c.check("NO_TRAILING_NEWLINE").count(n2 -> n2 > 0);
    });
  }

  @Property(tries = 300)
  void twoNegotiatorsAgreeOnTheInitiatorsFirstChoiceTheResponderSupportsOrTheInitiatorFails(
      @ForAll @Size(min = 1, max = 6) @UniqueElements List<@IntRange(min = 0, max = 9) Integer> offered,
      @ForAll @Size(max = 6) Set<@IntRange(min = 0, max = 9) Integer> supported) {
    List<String> proposals = offered.stream().map(i -> "/proto/" + i).toList();
    Set<String> accepted = new LinkedHashSet<>();
    supported.forEach(i -> accepted.add("/proto/" + i));
    MultistreamNegotiator initiator = MultistreamNegotiator.initiator(proposals);
    MultistreamNegotiator responder = MultistreamNegotiator.responder(accepted);
    String expected = proposals.stream().filter(accepted::contains).findFirst().orElse(null);
    try {
      Drive.converse(initiator, responder, proposals.size() + 2);
      assertTrue(expected != null, "nothing is shared, yet the initiator did not fail");
      assertEquals(expected, initiator.protocol());
      assertEquals(expected, responder.protocol());
    } catch (ProtocolNegotiationException e) {
      assertNull(expected, "failed although " + expected + " is shared: " + e);
      assertEquals(proposals, e.offered());
      assertTrue(initiator.isFailed());
    }
  }
}
