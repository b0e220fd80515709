package io.braid.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Whatever bytes arrive, unmarshalling either yields a key whose encoding is exactly those bytes, or
 * throws {@link IllegalArgumentException}: never another exception.
 */
class UnmarshalPropertyTest {

  @Property(tries = 2000)
  void arbitraryBytesNeverMakeUnmarshalThrowAnythingButIllegalArgumentException(
      @ForAll @Size(max = 700) byte[] bytes) {
    tryPublic(bytes);
    tryPrivate(bytes);
  }

  @Property(tries = 2000)
  void anEnvelopeOfAnyKnownTypeAroundArbitraryBytesIsAKeyOrAnIllegalArgumentException(
      @ForAll @IntRange(min = 0, max = 4) int type, @ForAll @Size(max = 700) byte[] data) {
    tryPublic(Protobufs.envelope(type, data));
    tryPrivate(Protobufs.envelope(type, data));
  }

  @Provide
  Arbitrary<byte[]> mutatedVectorKeys() {
    List<byte[]> seeds = new ArrayList<>();
    for (Map<String, String> v : Vectors.keyVectors().values()) {
      seeds.add(Vectors.hexValue(v, "public_key_protobuf_hex"));
      seeds.add(Vectors.hexValue(v, "private_key_protobuf_hex"));
    }
    Arbitrary<byte[]> seed = Arbitraries.of(seeds);
    Arbitrary<Integer> position = Arbitraries.integers().between(0, 2500);
    Arbitrary<Byte> value = Arbitraries.bytes();
    Arbitrary<Integer> kind = Arbitraries.integers().between(0, 3);
    return Combinators.combine(seed, position, value, kind).as((s, at, b, k) -> mutate(s, at % s.length, b, k));
  }

  private static byte[] mutate(byte[] seed, int at, byte b, int kind) {
    switch (kind) {
      case 0: { // overwrite one byte
        byte[] out = seed.clone();
        out[at] = b;
        return out;
      }
      case 1: { // flip one bit
        byte[] out = seed.clone();
        out[at] ^= (byte) (1 << (b & 7));
        return out;
      }
      case 2: { // truncate
        byte[] out = new byte[at];
        System.arraycopy(seed, 0, out, 0, at);
        return out;
      }
      default: { // insert one byte
        byte[] out = new byte[seed.length + 1];
        System.arraycopy(seed, 0, out, 0, at);
        out[at] = b;
        System.arraycopy(seed, at, out, at + 1, seed.length - at);
        return out;
      }
    }
  }

  @Property(tries = 3000)
  void mutatedVectorKeysAreKeysOrIllegalArgumentExceptions(@ForAll("mutatedVectorKeys") byte[] bytes) {
    tryPublic(bytes);
    tryPrivate(bytes);
  }

  @Property(tries = 200)
  void generatedKeysOfTheFastTypesRoundTripThroughTheirEncodings(
      @ForAll("fastTypes") KeyType type, @ForAll long seed) {
    KeyPair pair = KeyPair.generate(type, SignatureTest.seeded(seed));
    byte[] pub = pair.publicKey().marshal();
    byte[] priv = pair.privateKey().marshal();
    assertArrayEquals(pub, PublicKeys.unmarshal(pub).marshal());
    assertArrayEquals(priv, PrivateKeys.unmarshal(priv).marshal());
    assertEquals(pair.publicKey(), PrivateKeys.unmarshal(priv).publicKey());
    assertEquals(pub.length <= 42, pair.publicKey().toPeerId().inlinedPublicKey() != null);
  }

  @Provide
  Arbitrary<KeyType> fastTypes() {
    return Arbitraries.of(KeyType.ED25519, KeyType.SECP256K1, KeyType.ECDSA);
  }

  private static void tryPublic(byte[] bytes) {
    PublicKey key;
    try {
      key = PublicKeys.unmarshal(bytes);
    } catch (IllegalArgumentException expected) {
      return;
    }
    // Accepted bytes are canonical: the key encodes back to exactly them.
    assertArrayEquals(bytes, key.marshal());
    assertTrue(bytes.length > 0);
  }

  private static void tryPrivate(byte[] bytes) {
    PrivateKey key;
    try {
      key = PrivateKeys.unmarshal(bytes);
    } catch (IllegalArgumentException expected) {
      return;
    }
    assertArrayEquals(bytes, key.marshal());
  }
}
