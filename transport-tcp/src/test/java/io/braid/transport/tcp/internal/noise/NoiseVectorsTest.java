package io.braid.transport.tcp.internal.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The cacophony and snow Noise_XX_25519_ChaChaPoly_SHA256 vectors, byte for byte. */
class NoiseVectorsTest {

  static List<NoiseVectors.Vector> vectors() throws IOException {
    return NoiseVectors.load();
  }

  @ParameterizedTest(name = "vector {0}")
  @MethodSource("vectors")
  void fixedKeysDerivePublicKeysAsTheVectorSays(NoiseVectors.Vector v) {
    assertHex(v.hex("init_static_public"), NoiseKeyPair.fromPrivateKey(v.hex("init_static")).publicKey());
    assertHex(v.hex("init_ephemeral_public"), NoiseKeyPair.fromPrivateKey(v.hex("init_ephemeral")).publicKey());
    assertHex(v.hex("resp_static_public"), NoiseKeyPair.fromPrivateKey(v.hex("resp_static")).publicKey());
    assertHex(v.hex("resp_ephemeral_public"), NoiseKeyPair.fromPrivateKey(v.hex("resp_ephemeral")).publicKey());
  }

  @ParameterizedTest(name = "vector {0}")
  @MethodSource("vectors")
  void handshakeAndTransportMessagesMatchTheVectorByteForByte(NoiseVectors.Vector v) throws AEADBadTagException {
    assertEquals(HandshakeState.PROTOCOL_NAME, v.fields().get("protocol_name"));
    HandshakeState initiator = HandshakeState.initiator(v.hex("init_prologue"),
        NoiseKeyPair.fromPrivateKey(v.hex("init_static")), NoiseKeyPair.fromPrivateKey(v.hex("init_ephemeral")));
    HandshakeState responder = HandshakeState.responder(v.hex("resp_prologue"),
        NoiseKeyPair.fromPrivateKey(v.hex("resp_static")), NoiseKeyPair.fromPrivateKey(v.hex("resp_ephemeral")));

    List<NoiseVectors.Message> messages = v.messages();
    assertTrue(messages.size() >= 5, "vector " + v + " has " + messages.size() + " messages");
    HandshakeState.TransportCiphers initCiphers = null;
    HandshakeState.TransportCiphers respCiphers = null;
    for (NoiseVectors.Message m : messages) {
      if (m.handshake()) {
        HandshakeState writer = m.fromInitiator() ? initiator : responder;
        HandshakeState reader = m.fromInitiator() ? responder : initiator;
        byte[] ciphertext = writer.writeMessage(m.payload());
        assertHex(m.ciphertext(), ciphertext);
        assertHex(m.payload(), reader.readMessage(ciphertext));
        if (initiator.isComplete()) {
          assertTrue(responder.isComplete());
          initCiphers = initiator.split();
          respCiphers = responder.split();
        }
      } else {
        CipherState send = m.fromInitiator() ? initCiphers.sender() : respCiphers.sender();
        CipherState receive = m.fromInitiator() ? respCiphers.receiver() : initCiphers.receiver();
        byte[] ciphertext = send.encryptWithAd(new byte[0], m.payload());
        assertHex(m.ciphertext(), ciphertext);
        assertHex(m.payload(), receive.decryptWithAd(new byte[0], ciphertext));
      }
    }
    assertHex(v.hex("handshake_hash"), initiator.handshakeHash());
    assertHex(v.hex("handshake_hash"), responder.handshakeHash());
  }

  @ParameterizedTest(name = "vector {0}")
  @MethodSource("vectors")
  void splitGivesTheVectorsTransportKeysInitiatorToResponderFirst(NoiseVectors.Vector v) {
    HandshakeState initiator = HandshakeState.initiator(v.hex("init_prologue"),
        NoiseKeyPair.fromPrivateKey(v.hex("init_static")), NoiseKeyPair.fromPrivateKey(v.hex("init_ephemeral")));
    HandshakeState responder = HandshakeState.responder(v.hex("resp_prologue"),
        NoiseKeyPair.fromPrivateKey(v.hex("resp_static")), NoiseKeyPair.fromPrivateKey(v.hex("resp_ephemeral")));
    for (int i = 0; i < 3; i++) {
      NoiseVectors.Message m = v.messages().get(i);
      HandshakeState writer = m.fromInitiator() ? initiator : responder;
      HandshakeState reader = m.fromInitiator() ? responder : initiator;
      reader.readMessage(writer.writeMessage(m.payload()));
    }
    HandshakeState.TransportCiphers i = initiator.split();
    HandshakeState.TransportCiphers r = responder.split();
    assertHex(v.splitK1(), i.sender().keyForTesting());
    assertHex(v.splitK1(), r.receiver().keyForTesting());
    assertHex(v.splitK2(), i.receiver().keyForTesting());
    assertHex(v.splitK2(), r.sender().keyForTesting());
    assertHex(v.hex("resp_static_public"), initiator.remoteStaticKey());
    assertHex(v.hex("init_static_public"), responder.remoteStaticKey());
  }

  private static void assertHex(byte[] expected, byte[] actual) {
    HexFormat hex = HexFormat.of();
    assertEquals(hex.formatHex(expected), hex.formatHex(actual));
  }
}
