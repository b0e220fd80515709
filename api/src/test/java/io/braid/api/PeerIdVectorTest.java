package io.braid.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every peer id of {@code vectors-peerid.txt} (the libp2p peer-ids spec vectors), each its own test. */
@DisplayName("PeerId against the official vectors")
class PeerIdVectorTest {
  private static final String FILE = "vectors-peerid.txt";

  /** The {@code [section]} blocks of the file, each a map of its {@code key = value} lines, in order. */
  private static Map<String, Map<String, String>> sections() {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    Map<String, String> current = null;
    for (String line : Vectors.lines(FILE)) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      if (l.startsWith("[") && l.endsWith("]")) {
        current = new LinkedHashMap<>();
        out.put(l.substring(1, l.length() - 1), current);
      } else if (current != null && l.contains(" = ")) {
        int eq = l.indexOf(" = ");
        current.put(l.substring(0, eq).strip(), l.substring(eq + 3).strip());
      }
    }
    return out;
  }

  private static Map<String, String> section(String prefix) {
    return sections().entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(Map.Entry::getValue)
        .findFirst().orElseGet(() -> fail(FILE + " has no section starting '[" + prefix + "'"));
  }

  private static String get(Map<String, String> section, String key) {
    String v = section.get(key);
    return v != null ? v : fail(FILE + ": key '" + key + "' missing in " + section);
  }

  @Test
  void theFileHoldsFourKeyVectorsAndTwoSpecExamples() {
    Map<String, Map<String, String>> s = sections();
    assertEquals(4, s.keySet().stream().filter(k -> k.startsWith("vector ")).count(), s.keySet().toString());
    assertEquals(2, s.keySet().stream().filter(k -> k.startsWith("example ")).count(), s.keySet().toString());
  }

  @TestFactory
  @DisplayName("key vectors: each text form parses and prints back exactly, and names the vector's multihash")
  Stream<DynamicNode> keyVectors() {
    List<DynamicNode> nodes = new ArrayList<>();
    sections().forEach((name, v) -> {
      if (!name.startsWith("vector ")) {
        return;
      }
      String b58 = get(v, "peer_id_base58btc");
      String cid = get(v, "peer_id_cidv1_base32");
      byte[] multihash = Vectors.hex(get(v, "peer_id_multihash_hex"));
      byte[] publicKey = Vectors.hex(get(v, "public_key_protobuf_hex"));
      nodes.add(dynamicContainer(name + " (" + b58 + ")", Stream.of(
          dynamicTest("base58 form parses and prints back exactly", () -> {
            PeerId id = PeerId.fromString(b58);
            assertEquals(b58, id.toBase58());
            assertEquals(b58, id.toString());
          }),
          dynamicTest("CID form parses and prints back exactly", () -> assertEquals(cid, PeerId.fromString(cid).toCid())),
          dynamicTest("toBytes is the multihash", () -> {
            assertArrayEquals(multihash, PeerId.fromString(b58).toBytes());
            assertArrayEquals(multihash, PeerId.fromString(cid).toBytes());
          }),
          dynamicTest("the multihash bytes give the same id and both text forms", () -> {
            PeerId id = PeerId.fromBytes(multihash);
            assertEquals(b58, id.toBase58());
            assertEquals(cid, id.toCid());
          }),
          dynamicTest("CID and base58 forms are one id", () -> {
            PeerId a = PeerId.fromString(b58);
            PeerId c = PeerId.fromString(cid);
            assertEquals(a, c);
            assertEquals(a.hashCode(), c.hashCode());
            assertEquals(0, a.compareTo(c));
          }),
          dynamicTest("the public key is inlined exactly when it is at most 42 bytes", () -> {
            PeerId id = PeerId.fromBytes(multihash);
            if (publicKey.length <= 42) {
              assertArrayEquals(publicKey, id.inlinedPublicKey());
            } else {
              assertNull(id.inlinedPublicKey());
            }
          }))));
    });
    assertEquals(4, nodes.size(), "key vectors in " + FILE);
    return nodes.stream();
  }

  @Test
  @DisplayName("example A: the spec's CID and base58 texts are one sha2-256 peer id")
  void exampleAsTwoTextFormsAreOneId() {
    Map<String, String> a = section("example A");
    String cid = get(a, "cid_form");
    String b58 = get(a, "b58_form");
    byte[] multihash = Vectors.hex(get(a, "multihash_hex"));
    PeerId fromCid = PeerId.fromString(cid);
    PeerId fromB58 = PeerId.fromString(b58);
    assertEquals(fromB58, fromCid);
    assertArrayEquals(multihash, fromCid.toBytes());
    assertEquals(b58, fromCid.toBase58());
    assertEquals(cid, fromB58.toCid());
    assertNull(fromCid.inlinedPublicKey());
  }

  @Test
  @DisplayName("example B: the spec's ed25519 id inlines its public key")
  void exampleBInlinesItsEd25519Key() {
    Map<String, String> b = section("example B");
    String b58 = get(b, "b58_form");
    byte[] multihash = Vectors.hex(get(b, "multihash_hex"));
    PeerId id = PeerId.fromString(b58);
    assertArrayEquals(multihash, id.toBytes());
    assertEquals(b58, id.toBase58());
    assertEquals(id, PeerId.fromString(id.toCid()));
    byte[] key = id.inlinedPublicKey();
    // identity multihash: 0x00, length 0x24, then the PublicKey protobuf {1: Ed25519, 2: 32-byte key}
    assertArrayEquals(java.util.Arrays.copyOfRange(multihash, 2, multihash.length), key);
    assertTrue(Vectors.hex(key).startsWith("08011220"), "an Ed25519 PublicKey protobuf");
  }
}
