package io.braid.transport.tcp.internal.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;

class HandshakeStateTest {
  private static final byte[] EMPTY = new byte[0];

  private final NoiseKeyPair initiatorStatic = NoiseKeyPair.generate();
  private final NoiseKeyPair responderStatic = NoiseKeyPair.generate();
  private final HandshakeState initiator = HandshakeState.initiator(EMPTY, initiatorStatic);
  private final HandshakeState responder = HandshakeState.responder(EMPTY, responderStatic);

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void twoRandomPartiesWithAnEmptyPrologueAgreeOnKeysAndHash() throws AEADBadTagException {
    assertTrue(initiator.isMyTurnToWrite());
    assertFalse(responder.isMyTurnToWrite());
    assertArrayEquals(ascii("one"), responder.readMessage(initiator.writeMessage(ascii("one"))));
    assertArrayEquals(ascii("two"), initiator.readMessage(responder.writeMessage(ascii("two"))));
    assertArrayEquals(ascii("three"), responder.readMessage(initiator.writeMessage(ascii("three"))));
    assertTrue(initiator.isComplete());
    assertTrue(responder.isComplete());
    assertArrayEquals(initiator.handshakeHash(), responder.handshakeHash());
    assertArrayEquals(responderStatic.publicKey(), initiator.remoteStaticKey());
    assertArrayEquals(initiatorStatic.publicKey(), responder.remoteStaticKey());

    HandshakeState.TransportCiphers i = initiator.split();
    HandshakeState.TransportCiphers r = responder.split();
    assertArrayEquals(ascii("hello"), r.receiver().decryptWithAd(EMPTY, i.sender().encryptWithAd(EMPTY, ascii("hello"))));
    assertArrayEquals(ascii("back"), i.receiver().decryptWithAd(EMPTY, r.sender().encryptWithAd(EMPTY, ascii("back"))));
    assertFalse(Arrays.equals(i.sender().keyForTesting(), i.receiver().keyForTesting()));
  }

  @Test
  void differentProloguesFailTheHandshakeAtTheFirstAuthenticatedMessage() {
    HandshakeState other = HandshakeState.responder(ascii("other"), responderStatic);
    other.readMessage(initiator.writeMessage(EMPTY));
    byte[] second = other.writeMessage(EMPTY);
    assertThrows(NoiseHandshakeException.class, () -> initiator.readMessage(second));
  }

  @Test
  void messageOneIsTheEphemeralKeyFollowedByThePlaintextPayload() {
    byte[] m = initiator.writeMessage(ascii("early"));
    assertEquals(32 + 5, m.length);
    assertArrayEquals(ascii("early"), Arrays.copyOfRange(m, 32, m.length));
  }

  @Test
  void truncatedMessagesAreRejectedWithTheLengthTheyNeed() {
    NoiseHandshakeException e = assertThrows(NoiseHandshakeException.class, () -> responder.readMessage(new byte[31]));
    assertTrue(e.getMessage().contains("shorter than the 32 bytes"), e.getMessage());

    HandshakeState r2 = HandshakeState.responder(EMPTY, responderStatic);
    r2.readMessage(initiator.writeMessage(EMPTY));
    byte[] second = r2.writeMessage(EMPTY);
    assertEquals(96, second.length);
    NoiseHandshakeException e2 = assertThrows(NoiseHandshakeException.class,
        () -> initiator.readMessage(Arrays.copyOf(second, 95)));
    assertTrue(e2.getMessage().contains("message 2"), e2.getMessage());
  }

  @Test
  void aFlippedBitInTheEncryptedStaticKeyFailsAuthentication() {
    responder.readMessage(initiator.writeMessage(EMPTY));
    byte[] second = responder.writeMessage(EMPTY);
    second[40] ^= 1;
    assertThrows(NoiseHandshakeException.class, () -> initiator.readMessage(second));
  }

  @Test
  void aFlippedBitInMessageThreeFailsAuthentication() {
    responder.readMessage(initiator.writeMessage(EMPTY));
    initiator.readMessage(responder.writeMessage(EMPTY));
    byte[] third = initiator.writeMessage(ascii("payload"));
    third[third.length - 1] ^= (byte) 0x80;
    assertThrows(NoiseHandshakeException.class, () -> responder.readMessage(third));
  }

  @Test
  void aLowOrderEphemeralKeyIsRejected() {
    // u = 0 is a point of small order: the DH result is all zero.
    responder.readMessage(new byte[32]);
    NoiseHandshakeException e = assertThrows(NoiseHandshakeException.class, () -> responder.writeMessage(EMPTY));
    assertTrue(e.getMessage().contains("low-order"), e.getMessage());
  }

  @Test
  void callsOutOfTurnAreIllegalState() {
    assertThrows(IllegalStateException.class, () -> responder.writeMessage(EMPTY));
    assertThrows(IllegalStateException.class, () -> initiator.readMessage(new byte[64]));
    assertThrows(IllegalStateException.class, initiator::split);
  }

  @Test
  void splitHappensOnlyOnce() {
    responder.readMessage(initiator.writeMessage(EMPTY));
    initiator.readMessage(responder.writeMessage(EMPTY));
    responder.readMessage(initiator.writeMessage(EMPTY));
    initiator.split();
    assertThrows(IllegalStateException.class, initiator::split);
  }

  @Test
  void aPayloadThatWouldMakeTheMessageExceed65535BytesIsRefused() {
    assertEquals(65535, initiator.writeMessage(new byte[65535 - 32]).length);
    HandshakeState other = HandshakeState.initiator(EMPTY, initiatorStatic);
    assertThrows(IllegalArgumentException.class, () -> other.writeMessage(new byte[65535 - 31]));
  }

  @Test
  void hkdfMatchesRfc5869StyleChainingWithTwoAndThreeOutputs() {
    byte[] ck = new byte[32];
    byte[][] two = SymmetricState.hkdf(ck, new byte[] {1, 2, 3}, 2);
    byte[][] three = SymmetricState.hkdf(ck, new byte[] {1, 2, 3}, 3);
    assertArrayEquals(two[0], three[0]);
    assertArrayEquals(two[1], three[1]);
    assertEquals(32, three[2].length);
    assertThrows(IllegalArgumentException.class, () -> SymmetricState.hkdf(ck, EMPTY, 4));
  }
}
