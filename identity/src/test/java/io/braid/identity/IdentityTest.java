package io.braid.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.HostIdentity;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("Identity, the HostIdentity backed by a real key")
class IdentityTest {
  private static final byte[] MESSAGE = "noise-libp2p-static-key:".getBytes(StandardCharsets.UTF_8);

  @Test
  void aGeneratedIdentityIsEd25519WithAnInlinedPeerId() {
    Identity identity = Identity.generate();
    assertEquals(KeyType.ED25519, identity.keyType());
    assertTrue(identity.peerId().toBase58().startsWith("12D3KooW"), identity.peerId().toBase58());
    assertArrayEquals(identity.publicKey(), identity.peerId().inlinedPublicKey());
  }

  @Test
  void twoGeneratedIdentitiesDiffer() {
    assertNotEquals(Identity.generate().peerId(), Identity.generate().peerId());
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"ED25519", "SECP256K1", "ECDSA"})
  void aPeerVerifiesTheSignatureWithTheAdvertisedPublicKeyAndPeerId(KeyType type) {
    HostIdentity identity = Identity.generate(type);
    byte[] signature = identity.sign(MESSAGE);
    PublicKey advertised = PublicKeys.unmarshal(identity.publicKey());
    assertEquals(identity.peerId(), advertised.toPeerId());
    assertTrue(advertised.verify(MESSAGE, signature));
  }

  @Test
  void aStoredPrivateKeyRestoresTheSameIdentity() {
    KeyPair pair = KeyPair.generate(KeyType.SECP256K1);
    Identity restored = Identity.fromPrivateKey(pair.privateKey().marshal());
    assertEquals(pair.publicKey().toPeerId(), restored.peerId());
    assertEquals(pair.publicKey(), restored.verifyingKey());
    assertTrue(pair.publicKey().verify(MESSAGE, restored.sign(MESSAGE)));
    assertEquals(restored.peerId(), Identity.fromPrivateKey(pair.privateKey()).peerId());
  }

  @Test
  void publicKeyReturnsAFreshCopy() {
    Identity identity = Identity.generate();
    byte[] first = identity.publicKey();
    first[first.length - 1] ^= 1;
    assertNotSame(first, identity.publicKey());
    assertFalse(java.util.Arrays.equals(first, identity.publicKey()));
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"ED25519", "SECP256K1", "ECDSA"})
  void noStringFormShowsPrivateKeyMaterial(KeyType type) {
    KeyPair pair = KeyPair.generate(type);
    byte[] secret = pair.privateKey().marshal();
    // The secret part: the scalar or seed sits somewhere in Data; any 8-byte window of it must not show.
    String hexSecret = Vectors.hex(secret).substring(8);
    String b64Secret = Base64.getEncoder().encodeToString(secret);
    for (String shown :
        new String[] {
          pair.privateKey().toString(), pair.toString(), Identity.fromPrivateKey(secret).toString()
        }) {
      assertTrue(shown.contains(pair.publicKey().toPeerId().toBase58()), shown);
      for (int i = 0; i + 16 <= hexSecret.length(); i += 16) {
        assertFalse(shown.toLowerCase().contains(hexSecret.substring(i, i + 16)), shown);
      }
      assertFalse(shown.contains(b64Secret.substring(4, 16)), shown);
    }
  }

  @Test
  void oneIdentitySignsFromManyThreadsAtOnce() throws Exception {
    Identity identity = Identity.generate(KeyType.ECDSA);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      java.util.List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
      for (int i = 0; i < 64; i++) {
        byte[] message = ("message " + i).getBytes(StandardCharsets.UTF_8);
        results.add(pool.submit(() -> identity.verifyingKey().verify(message, identity.sign(message))));
      }
      for (java.util.concurrent.Future<Boolean> r : results) {
        assertTrue(r.get(5, java.util.concurrent.TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rsaIdentitiesHaveHashedPeerIdsAndSign() {
    Identity identity = Identity.generate(KeyType.RSA);
    assertEquals(KeyType.RSA, identity.keyType());
    assertTrue(identity.peerId().toBase58().startsWith("Qm"), identity.peerId().toBase58());
    assertEquals(null, identity.peerId().inlinedPublicKey());
    assertTrue(identity.verifyingKey().verify(MESSAGE, identity.sign(MESSAGE)));
    assertEquals(256, identity.sign(MESSAGE).length, "2048-bit RSA signatures are 256 bytes");
  }

  @Test
  void rsaKeySizesOutsideTheSupportedRangeAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> KeyPair.generateRsa(1024, new java.security.SecureRandom()));
    assertThrows(IllegalArgumentException.class, () -> KeyPair.generateRsa(16384, new java.security.SecureRandom()));
  }

  @Test
  void keyTypeNumbersAreTheSpecs() {
    assertEquals(0, KeyType.RSA.number());
    assertEquals(1, KeyType.ED25519.number());
    assertEquals(2, KeyType.SECP256K1.number());
    assertEquals(3, KeyType.ECDSA.number());
    for (KeyType t : KeyType.values()) {
      assertEquals(t, KeyType.fromNumber(t.number()));
    }
  }

  @Test
  void invalidPrivateKeyBytesAreAnIllegalArgumentException() {
    assertThrows(IllegalArgumentException.class, () -> Identity.fromPrivateKey(new byte[] {8, 1, 18, 0}));
  }
}
