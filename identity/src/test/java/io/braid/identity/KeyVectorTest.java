package io.braid.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.braid.api.PeerId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The four key vectors of the libp2p peer-ids spec ({@code vectors-peerid.txt}) reproduce exactly. */
@DisplayName("Keys against the official peer-id vectors")
class KeyVectorTest {

  @Test
  void theFileHoldsOneKeyVectorOfEachOfTheFourTypes() {
    Map<String, Map<String, String>> vectors = Vectors.keyVectors();
    assertEquals(4, vectors.size(), vectors.keySet().toString());
    Set<KeyType> types = EnumSet.noneOf(KeyType.class);
    vectors.values().forEach(v -> types.add(KeyType.fromNumber(Integer.parseInt(Vectors.get(v, "key_type")))));
    assertEquals(EnumSet.allOf(KeyType.class), types);
  }

  @TestFactory
  @DisplayName("each key vector: private key → public key → peer id, byte for byte")
  Stream<DynamicNode> keyVectors() {
    List<DynamicNode> nodes = new ArrayList<>();
    Vectors.keyVectors().forEach((name, v) -> {
      KeyType type = KeyType.fromNumber(Integer.parseInt(Vectors.get(v, "key_type")));
      byte[] privateBytes = Vectors.hexValue(v, "private_key_protobuf_hex");
      byte[] publicBytes = Vectors.hexValue(v, "public_key_protobuf_hex");
      byte[] multihash = Vectors.hexValue(v, "peer_id_multihash_hex");
      String b58 = Vectors.get(v, "peer_id_base58btc");
      String cid = Vectors.get(v, "peer_id_cidv1_base32");
      nodes.add(dynamicContainer(name, Stream.of(
          dynamicTest("the private key unmarshals to the vector's type and marshals back to the same bytes", () -> {
            PrivateKey key = PrivateKeys.unmarshal(privateBytes);
            assertEquals(type, key.type());
            assertArrayEquals(privateBytes, key.marshal());
          }),
          dynamicTest("the public key derived from the private key marshals to public_key_protobuf_hex", () -> {
            PublicKey derived = PrivateKeys.unmarshal(privateBytes).publicKey();
            assertEquals(Vectors.hex(publicBytes), Vectors.hex(derived.marshal()));
            assertEquals(Integer.parseInt(Vectors.get(v, "public_key_protobuf_len")), derived.marshal().length);
          }),
          dynamicTest("the public key protobuf unmarshals, equals the derived key and marshals back exactly", () -> {
            PublicKey key = PublicKeys.unmarshal(publicBytes);
            assertEquals(type, key.type());
            assertArrayEquals(publicBytes, key.marshal());
            assertEquals(PrivateKeys.unmarshal(privateBytes).publicKey(), key);
          }),
          dynamicTest("the peer id has the vector's multihash, base58btc and CIDv1 forms", () -> {
            PeerId id = PublicKeys.unmarshal(publicBytes).toPeerId();
            assertEquals(Vectors.hex(multihash), Vectors.hex(id.toBytes()));
            assertEquals(b58, id.toBase58());
            assertEquals(cid, id.toCid());
            assertEquals(PeerId.fromString(b58), id);
          }),
          dynamicTest("an Identity loaded from the private key reports the vector's peer id and public key", () -> {
            Identity identity = Identity.fromPrivateKey(privateBytes);
            assertEquals(b58, identity.peerId().toBase58());
            assertArrayEquals(publicBytes, identity.publicKey());
            assertEquals(type, identity.keyType());
          }),
          dynamicTest("the vector's key signs, and its public key protobuf verifies the signature", () -> {
            byte[] message = ("braid " + name).getBytes(StandardCharsets.UTF_8);
            byte[] signature = Identity.fromPrivateKey(privateBytes).sign(message);
            assertTrue(PublicKeys.unmarshal(publicBytes).verify(message, signature));
          }))));
    });
    return nodes.stream();
  }

  @Test
  void aPublicKeyInlinedInAnIdentityPeerIdIsExtracted() {
    for (KeyType type : List.of(KeyType.ED25519, KeyType.SECP256K1)) {
      Map<String, String> v = Vectors.keyVector(type);
      PeerId id = PeerId.fromString(Vectors.get(v, "peer_id_base58btc"));
      Optional<PublicKey> key = PublicKeys.fromPeerId(id);
      assertTrue(key.isPresent(), type + " peer ids inline the key");
      assertArrayEquals(Vectors.hexValue(v, "public_key_protobuf_hex"), key.get().marshal());
      assertEquals(id, key.get().toPeerId());
    }
  }

  @Test
  void aPeerIdInliningBytesThatAreNoKeyIsAnIllegalArgumentException() {
    PeerId garbage = PeerId.fromBytes(new byte[] {0x00, 0x04, 0x08, 0x01, 0x12, 0x00});
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> PublicKeys.fromPeerId(garbage));
  }

  @Test
  void aHashedPeerIdInlinesNoKey() {
    for (KeyType type : List.of(KeyType.ECDSA, KeyType.RSA)) {
      PeerId id = PeerId.fromString(Vectors.get(Vectors.keyVector(type), "peer_id_base58btc"));
      assertEquals(Optional.empty(), PublicKeys.fromPeerId(id), type.toString());
    }
  }

  @Test
  void theSpecsEd25519ExamplePeerIdYieldsItsKey() {
    Map<String, String> example = Vectors.peerIdSections().entrySet().stream()
        .filter(e -> e.getKey().startsWith("example B"))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no [example B ...] section"));
    PeerId id = PeerId.fromString(Vectors.get(example, "b58_form"));
    PublicKey key = PublicKeys.fromPeerId(id).orElseThrow();
    assertEquals(KeyType.ED25519, key.type());
    assertEquals("2ffa35a99d3a3cfbb17bb7c1dc5561b18a8dcca4df38dc613ea859c37eb1336b", Vectors.hex(key.raw()));
    assertEquals(id, key.toPeerId());
  }
}
