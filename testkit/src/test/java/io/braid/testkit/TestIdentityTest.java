package io.braid.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.api.PeerId;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TestIdentityTest {

  @Test
  void thePeerIdIsTheIdentityMultihashOfAnEd25519ProtobufPublicKey() {
    TestIdentity id = TestIdentity.fromSeed(42);
    byte[] key = id.keyData();
    byte[] pub = id.publicKey();
    byte[] mh = id.peerId().toBytes();

    assertEquals(32, key.length);
    assertArrayEquals(new byte[] {0x08, 0x01, 0x12, 0x20}, Arrays.copyOf(pub, 4), "protobuf Type=Ed25519, Data=32 bytes");
    assertArrayEquals(key, Arrays.copyOfRange(pub, 4, pub.length));
    assertEquals(38, mh.length);
    assertEquals(0x00, mh[0], "identity multihash");
    assertEquals(36, mh[1]);
    assertArrayEquals(pub, Arrays.copyOfRange(mh, 2, mh.length));
    assertTrue(id.peerId().toBase58().startsWith("12D3KooW"), id.peerId().toBase58());
    assertEquals(id.peerId(), PeerId.fromString(id.peerId().toString()));
  }

  @Test
  void theSameSeedGivesTheSameIdentityAndDifferentSeedsDifferentOnes() {
    assertEquals(TestIdentity.fromSeed(7), TestIdentity.fromSeed(7));
    assertEquals(TestIdentity.fromSeed(7).peerId(), TestIdentity.fromSeed(7).peerId());
    assertEquals(TestIdentity.fromSeed(7).hashCode(), TestIdentity.fromSeed(7).hashCode());
    Set<PeerId> ids = new HashSet<>();
    for (long seed = 0; seed < 100; seed++) {
      ids.add(TestIdentity.fromSeed(seed).peerId());
    }
    assertEquals(100, ids.size());
    assertNotEquals(TestIdentity.random().peerId(), TestIdentity.random().peerId());
  }

  @Test
  void aSeededIdentityIsStableAcrossRuns() {
    // java.util.Random's algorithm is specified, so this value never changes.
    byte[] expected = new byte[32];
    new java.util.Random(1).nextBytes(expected);
    assertArrayEquals(expected, TestIdentity.fromSeed(1).keyData());
  }

  @Test
  void signingIsUnsupportedWithAMessageThatSaysWhy() {
    TestIdentity id = TestIdentity.random();
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> id.sign(new byte[1]));
    assertTrue(e.getMessage().contains("cannot sign"), e.getMessage());
    assertTrue(e.getMessage().contains(id.peerId().toString()), e.getMessage());
  }

  @Test
  void returnedKeysAreFreshCopies() {
    TestIdentity id = TestIdentity.fromSeed(3);
    id.publicKey()[5] ^= 1;
    id.keyData()[0] ^= 1;
    assertEquals(TestIdentity.fromSeed(3), id);
    assertArrayEquals(TestIdentity.fromSeed(3).publicKey(), id.publicKey());
  }

  @Test
  void keyDataOfTheWrongLengthIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TestIdentity.fromKeyData(new byte[31]));
    assertTrue(e.getMessage().contains("31"), e.getMessage());
    byte[] k = new byte[32];
    k[0] = 9;
    TestIdentity id = TestIdentity.fromKeyData(k);
    k[0] = 0;
    assertEquals(9, id.keyData()[0], "the key bytes are copied in");
  }
}
