package io.braid.api.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The text encodings behind peer ids and multiaddr values, against published vectors and the JDK. */
class EncodingsTest {
  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @ParameterizedTest(name = "\"{0}\" -> {1} / {2} / {3}")
  @DisplayName("RFC 4648 section 10 test vectors")
  @CsvSource(value = {
      "'', '', '', ''",
      "f, MY======, CO======, 66",
      "fo, MZXQ====, CPNG====, 666F",
      "foo, MZXW6===, CPNMU===, 666F6F",
      "foob, MZXW6YQ=, CPNMUOG=, 666F6F62",
      "fooba, MZXW6YTB, CPNMUOJ1, 666F6F6261",
      "foobar, MZXW6YTBOI======, CPNMUOJ1E8======, 666F6F626172",
  })
  void rfc4648VectorsEncodeAndDecode(String data, String base32, String base32hex, String base16) {
    byte[] d = ascii(data);
    assertEquals(base32, Rfc4648.BASE32_UPPER.encode(d, true));
    assertArrayEquals(d, Rfc4648.BASE32_UPPER.decode(base32, true));
    assertEquals(base32.replace("=", "").toLowerCase(), Rfc4648.BASE32_LOWER.encode(d, false));
    assertEquals(base32hex, Rfc4648.BASE32HEX_UPPER.encode(d, true));
    assertArrayEquals(d, Rfc4648.BASE32HEX_UPPER.decode(base32hex, true));
    assertEquals(base16, Rfc4648.BASE16_UPPER.encode(d, true));
    assertArrayEquals(d, Rfc4648.BASE16_LOWER.decode(base16.toLowerCase(), false));
  }

  @ParameterizedTest(name = "{0}")
  @DisplayName("multibase spec examples all decode to 'yes mani !'")
  @CsvSource({
      "f796573206d616e692021", "F796573206D616E692021", "bpfsxgidnmfxgsibb", "BPFSXGIDNMFXGSIBB",
      "cpfsxgidnmfxgsibb", "vf5in683dc5n6i811", "tf5in683dc5n6i811", "k2lcpzo5yikidynfl", "K2LCPZO5YIKIDYNFL",
      "z7paNL19xttacUY", "meWVzIG1hbmkgIQ", "MeWVzIG1hbmkgIQ==", "ueWVzIG1hbmkgIQ", "UeWVzIG1hbmkgIQ==",
  })
  void multibaseExamplesDecode(String text) {
    assertArrayEquals(ascii("yes mani !"), Multibase.decode(text, 100));
  }

  @Test
  void multibaseEncodesBase64UrlAndBase32AsTheSpecShows() {
    assertEquals("ueWVzIG1hbmkgIQ", Multibase.encodeBase64Url(ascii("yes mani !")));
    assertEquals("bpfsxgidnmfxgsibb", Multibase.encodeBase32(ascii("yes mani !")));
  }

  @ParameterizedTest(name = "''{0}'' is rejected")
  @DisplayName("non-canonical or malformed multibase text is rejected")
  @CsvSource({
      "''", "?abc", "bPFSXGIDNMFXGSIBB", "Bpfsxgidnmfxgsibb", "bpfsxgidnmfxgsibb=", "cpfsxgidnmfxgsib",
      "MeWVzIG1hbmkgIQ", "meWVzIG1hbmkgIQ==", "ueWVzIG1hbmkgIR", "f79657", "f7965732", "z0OIl", "k2LCPZ",
      "mAB/=", "b1",
  })
  void malformedMultibaseIsRejected(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Multibase.decode(text, 100));
    assertTrue(!e.getMessage().isBlank());
  }

  @Test
  void multibaseRejectsOverLongTextBeforeDecoding() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Multibase.decode("z" + "2".repeat(1000), 100));
    assertTrue(e.getMessage().contains("too long"), e.getMessage());
  }

  @Test
  void base58MatchesBitcoinsExamples() {
    assertEquals("2NEpo7TZRRrLZSi2U", BaseX.BASE58BTC.encode(ascii("Hello World!")));
    assertEquals("11", BaseX.BASE58BTC.encode(new byte[2]));
    assertEquals("", BaseX.BASE58BTC.encode(new byte[0]));
    assertEquals("1112", BaseX.BASE58BTC.encode(new byte[] {0, 0, 0, 1}));
    assertArrayEquals(new byte[] {0, 0, 0, 1}, BaseX.BASE58BTC.decode("1112", 10));
    assertArrayEquals(ascii("Hello World!"), BaseX.BASE58BTC.decode("2NEpo7TZRRrLZSi2U", 100));
  }

  @Property
  void base64AndBase64UrlAgreeWithTheJdk(@ForAll @Size(max = 80) byte[] data) {
    assertEquals(Base64.getEncoder().encodeToString(data), Rfc4648.BASE64.encode(data, true));
    assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(data), Rfc4648.BASE64URL.encode(data, false));
    assertArrayEquals(data, Rfc4648.BASE64.decode(Base64.getEncoder().encodeToString(data), true));
    assertArrayEquals(data, Rfc4648.BASE64URL.decode(Base64.getUrlEncoder().withoutPadding().encodeToString(data), false));
  }

  @Property
  void base16AgreesWithHexFormat(@ForAll @Size(max = 80) byte[] data) {
    assertEquals(HexFormat.of().formatHex(data), Rfc4648.BASE16_LOWER.encode(data, false));
    assertArrayEquals(data, Rfc4648.BASE16_LOWER.decode(HexFormat.of().formatHex(data), false));
  }

  @Property
  void base32RoundTripsPaddedAndUnpadded(@ForAll @Size(max = 80) byte[] data) {
    for (Rfc4648 codec : new Rfc4648[] {Rfc4648.BASE32_LOWER, Rfc4648.BASE32_UPPER, Rfc4648.BASE32HEX_LOWER,
        Rfc4648.I2P_BASE64}) {
      assertArrayEquals(data, codec.decode(codec.encode(data, true), true));
      assertArrayEquals(data, codec.decode(codec.encode(data, false), false));
    }
  }

  @Property
  void base36AgreesWithBigInteger(@ForAll @Size(min = 1, max = 60) byte[] data) {
    int zeros = 0;
    while (zeros < data.length && data[zeros] == 0) {
      zeros++;
    }
    String rest = zeros == data.length ? "" : new BigInteger(1, data).toString(36);
    assertEquals("0".repeat(zeros) + rest, BaseX.BASE36_LOWER.encode(data));
    assertArrayEquals(data, BaseX.BASE36_LOWER.decode(BaseX.BASE36_LOWER.encode(data), 200));
  }

  @Property
  void base58RoundTrips(@ForAll @Size(max = 80) byte[] data) {
    assertArrayEquals(data, BaseX.BASE58BTC.decode(BaseX.BASE58BTC.encode(data), 200));
  }

  @Property
  void strictDecodersAcceptOnlyWhatTheEncoderPrints(@ForAll @Size(max = 12) String text) {
    for (Rfc4648 codec : new Rfc4648[] {Rfc4648.BASE32_LOWER, Rfc4648.BASE64URL, Rfc4648.BASE16_LOWER}) {
      for (boolean padded : new boolean[] {false, true}) {
        byte[] decoded;
        try {
          decoded = codec.decode(text, padded);
        } catch (IllegalArgumentException rejected) {
          continue;
        }
        assertEquals(text, codec.encode(decoded, padded));
      }
    }
  }

  @Test
  void varintsAreMinimalAndAtMostNineBytes() {
    assertEquals(300, Varint.read(new byte[] {(byte) 0xac, 0x02}, new int[] {0}));
    assertThrows(IllegalArgumentException.class, () -> Varint.read(new byte[] {(byte) 0x81, 0x00}, new int[] {0}));
    assertThrows(IllegalArgumentException.class, () -> Varint.read(new byte[] {(byte) 0x81}, new int[] {0}));
    byte[] ten = new byte[10];
    Arrays.fill(ten, (byte) 0xff);
    ten[9] = 1;
    assertThrows(IllegalArgumentException.class, () -> Varint.read(ten, new int[] {0}));
  }

  @Property(tries = 1000)
  void arbitraryBytesAreAMinimalVarintThatReEncodesIdenticallyOrAnIllegalArgumentException(
      @ForAll @Size(max = 12) byte[] data) {
    int[] pos = {0};
    long value;
    try {
      value = Varint.read(data, pos);
    } catch (IllegalArgumentException e) {
      assertEquals(0, pos[0], "a refused varint leaves the position where it was");
      return;
    }
    assertTrue(pos[0] >= 1 && pos[0] <= 9, "consumed " + pos[0]);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    Varint.write(out, value);
    assertArrayEquals(Arrays.copyOf(data, pos[0]), out.toByteArray(), "only the minimal encoding is accepted");
    assertEquals(pos[0], Varint.size(value));
  }
}
