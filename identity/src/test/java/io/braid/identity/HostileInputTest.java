package io.braid.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad key bytes, as an attacker would send them, each rejected with an IllegalArgumentException. */
@DisplayName("Hostile key bytes are rejected with IllegalArgumentException")
class HostileInputTest {
  private static final byte[] ED25519_KEY = Vectors.hex("1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e");

  private static IllegalArgumentException rejectsPublic(byte[] bytes, String messagePart) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PublicKeys.unmarshal(bytes),
        () -> "accepted " + Vectors.hex(bytes));
    assertTrue(e.getMessage().contains(messagePart), () -> "message '" + e.getMessage() + "' lacks '" + messagePart + "'");
    return e;
  }

  private static IllegalArgumentException rejectsPrivate(byte[] bytes, String messagePart) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PrivateKeys.unmarshal(bytes));
    assertTrue(e.getMessage().contains(messagePart), () -> "message '" + e.getMessage() + "' lacks '" + messagePart + "'");
    return e;
  }

  private static byte[] vectorBytes(KeyType type, String key) {
    return Vectors.hexValue(Vectors.keyVector(type), key);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  @Nested
  @DisplayName("the protobuf envelope")
  class Envelope {
    @Test
    void everyTruncationOfEveryVectorKeyIsRejected() {
      for (Map<String, String> v : Vectors.keyVectors().values()) {
        byte[] pub = Vectors.hexValue(v, "public_key_protobuf_hex");
        byte[] priv = Vectors.hexValue(v, "private_key_protobuf_hex");
        for (int n = 0; n < pub.length; n++) {
          byte[] cut = Arrays.copyOf(pub, n);
          assertThrows(IllegalArgumentException.class, () -> PublicKeys.unmarshal(cut), () -> "prefix " + cut.length);
        }
        for (int n = 0; n < priv.length; n++) {
          byte[] cut = Arrays.copyOf(priv, n);
          assertThrows(IllegalArgumentException.class, () -> PrivateKeys.unmarshal(cut), () -> "prefix " + cut.length);
        }
      }
    }

    @Test
    void emptyInputLacksTheTypeField() {
      rejectsPublic(new byte[0], "field 1 (Type)");
      rejectsPrivate(new byte[0], "field 1 (Type)");
    }

    @Test
    void aMissingDataFieldIsRejected() {
      rejectsPublic(new Protobufs.Builder().varintField(1, 1).build(), "field 2 (Data)");
    }

    @Test
    void aMissingTypeFieldIsRejected() {
      rejectsPublic(new Protobufs.Builder().bytesField(2, ED25519_KEY).build(), "field 1 (Type)");
    }

    @Test
    void unknownKeyTypesAreRejectedByNumber() {
      rejectsPublic(Protobufs.envelope(4, ED25519_KEY), "unknown key type 4");
      rejectsPublic(Protobufs.envelope(99, ED25519_KEY), "unknown key type 99");
      rejectsPrivate(Protobufs.envelope(5, new byte[64]), "unknown key type 5");
      // -1 as protobuf writes negative int32 values: a ten-byte varint.
      rejectsPublic(Protobufs.envelope(-1L, ED25519_KEY), "unknown key type");
      assertThrows(IllegalArgumentException.class, () -> KeyType.fromNumber(4));
    }

    @Test
    void anUnknownFieldNumberIsRejected() {
      byte[] bytes = new Protobufs.Builder().varintField(1, 1).bytesField(2, ED25519_KEY).varintField(3, 0).build();
      rejectsPublic(bytes, "unknown field number(s) [3]");
      byte[] dataAsField3 = new Protobufs.Builder().varintField(1, 1).bytesField(3, ED25519_KEY).build();
      rejectsPublic(dataAsField3, "unknown field");
    }

    @Test
    void knownFieldNumbersWithTheWrongWireTypeAreRejected() {
      rejectsPublic(new Protobufs.Builder().bytesField(1, new byte[] {1}).bytesField(2, ED25519_KEY).build(),
          "field 1 (Type) has the wrong wire type");
      rejectsPublic(new Protobufs.Builder().varintField(1, 1).varintField(2, 7).build(),
          "field 2 (Data) has the wrong wire type");
    }

    @Test
    void duplicateFieldsAreRejected() {
      rejectsPublic(new Protobufs.Builder().varintField(1, 1).varintField(1, 1).bytesField(2, ED25519_KEY).build(),
          "deterministic encoding");
      rejectsPublic(new Protobufs.Builder().varintField(1, 1).bytesField(2, ED25519_KEY).bytesField(2, ED25519_KEY).build(),
          "deterministic encoding");
      // Last-one-wins parsing would turn this into a valid Ed25519 key; we refuse it.
      rejectsPublic(new Protobufs.Builder().varintField(1, 2).varintField(1, 1).bytesField(2, ED25519_KEY).build(),
          "deterministic encoding");
    }

    @Test
    void fieldsOutOfOrderAreRejected() {
      rejectsPublic(new Protobufs.Builder().bytesField(2, ED25519_KEY).varintField(1, 1).build(), "deterministic encoding");
    }

    @Test
    void nonMinimalVarintsAreRejected() {
      rejectsPublic(new Protobufs.Builder().raw(0x08, 0x81, 0x00).bytesField(2, ED25519_KEY).build(), "deterministic");
      rejectsPublic(new Protobufs.Builder().varintField(1, 1).raw(0x12, 0xA0, 0x00).raw(ED25519_KEY).build(), "deterministic");
    }

    @Test
    void hugeDeclaredLengthsAreRejectedWithoutAllocating() {
      assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
        rejectsPublic(new Protobufs.Builder().varintField(1, 1).raw(0x12).varint(0x7FFFFFFFL).raw(ED25519_KEY).build(),
            "malformed public key protobuf");
        rejectsPrivate(new Protobufs.Builder().varintField(1, 1).raw(0x12).varint(0xFFFFFFFFL).raw(1, 2, 3).build(),
            "malformed private key protobuf");
        rejectsPublic(new Protobufs.Builder().varintField(1, 1).raw(0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xFF, 0xFF, 0x01).build(), "malformed");
      });
    }

    @Test
    void trailingBytesAreRejected() {
      byte[] pub = vectorBytes(KeyType.ED25519, "public_key_protobuf_hex");
      rejectsPublic(concat(pub, new byte[] {0}), "malformed");
      rejectsPublic(concat(pub, new byte[] {0x08}), "malformed");
    }

    @Test
    void oversizedInputIsRejectedByItsLengthAlone() {
      rejectsPublic(Protobufs.envelope(0, new byte[5000]), "longer than the 4096 bytes");
      rejectsPrivate(Protobufs.envelope(0, new byte[9000]), "longer than the 8192 bytes");
      rejectsPublic(new byte[1 << 20], "longer than");
    }

    @Test
    void aPublicKeyIsNotAcceptedAsAPrivateKeyNorTheReverse() {
      for (KeyType type : KeyType.values()) {
        byte[] pub = vectorBytes(type, "public_key_protobuf_hex");
        byte[] priv = vectorBytes(type, "private_key_protobuf_hex");
        assertThrows(IllegalArgumentException.class, () -> PrivateKeys.unmarshal(pub), type::toString);
        assertThrows(IllegalArgumentException.class, () -> PublicKeys.unmarshal(priv), type::toString);
      }
    }
  }

  @Nested
  @DisplayName("Ed25519 key bytes")
  class Ed25519 {
    @Test
    void publicKeysOfAnyLengthButThirtyTwoAreRejected() {
      rejectsPublic(Protobufs.envelope(1, Arrays.copyOf(ED25519_KEY, 31)), "32 bytes, was 31");
      rejectsPublic(Protobufs.envelope(1, Arrays.copyOf(ED25519_KEY, 33)), "32 bytes, was 33");
      rejectsPublic(Protobufs.envelope(1, new byte[0]), "32 bytes, was 0");
    }

    @Test
    void aYCoordinateOutsideTheFieldIsRejected() {
      byte[] y = new byte[32];
      Arrays.fill(y, (byte) 0xFF);
      y[31] = 0x7F; // y = 2^255 - 1 > p = 2^255 - 19, sign bit clear
      rejectsPublic(Protobufs.envelope(1, y), "not a point on the curve");
    }

    @Test
    void privateKeysOfTheWrongLengthAreRejected() {
      rejectsPrivate(Protobufs.envelope(1, new byte[32]), "64 bytes");
      rejectsPrivate(Protobufs.envelope(1, new byte[96]), "64 bytes");
    }

    @Test
    void aPrivateKeyWhosePublicHalfIsNotTheSeedsIsRejectedWithoutShowingTheSeed() {
      byte[] priv = vectorBytes(KeyType.ED25519, "private_key_protobuf_hex");
      priv[priv.length - 1] ^= 1;
      IllegalArgumentException e = rejectsPrivate(priv, "does not belong to the seed");
      String seedHex = Vectors.hex(Arrays.copyOfRange(priv, 4, 36));
      assertFalse(e.getMessage().toLowerCase().contains(seedHex.substring(0, 16)));
    }
  }

  @Nested
  @DisplayName("secp256k1 key bytes")
  class Secp256k1 {
    private final byte[] key = Arrays.copyOfRange(vectorBytes(KeyType.SECP256K1, "public_key_protobuf_hex"), 4, 37);

    @Test
    void onlyThirtyThreeByteCompressedPointsAreAccepted() {
      rejectsPublic(Protobufs.envelope(2, Arrays.copyOf(key, 32)), "33-byte compressed point");
      byte[] uncompressedPrefix = key.clone();
      uncompressedPrefix[0] = 0x04;
      rejectsPublic(Protobufs.envelope(2, uncompressedPrefix), "33-byte compressed point");
      rejectsPublic(Protobufs.envelope(2, new byte[65]), "33-byte compressed point");
    }

    @Test
    void anXCoordinateOutsideTheFieldIsRejected() {
      byte[] bad = new byte[33];
      Arrays.fill(bad, (byte) 0xFF);
      bad[0] = 0x02;
      rejectsPublic(Protobufs.envelope(2, bad), "secp256k1 public key");
    }

    @Test
    void privateScalarsOutsideOneToNMinusOneAreRejected() {
      BigInteger n = new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);
      rejectsPrivate(Protobufs.envelope(2, new byte[32]), "not in [1, n-1]");
      rejectsPrivate(Protobufs.envelope(2, Arrays.copyOfRange(n.toByteArray(), 1, 33)), "not in [1, n-1]");
      byte[] max = new byte[32];
      Arrays.fill(max, (byte) 0xFF);
      rejectsPrivate(Protobufs.envelope(2, max), "not in [1, n-1]");
      rejectsPrivate(Protobufs.envelope(2, new byte[31]), "32 bytes, was 31");
    }
  }

  @Nested
  @DisplayName("ECDSA P-256 key bytes")
  class EcdsaP256 {
    private final byte[] spki = Arrays.copyOfRange(vectorBytes(KeyType.ECDSA, "public_key_protobuf_hex"), 4, 95);
    private final byte[] sec1 = Arrays.copyOfRange(vectorBytes(KeyType.ECDSA, "private_key_protobuf_hex"), 4, 125);

    @Test
    void garbageAndTruncatedDerIsRejected() {
      rejectsPublic(Protobufs.envelope(3, Vectors.hex("3003020100")), "SubjectPublicKeyInfo");
      rejectsPublic(Protobufs.envelope(3, Arrays.copyOf(spki, 90)), "SubjectPublicKeyInfo");
      rejectsPrivate(Protobufs.envelope(3, Vectors.hex("3080020101")), "indefinite length");
      rejectsPrivate(Protobufs.envelope(3, Arrays.copyOf(sec1, 100)), "malformed ECDSA private key");
      rejectsPrivate(Protobufs.envelope(3, new byte[] {0x30}), "malformed ECDSA private key");
    }

    @Test
    void aPointOffTheCurveIsRejected() {
      byte[] bad = spki.clone();
      bad[bad.length - 1] ^= 1;
      rejectsPublic(Protobufs.envelope(3, bad), "P-256 public key");
    }

    @Test
    void anotherCurveIsRejected() {
      byte[] p384 = spki.clone();
      // prime256v1 ...03 01 07 -> secp384r1 would be a different, longer OID: any change is refused.
      p384[24] = 0x08;
      rejectsPublic(Protobufs.envelope(3, p384), "P-256");
      byte[] priv = sec1.clone();
      priv[48] = 0x08; // last byte of the curve OID in [0]
      rejectsPrivate(Protobufs.envelope(3, priv), "not P-256");
    }

    @Test
    void aPrivateKeyWithTheWrongEmbeddedPublicKeyIsRejected() {
      byte[] priv = sec1.clone();
      priv[priv.length - 1] ^= 1;
      rejectsPrivate(Protobufs.envelope(3, priv), "does not belong to the scalar");
    }

    @Test
    void aPrivateKeyWithAZeroScalarOrAnotherVersionIsRejected() {
      byte[] zero = sec1.clone();
      Arrays.fill(zero, 7, 39, (byte) 0);
      rejectsPrivate(Protobufs.envelope(3, zero), "not in [1, n-1]");
      byte[] version2 = sec1.clone();
      version2[4] = 2;
      rejectsPrivate(Protobufs.envelope(3, version2), "version must be 1");
    }

    @Test
    void berFormsOfTheVectorKeyAreRejected() {
      assertEquals(0x77, sec1[1]);
      byte[] body = Arrays.copyOfRange(sec1, 2, sec1.length);
      rejectsPrivate(Protobufs.envelope(3, concat(new byte[] {0x30, (byte) 0x81, 0x77}, body)),
          "length 119 is encoded in 2 bytes, DER uses 1");
      rejectsPrivate(Protobufs.envelope(3, concat(new byte[] {0x30, (byte) 0x80}, body, new byte[2])),
          "indefinite length (BER) is not DER");
      rejectsPrivate(Protobufs.envelope(3, concat(sec1, new byte[] {0x05, 0x00})), "2 unexpected trailing bytes");
      // version 1 as 02 02 00 01
      byte[] leadingZero = concat(new byte[] {0x30, 0x78, 0x02, 0x02, 0x00, 0x01}, Arrays.copyOfRange(sec1, 5, sec1.length));
      rejectsPrivate(Protobufs.envelope(3, leadingZero), "malformed integer");
      byte[] octetsForInteger = sec1.clone();
      octetsForInteger[2] = 0x04;
      rejectsPrivate(Protobufs.envelope(3, octetsForInteger), "version is not an INTEGER");
    }

    @Test
    void aPrivateKeyWithoutItsPublicKeyIsNotCanonical() {
      // 30 31 02 01 01 04 20 <d> a0 0a <oid>: the optional [1] dropped.
      byte[] inner = Arrays.copyOfRange(sec1, 2, 2 + 3 + 34 + 12);
      byte[] shortForm = concat(new byte[] {0x30, (byte) inner.length}, inner);
      rejectsPrivate(Protobufs.envelope(3, shortForm), "canonical");
    }
  }

  @Nested
  @DisplayName("RSA key bytes")
  class Rsa {
    private byte[] spki(BigInteger n, BigInteger e) throws Exception {
      return new SubjectPublicKeyInfo(
              new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE), new RSAPublicKey(n, e))
          .getEncoded();
    }

    /** An odd number of exactly {@code bits} bits; decoding never tests primality, so this is a "modulus". */
    private BigInteger modulus(int bits) {
      return new BigInteger(bits, new Random(bits)).setBit(bits - 1).setBit(0);
    }

    @Test
    void a16384BitPublicKeyIsRejectedFastByItsEncodedLength() throws Exception {
      byte[] huge = Protobufs.envelope(0, spki(modulus(16384), BigInteger.valueOf(65537)));
      Executable decodeOften = () -> {
        for (int i = 0; i < 1000; i++) {
          rejectsPublic(huge, "more than 8192 bits");
        }
      };
      // A thousand rejections in well under the time of one 16384-bit modular exponentiation each.
      assertTimeoutPreemptively(Duration.ofSeconds(5), decodeOften);
    }

    @Test
    void moduliFrom2048To8192BitsAreAcceptedAndOthersRejected() throws Exception {
      BigInteger e = BigInteger.valueOf(65537);
      assertEquals(2048, publicKeyBits(spki(modulus(2048), e)));
      assertEquals(8192, publicKeyBits(spki(modulus(8192), e)));
      rejectsPublic(Protobufs.envelope(0, spki(modulus(2047), e)), "below the minimum of 2048");
      rejectsPublic(Protobufs.envelope(0, spki(modulus(8193), e)), "more than 8192 bits");
      rejectsPublic(Protobufs.envelope(0, spki(modulus(1024), e)), "below the minimum of 2048");
    }

    private int publicKeyBits(byte[] spki) {
      PublicKey key = PublicKeys.unmarshal(Protobufs.envelope(0, spki));
      assertEquals(KeyType.RSA, key.type());
      assertEquals(Vectors.hex(spki), Vectors.hex(key.raw()));
      return modulusBits(spki);
    }

    private int modulusBits(byte[] spki) {
      return org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(
              SubjectPublicKeyInfo.getInstance(spki).getPublicKeyData().getBytes())
          .getModulus()
          .bitLength();
    }

    @Test
    void badExponentsAndEvenModuliAreRejected() throws Exception {
      rejectsPublic(Protobufs.envelope(0, spki(modulus(2048), BigInteger.ONE)), "exponent");
      rejectsPublic(Protobufs.envelope(0, spki(modulus(2048), BigInteger.valueOf(65536))), "exponent");
      rejectsPublic(Protobufs.envelope(0, spki(modulus(2048), BigInteger.ONE.shiftLeft(40).add(BigInteger.ONE))),
          "public exponent");
      rejectsPublic(Protobufs.envelope(0, spki(modulus(2048).clearBit(0), BigInteger.valueOf(3))), "even");
    }

    @Test
    void garbageDerIsRejected() {
      rejectsPublic(Protobufs.envelope(0, Vectors.hex("deadbeef")), "malformed RSA public key");
      rejectsPublic(Protobufs.envelope(0, Vectors.hex("3084ffffffff")), "malformed RSA public key");
      rejectsPublic(Protobufs.envelope(0, Vectors.hex("3082000130")), "malformed RSA public key");
      rejectsPrivate(Protobufs.envelope(0, Vectors.hex("300602010002017f")), "malformed RSA private key");
      byte[] spki = Arrays.copyOfRange(vectorBytes(KeyType.RSA, "public_key_protobuf_hex"), 5, 555);
      rejectsPublic(Protobufs.envelope(0, concat(spki, new byte[] {0})), "trailing bytes");
    }

    /** {@code depth} SEQUENCEs around a NULL, with minimal lengths. */
    private byte[] nested(int depth) {
      byte[] cur = {0x05, 0x00};
      for (int i = 0; i < depth; i++) {
        int n = cur.length;
        byte[] header = n < 0x80 ? new byte[] {0x30, (byte) n}
            : n < 0x100 ? new byte[] {0x30, (byte) 0x81, (byte) n}
            : new byte[] {0x30, (byte) 0x82, (byte) (n >>> 8), (byte) n};
        cur = concat(header, cur);
      }
      return cur;
    }

    @Test
    void deeplyNestedDerIsRejectedFastWithoutRecursingIntoIt() {
      // Bouncycastle's own parser would recurse once per level; StrictDer stops at eight.
      byte[] privateData = nested(2000);
      byte[] publicData = nested(1000);
      assertTrue(privateData.length < 8192 - 8 && publicData.length < 4096 - 8);
      assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
        for (int i = 0; i < 100; i++) {
          rejectsPrivate(Protobufs.envelope(0, privateData), "elements nest deeper than 8 levels");
          rejectsPublic(Protobufs.envelope(0, publicData), "elements nest deeper than 8 levels");
        }
      });
    }

    @Test
    void aModulusWithALeadingZeroByteIsRejected() throws Exception {
      byte[] good = spki(modulus(2048), BigInteger.valueOf(65537));
      // 30 82 01 22 | 30 0d .. 05 00 | 03 82 01 0f 00 | 30 82 01 0a | 02 82 01 01 00 <256 bytes> | 02 03 01 00 01
      BigInteger n = modulus(2048);
      byte[] modulus = concat(new byte[] {0x02, (byte) 0x82, 0x01, 0x02, 0x00}, n.toByteArray());
      byte[] pkcs1Body = concat(modulus, Vectors.hex("0203010001"));
      byte[] pkcs1 = concat(new byte[] {0x30, (byte) 0x82, 0x01, 0x0b}, pkcs1Body);
      byte[] bits = concat(new byte[] {0x03, (byte) 0x82, 0x01, 0x10, 0x00}, pkcs1);
      byte[] body = concat(Vectors.hex("300d06092a864886f70d0101010500"), bits);
      byte[] spki = concat(new byte[] {0x30, (byte) 0x82, 0x01, 0x23}, body);
      assertEquals(good.length + 1, spki.length);
      rejectsPublic(Protobufs.envelope(0, spki), "malformed integer");
    }

    @Test
    void inconsistentPrivateKeysAreRejected() throws Exception {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048, SignatureTest.seeded(3));
      RSAPrivateCrtKey k = (RSAPrivateCrtKey) g.generateKeyPair().getPrivate();
      BigInteger n = k.getModulus();
      BigInteger e = k.getPublicExponent();
      BigInteger d = k.getPrivateExponent();
      BigInteger p = k.getPrimeP();
      BigInteger q = k.getPrimeQ();
      BigInteger dp = k.getPrimeExponentP();
      BigInteger dq = k.getPrimeExponentQ();
      BigInteger qi = k.getCrtCoefficient();
      byte[] good = new RSAPrivateKey(n, e, d, p, q, dp, dq, qi).getEncoded();
      assertEquals(KeyType.RSA, PrivateKeys.unmarshal(Protobufs.envelope(0, good)).type());
      BigInteger two = BigInteger.TWO;
      rejectsPrivate(Protobufs.envelope(0, new RSAPrivateKey(n, e, d, p, q.add(two), dp, dq, qi).getEncoded()),
          "p·q is not the modulus");
      rejectsPrivate(Protobufs.envelope(0, new RSAPrivateKey(n, e, d, p, q, dp.add(two), dq, qi).getEncoded()),
          "inconsistent");
      rejectsPrivate(Protobufs.envelope(0, new RSAPrivateKey(n, e, d, p, q, dp, dq, qi.add(BigInteger.ONE)).getEncoded()),
          "inconsistent");
    }
  }
}
