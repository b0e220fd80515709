package io.braid.transport.tcp.internal.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.braid.api.PeerIdMismatchException;
import io.braid.identity.Identity;
import io.braid.identity.KeyType;
import io.braid.transport.tcp.internal.noise.proto.NoiseProtos.NoiseHandshakePayload;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class Libp2pNoiseHandshakeTest {
  private static final byte[] EMPTY = new byte[0];
  private static final Identity ALICE = Identity.generate();
  private static final Identity BOB = Identity.generate();

  /** Runs the three messages; returns after the handshake or throws what a side threw. */
  private static void run(Libp2pNoiseHandshake initiator, Libp2pNoiseHandshake responder) {
    responder.readMessage(initiator.writeMessage());
    initiator.readMessage(responder.writeMessage());
    responder.readMessage(initiator.writeMessage());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(KeyType.class)
  void bothSidesLearnTheOthersPeerIdForEveryKeyType(KeyType type) {
    Identity a = Identity.generate(type);
    Identity b = Identity.generate(type);
    Libp2pNoiseHandshake initiator = Libp2pNoiseHandshake.initiator(a, b.peerId());
    Libp2pNoiseHandshake responder = Libp2pNoiseHandshake.responder(b);
    run(initiator, responder);
    assertEquals(b.peerId(), initiator.outcome().remotePeerId());
    assertEquals(a.peerId(), responder.outcome().remotePeerId());
    assertEquals(b.verifyingKey(), initiator.outcome().remoteIdentityKey());
    assertArrayEquals(initiator.outcome().handshakeHash(), responder.outcome().handshakeHash());
  }

  @Test
  void theInitiatorsFirstMessageCarriesNoIdentity() {
    byte[] first = Libp2pNoiseHandshake.initiator(ALICE, null).writeMessage();
    assertEquals(32, first.length);
  }

  @Test
  void anInitiatorWithoutAnExpectedPeerAcceptsAnyAuthenticatedPeer() {
    Libp2pNoiseHandshake initiator = Libp2pNoiseHandshake.initiator(ALICE, null);
    run(initiator, Libp2pNoiseHandshake.responder(BOB));
    assertEquals(BOB.peerId(), initiator.outcome().remotePeerId());
  }

  @Test
  void theInitiatorRejectsAResponderWithAnotherPeerIdBeforeRevealingItself() {
    Identity expected = Identity.generate();
    Libp2pNoiseHandshake initiator = Libp2pNoiseHandshake.initiator(ALICE, expected.peerId());
    Libp2pNoiseHandshake responder = Libp2pNoiseHandshake.responder(BOB);
    responder.readMessage(initiator.writeMessage());
    PeerIdMismatchException e = assertThrows(PeerIdMismatchException.class, () -> initiator.readMessage(responder.writeMessage()));
    assertEquals(expected.peerId(), e.expected());
    assertEquals(BOB.peerId(), e.actual());
    assertFalse(e.isRetryable());
    assertFalse(initiator.isComplete());
  }

  /** A responder whose identity payload is built by {@code payload} for its static key. */
  private static Libp2pNoiseHandshake hostileResponder(java.util.function.Function<byte[], byte[]> payload) {
    NoiseKeyPair s = NoiseKeyPair.generate();
    return new Libp2pNoiseHandshake(HandshakeState.responder(EMPTY, s), payload.apply(s.publicKey()), null);
  }

  private static NoiseHandshakeException initiatorRejects(Libp2pNoiseHandshake responder) {
    Libp2pNoiseHandshake initiator = Libp2pNoiseHandshake.initiator(ALICE, null);
    responder.readMessage(initiator.writeMessage());
    byte[] second = responder.writeMessage();
    NoiseHandshakeException e = assertThrows(NoiseHandshakeException.class, () -> initiator.readMessage(second));
    assertFalse(e.isRetryable());
    return e;
  }

  @Test
  void aSignatureOverAnotherStaticKeyIsRejected() {
    NoiseHandshakeException e = initiatorRejects(hostileResponder(
        s -> Libp2pNoiseHandshake.payloadFor(BOB, NoiseKeyPair.generate().publicKey())));
    assertTrue(e.getMessage().contains("does not sign"), e.getMessage());
  }

  @Test
  void aCorruptedSignatureIsRejected() {
    NoiseHandshakeException e = initiatorRejects(hostileResponder(s -> {
      NoiseHandshakePayload p = parse(Libp2pNoiseHandshake.payloadFor(BOB, s));
      byte[] sig = p.getIdentitySig().toByteArray();
      sig[sig.length / 2] ^= 1;
      return p.toBuilder().setIdentitySig(ByteString.copyFrom(sig)).build().toByteArray();
    }));
    assertTrue(e.getMessage().contains("does not sign"), e.getMessage());
  }

  @Test
  void anIdentityKeyThatDidNotMakeTheSignatureIsRejected() {
    // Signed by BOB, but claims to be ALICE's key: the signature does not verify under the claimed key.
    NoiseHandshakeException e = initiatorRejects(hostileResponder(s -> parse(Libp2pNoiseHandshake.payloadFor(BOB, s))
        .toBuilder().setIdentityKey(ByteString.copyFrom(ALICE.publicKey())).build().toByteArray()));
    assertTrue(e.getMessage().contains("does not sign"), e.getMessage());
  }

  @Test
  void aMissingSignatureOrKeyIsRejected() {
    assertTrue(initiatorRejects(hostileResponder(s -> NoiseHandshakePayload.newBuilder()
        .setIdentityKey(ByteString.copyFrom(BOB.publicKey())).build().toByteArray()))
        .getMessage().contains("identity_sig"));
    assertTrue(initiatorRejects(hostileResponder(s -> NoiseHandshakePayload.newBuilder()
        .setIdentitySig(ByteString.copyFrom(BOB.sign(s))).build().toByteArray()))
        .getMessage().contains("identity_key"));
  }

  @Test
  void anUndecodableIdentityKeyIsRejected() {
    NoiseHandshakeException e = initiatorRejects(hostileResponder(s -> NoiseHandshakePayload.newBuilder()
        .setIdentityKey(ByteString.copyFrom(new byte[] {8, 1, 18, 3, 1, 2, 3}))
        .setIdentitySig(ByteString.copyFrom(new byte[64])).build().toByteArray()));
    assertTrue(e.getMessage().contains("identity key is invalid"), e.getMessage());
  }

  @Test
  void aPayloadThatIsNotProtobufIsRejected() {
    NoiseHandshakeException e = initiatorRejects(hostileResponder(s -> new byte[] {(byte) 0xff, (byte) 0xff, 0x0f}));
    assertTrue(e.getMessage().contains("not a NoiseHandshakePayload"), e.getMessage());
  }

  @Test
  void theResponderChecksTheInitiatorsSignatureToo() {
    NoiseKeyPair s = NoiseKeyPair.generate();
    Libp2pNoiseHandshake hostileInitiator = new Libp2pNoiseHandshake(HandshakeState.initiator(EMPTY, s),
        Libp2pNoiseHandshake.payloadFor(ALICE, NoiseKeyPair.generate().publicKey()), null);
    Libp2pNoiseHandshake responder = Libp2pNoiseHandshake.responder(BOB);
    responder.readMessage(hostileInitiator.writeMessage());
    hostileInitiator.readMessage(responder.writeMessage());
    byte[] third = hostileInitiator.writeMessage();
    assertThrows(NoiseHandshakeException.class, () -> responder.readMessage(third));
    assertFalse(responder.isComplete());
    assertThrows(IllegalStateException.class, responder::outcome);
  }

  private static NoiseHandshakePayload parse(byte[] bytes) {
    try {
      return NoiseHandshakePayload.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
