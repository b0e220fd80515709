package io.braid.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PeerIdTest {
  /** sha2-256("braid"): a digest for hand-made peer ids (computed with Python's hashlib). */
  private static final String DIGEST = "84c854c086f28e02d3d6ece287bc2a88a96c39f17cf2650112e0c0aacd3ff582";
  private static final String B58 = "QmXGyhXCgn65wUCKFzz8uZmQecqjxp5GPjUn11TkTjBpSD";
  private static final String CID = "bafzbeieezbkmbbxsrybnhvxm4kd3ykuivfwdt4l46jsqcexaycvm2p7vqi";

  private static void assertRejected(String text, String... messageParts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PeerId.fromString(text));
    for (String part : messageParts) {
      assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should mention '" + part + "'");
    }
  }

  private static void assertBytesRejected(String hex, String... messageParts) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PeerId.fromBytes(Vectors.hex(hex)));
    for (String part : messageParts) {
      assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should mention '" + part + "'");
    }
  }

  @Test
  void theBase58FormIsComputedOnceAndStaysTheSame() {
    PeerId id = PeerId.fromBytes(Vectors.hex("1220" + DIGEST));
    String first = id.toBase58();
    assertEquals(B58, first);
    assertTrue(first == id.toBase58() && first == id.toString(), "the same String instance every time");
  }

  @Test
  void aHandMadeSha256IdHasTheTextFormsPythonComputed() {
    PeerId id = PeerId.fromBytes(Vectors.hex("1220" + DIGEST));
    assertEquals(B58, id.toBase58());
    assertEquals(CID, id.toCid());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "base32 upper case, BAFZBEIEEZBKMBBXSRYBNHVXM4KD3YKUIVFWDT4L46JSQCEXAYCVM2P7VQI",
      "base36, k2k4r8mq5lbosloh9ifh7hoht0dvm24onqvfnspp9dvij69dwhtzob5u",
      "base58btc, zdvgqAMJsirHhsod7KJknhZJntwZR9YwPsHNK7fxQn8U9KN5w",
      "base16, f0172122084c854c086f28e02d3d6ece287bc2a88a96c39f17cf2650112e0c0aacd3ff582",
      "base64url, uAXISIITIVMCG8o4C09bs4oe8KoipbDnxfPJlARLgwKrNP_WC",
      "base64, mAXISIITIVMCG8o4C09bs4oe8KoipbDnxfPJlARLgwKrNP/WC",
  })
  void aCidInAnySupportedMultibaseReadsAsTheSameId(String base, String text) {
    PeerId id = PeerId.fromString(text);
    assertEquals(PeerId.fromString(B58), id, base);
    assertEquals(CID, id.toCid());
  }

  @Test
  void bytesAreCopiedInAndOut() {
    byte[] mh = Vectors.hex("1220" + DIGEST);
    PeerId id = PeerId.fromBytes(mh);
    mh[5] ^= 1;
    byte[] out = id.toBytes();
    out[6] ^= 1;
    assertArrayEquals(Vectors.hex("1220" + DIGEST), id.toBytes());
  }

  @Test
  void peerIdsOrderByTheirBytesUnsigned() {
    PeerId identity = PeerId.fromBytes(Vectors.hex("000401020304"));
    PeerId sha = PeerId.fromBytes(Vectors.hex("1220" + DIGEST));
    PeerId high = PeerId.fromBytes(Vectors.hex("0004ff020304"));
    List<PeerId> sorted = new ArrayList<>(List.of(sha, high, identity));
    sorted.sort(null);
    assertEquals(List.of(identity, high, sha), sorted);
    assertNotEquals(identity, high);
  }

  @Nested
  @DisplayName("bad input is an IllegalArgumentException saying what is wrong")
  class BadInput {
    @Test
    void emptyText() {
      assertRejected("", "empty");
    }

    @Test
    void nullTextIsANullPointerException() {
      assertThrows(NullPointerException.class, () -> PeerId.fromString(null));
      assertThrows(NullPointerException.class, () -> PeerId.fromBytes(null));
    }

    @Test
    void charactersOutsideTheBase58Alphabet() {
      assertRejected("QmXGyhXCgn65wUCKFzz8uZmQecqjxp5GPjUn11TkTjBp0D", "invalid peer id", "base58btc character '0'");
      assertRejected("QmXGyhXCgn65wUCKFzz8uZmQecqjxp5GPjUn11TkTjBplD", "base58btc character 'l'");
      assertRejected("Qm XGyhXCgn65wUCKFzz8uZmQecqjxp5GPjUn11TkTjBpSD", "character ' '");
    }

    @Test
    void charactersOutsideTheCidsMultibase() {
      assertRejected("bafzbeieezbkmbbxsrybnhvxm4kd3ykuivfwdt4l46jsqcexaycvm2p7vq1", "base32 character '1'");
      assertRejected("bAFZBEIEEZBKMBBXSRYBNHVXM4KD3YKUIVFWDT4L46JSQCEXAYCVM2P7VQI", "base32 character 'A'");
    }

    @Test
    void textThatIsNeitherBase58NorAMultibaseCid() {
      assertRejected("12D3KooW!", "invalid peer id");
      assertRejected("?unknownmultibase", "neither bare base58btc", "multibase prefix '?'");
      assertRejected("6PKe9mXQVVo1fd4vXayu67WzvPAge7b3ahSKog5FNv4Mi", "multibase prefix '6'");
    }

    @Test
    void aMultihashThatIsNeitherIdentityNorSha256() {
      // sha1 (0x11), as bytes and inside a libp2p-key CID
      assertBytesRejected("1114" + DIGEST.substring(0, 40), "multihash code 0x11", "identity 0x00 or sha2-256 0x12");
      assertRejected("bafzbcfe5nzsyzi2hvvsdy5tjwgykb5azl4o4xty", "multihash code 0x11");
    }

    @Test
    void aSha256DigestThatIsNot32Bytes() {
      assertBytesRejected("1221" + DIGEST + "01", "32-byte digest", "33");
      assertBytesRejected("1210" + DIGEST.substring(0, 32), "32-byte digest", "16");
      assertRejected("2ovpgJLjNX1agtBkxhfsLpTWXtNi745WYDQhQfEHQeHgxDGc", "invalid peer id");
      // the vector go-multiaddr uses: a Qm id whose sha2-256 digest is not 32 bytes
      assertRejected("QmxoHT6iViN5xAjoz1VZ553cL31U9F94ht3QvWR1FrEbZY", "invalid peer id", "digest");
    }

    @Test
    void truncatedInput() {
      assertBytesRejected("1220" + DIGEST.substring(0, 62), "declares a 32-byte digest but has 31");
      assertBytesRejected("12", "multihash has no digest length");
      assertBytesRejected("", "empty multihash");
      assertBytesRejected("80", "truncated varint");
      assertRejected("bafzbeieezbkmbbxsrybnhvxm4kd3ykuivfwdt4l46jsqcexaycvm2p7v", "31");
      assertRejected("QmXGyhXCgn65wUCKFzz8uZmQecqjxp5GPjUn11TkTjBp", "invalid peer id");
    }

    @Test
    void trailingBytesAfterTheDigest() {
      assertBytesRejected("1220" + DIGEST + "00", "declares a 32-byte digest but has 33");
    }

    @Test
    void anIdentityMultihashWithNoKey() {
      assertBytesRejected("0000", "empty key");
      assertRejected("11", "empty key");
    }

    @Test
    void aCidOfTheWrongVersion() {
      assertRejected("bajzbeieezbkmbbxsrybnhvxm4kd3ykuivfwdt4l46jsqcexaycvm2p7vqi", "CID version 2, expected 1");
      assertRejected("babzbeieezbkmbbxsrybnhvxm4kd3ykuivfwdt4l46jsqcexaycvm2p7vqi", "CID version 0, expected 1");
    }

    @Test
    void aCidWithAnotherCodecThanLibp2pKey() {
      assertRejected("bafybeieezbkmbbxsrybnhvxm4kd3ykuivfwdt4l46jsqcexaycvm2p7vqi", "codec 0x70",
          "libp2p-key (0x72)");
      // go-multiaddr's vector: a base36 CID with a codec other than libp2p-key
      assertRejected("k2jmtxwoe2phm1hbqp0e7nufqf6umvuu2e9qd7ana7h411a0haqj6i2z", "codec");
    }

    @Test
    void overLongTextIsRejectedBeforeDecoding() {
      assertRejected("Qm" + "1".repeat(511), "too long", "513", "512");
      assertRejected("b" + "a".repeat(100_000), "too long");
    }

    @Test
    void overLongMultihashBytes() {
      assertBytesRejected("00ff02" + "00".repeat(255), "too long");
    }

    @Test
    void messagesQuoteLongInputShortened() {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> PeerId.fromString("Qm" + "0".repeat(300)));
      assertTrue(e.getMessage().length() < 250, e.getMessage());
    }
  }
}
