package io.braid.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Sign/verify round trips for every key type, and the ways a signature must fail to verify. */
@DisplayName("Signatures of every key type")
class SignatureTest {
  private static final byte[] MESSAGE = "a libp2p handshake payload".getBytes(StandardCharsets.UTF_8);
  private static final Map<KeyType, KeyPair> KEYS = new EnumMap<>(KeyType.class);
  private static final Map<KeyType, KeyPair> OTHER_KEYS = new EnumMap<>(KeyType.class);

  @BeforeAll
  static void generateKeys() {
    // A seeded generator keeps the (slow) RSA generation deterministic in what it produces.
    SecureRandom random = seeded(42);
    for (KeyType type : KeyType.values()) {
      KEYS.put(type, KeyPair.generate(type, random));
      OTHER_KEYS.put(type, KeyPair.generate(type, random));
    }
  }

  static SecureRandom seeded(long seed) {
    try {
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(seed);
      return r;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void aSignatureVerifiesWithTheSignersPublicKey(KeyType type) {
    KeyPair pair = KEYS.get(type);
    byte[] signature = pair.privateKey().sign(MESSAGE);
    assertTrue(pair.publicKey().verify(MESSAGE, signature));
    assertTrue(PublicKeys.unmarshal(pair.publicKey().marshal()).verify(MESSAGE, signature));
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void aSignatureOfTheEmptyMessageVerifies(KeyType type) {
    KeyPair pair = KEYS.get(type);
    assertTrue(pair.publicKey().verify(new byte[0], pair.privateKey().sign(new byte[0])));
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void flippingAnyOneBitOfTheSignatureFailsVerification(KeyType type) {
    KeyPair pair = KEYS.get(type);
    byte[] signature = pair.privateKey().sign(MESSAGE);
    // Every bit of the short signatures; a spread of bits of RSA's 256 bytes.
    int step = signature.length > 100 ? 7 : 1;
    for (int bit = 0; bit < signature.length * 8; bit += step) {
      byte[] flipped = signature.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      assertFalse(pair.publicKey().verify(MESSAGE, flipped), type + ": bit " + bit + " flipped still verifies");
    }
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void flippingOneBitOfTheMessageFailsVerification(KeyType type) {
    KeyPair pair = KEYS.get(type);
    byte[] signature = pair.privateKey().sign(MESSAGE);
    for (int bit = 0; bit < MESSAGE.length * 8; bit += 5) {
      byte[] message = MESSAGE.clone();
      message[bit / 8] ^= (byte) (1 << (bit % 8));
      assertFalse(pair.publicKey().verify(message, signature), type + ": message bit " + bit);
    }
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void anotherKeysSignatureFailsVerification(KeyType type) {
    byte[] signature = OTHER_KEYS.get(type).privateKey().sign(MESSAGE);
    assertTrue(OTHER_KEYS.get(type).publicKey().verify(MESSAGE, signature));
    assertFalse(KEYS.get(type).publicKey().verify(MESSAGE, signature));
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void signaturesOfOtherTypesAreRejectedWithoutAnException(KeyType type) {
    for (KeyType other : KeyType.values()) {
      if (other != type) {
        byte[] signature = KEYS.get(other).privateKey().sign(MESSAGE);
        assertFalse(KEYS.get(type).publicKey().verify(MESSAGE, signature), other + " signature under " + type);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void truncatedExtendedEmptyAndGarbageSignaturesAreFalseNotExceptions(KeyType type) {
    PublicKey key = KEYS.get(type).publicKey();
    byte[] signature = KEYS.get(type).privateKey().sign(MESSAGE);
    assertFalse(key.verify(MESSAGE, Arrays.copyOf(signature, signature.length - 1)));
    assertFalse(key.verify(MESSAGE, Arrays.copyOf(signature, signature.length + 1)));
    assertFalse(key.verify(MESSAGE, new byte[0]));
    assertFalse(key.verify(MESSAGE, new byte[signature.length]));
    byte[] garbage = new byte[4096];
    seeded(7).nextBytes(garbage);
    assertFalse(key.verify(MESSAGE, garbage));
    assertFalse(key.verify(MESSAGE, Arrays.copyOf(garbage, signature.length)));
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void everyTypeSignsTheSameMessageTheSameWay(KeyType type) {
    PrivateKey key = KEYS.get(type).privateKey();
    assertArrayEquals(key.sign(MESSAGE), key.sign(MESSAGE));
    assertNotEquals(Vectors.hex(key.sign(MESSAGE)), Vectors.hex(key.sign(new byte[] {1})));
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void aGeneratedKeySurvivesMarshallingAndStillSignsTheSame(KeyType type) {
    KeyPair pair = KEYS.get(type);
    PrivateKey back = PrivateKeys.unmarshal(pair.privateKey().marshal());
    assertEquals(pair.publicKey(), back.publicKey());
    assertArrayEquals(pair.privateKey().marshal(), back.marshal());
    assertTrue(pair.publicKey().verify(MESSAGE, back.sign(MESSAGE)));
  }

  @Test
  void nullArgumentsAreRejectedWithNullPointerException() {
    KeyPair pair = KEYS.get(KeyType.ED25519);
    assertThrows(NullPointerException.class, () -> pair.privateKey().sign(null));
    assertThrows(NullPointerException.class, () -> pair.publicKey().verify(null, new byte[64]));
    assertThrows(NullPointerException.class, () -> pair.publicKey().verify(MESSAGE, null));
    assertThrows(NullPointerException.class, () -> PublicKeys.unmarshal(null));
    assertThrows(NullPointerException.class, () -> PrivateKeys.unmarshal(null));
  }
}
