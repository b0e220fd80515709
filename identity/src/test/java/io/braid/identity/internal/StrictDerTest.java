package io.braid.identity.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("StrictDer accepts DER and nothing else, with a clear IllegalArgumentException")
class StrictDerTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] hex(String s) {
    return HEX.parseHex(s.replace(" ", ""));
  }

  private static IllegalArgumentException rejects(String hex, String messagePart) {
    return rejects(hex(hex), messagePart);
  }

  private static IllegalArgumentException rejects(byte[] bytes, String messagePart) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> StrictDer.decode(bytes, "test structure"),
            () -> "accepted " + HEX.formatHex(bytes));
    assertTrue(e.getMessage().startsWith("malformed test structure: "), e::getMessage);
    assertTrue(e.getMessage().contains(messagePart), () -> "message '" + e.getMessage() + "' lacks '" + messagePart + "'");
    return e;
  }

  /** {@code inner} wrapped {@code depth} times in a constructed {@code tag}, with minimal lengths. */
  private static byte[] nest(int tag, int depth, byte[] inner) {
    byte[] cur = inner;
    for (int i = 0; i < depth; i++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(tag);
      int n = cur.length;
      if (n >= 0x100) {
        out.write(0x82);
        out.write(n >>> 8);
      } else if (n >= 0x80) {
        out.write(0x81);
      }
      out.write(n);
      out.writeBytes(cur);
      cur = out.toByteArray();
    }
    return cur;
  }

  @Nested
  @DisplayName("what it accepts")
  class Accepts {
    @Test
    void aDerSequenceDecodesToBouncycastlesValueAndEncodesBackToTheSameBytes() {
      byte[] der = hex("3009 020101 0204 00ff0000");
      ASN1Primitive p = StrictDer.decode(der, "test structure");
      assertEquals(new DERSequence(new ASN1Integer[] {new ASN1Integer(1), new ASN1Integer(0xff0000)}), p);
      assertArrayEquals(der, StrictDer.encode(p));
    }

    @Test
    void fieldsAreReadInOrderWithTheirTypesChecked() {
      // SEQUENCE { INTEGER 5, OCTET STRING 0102, [0] { OID 1.2.840.10045.3.1.7 }, [1] { BIT STRING 04 } }
      byte[] der = hex("3019 020105 04020102 a00a06082a8648ce3d030107 a1040302 0004");
      StrictDer.Fields f = StrictDer.Fields.of(der, "test structure");
      assertEquals(BigInteger.valueOf(5), f.unsignedInteger(8, "version"));
      assertArrayEquals(hex("0102"), f.octetString("key"));
      assertTrue(f.nextIsTagged(0));
      assertEquals("1.2.840.10045.3.1.7", f.explicit(0, "curve").toString());
      assertTrue(f.nextIsTagged(1));
      assertArrayEquals(hex("04"), f.bitStringBytes(f.explicit(1, "point"), "point"));
      f.expectEnd();
      assertTrue(f.atEnd());
    }

    @Test
    void lengthsOfEveryFormAreAcceptedWhenMinimal() {
      for (int n : new int[] {0, 1, 127, 128, 255, 256, 4000}) {
        byte[] der = StrictDer.encode(new org.bouncycastle.asn1.DEROctetString(new byte[n]));
        assertArrayEquals(der, StrictDer.encode(StrictDer.decode(der, "test structure")), () -> "length " + n);
      }
    }

    @Test
    void eightLevelsOfNestingAreAccepted() {
      StrictDer.decode(nest(0x30, StrictDer.MAX_DEPTH, hex("0500")), "test structure");
    }
  }

  @Nested
  @DisplayName("what it rejects")
  class Rejects {
    @Test
    void berIndefiniteLengthsAtAnyDepth() {
      rejects("3080 020101 0000", "indefinite length (BER) is not DER");
      rejects("3080 020101", "indefinite length");
      rejects("3007 3080 020101 0000", "indefinite length");
      rejects("3007 a080 020101 0000", "indefinite length");
      rejects("2480 040100 0000", "indefinite length");
    }

    @Test
    void nonMinimalLengthEncodings() {
      rejects("3081 03 020101", "length 3 is encoded in 2 bytes, DER uses 1");
      rejects("3082 0003 020101", "length 3 is encoded in 3 bytes, DER uses 1");
      rejects("3084 00000003 020101", "length 3 is encoded in 5 bytes, DER uses 1");
      rejects("3004 028101 01", "length 1 is encoded in 2 bytes, DER uses 1");
      byte[] long200 = StrictDer.encode(new org.bouncycastle.asn1.DEROctetString(new byte[200]));
      byte[] padded = new byte[long200.length + 1];
      padded[0] = 0x04;
      padded[1] = (byte) 0x82;
      padded[2] = 0x00;
      System.arraycopy(long200, 2, padded, 3, long200.length - 2);
      rejects(padded, "length 200 is encoded in 3 bytes, DER uses 2");
    }

    @Test
    void trailingBytesAfterTheElement() {
      rejects("3003 020101 00", "1 unexpected trailing bytes");
      rejects("3003 020101 3000", "2 unexpected trailing bytes");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
        StrictDer.Fields f = StrictDer.Fields.of(hex("3006 020101 020102"), "test structure");
        f.unsignedInteger(8, "first");
        f.expectEnd();
      });
      assertEquals("malformed test structure: 1 unexpected trailing fields", e.getMessage());
    }

    @Test
    void aWrongTagOrType() {
      IllegalArgumentException set = assertThrows(IllegalArgumentException.class,
          () -> StrictDer.Fields.of(hex("3103 020101"), "test structure"));
      assertTrue(set.getMessage().contains("expected a SEQUENCE but found DERSet"), set::getMessage);
      StrictDer.Fields f = StrictDer.Fields.of(hex("3006 040101 020101"), "test structure");
      IllegalArgumentException octets = assertThrows(IllegalArgumentException.class, () -> f.unsignedInteger(8, "version"));
      assertEquals("malformed test structure: version is not an INTEGER but DEROctetString", octets.getMessage());
      IllegalArgumentException notTagged = assertThrows(IllegalArgumentException.class, () -> f.explicit(0, "curve"));
      assertTrue(notTagged.getMessage().contains("curve [0] is missing"), notTagged::getMessage);
      IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> {
        f.next("second");
        f.next("third");
      });
      assertTrue(missing.getMessage().contains("third is missing"), missing::getMessage);
      rejects("1f8100 00", "unknown tag");
    }

    @Test
    void everyTruncationOfAValidEncoding() {
      byte[] der = hex("3019 020105 04020102 a00a06082a8648ce3d030107 a1040302 0004");
      StrictDer.decode(der, "test structure");
      for (int n = 0; n < der.length; n++) {
        rejects(Arrays.copyOf(der, n), "");
      }
      rejects("", "the input is empty");
      rejects("30", "truncated: EOF found when length expected");
      rejects("3019 020105", "truncated: the element declares 25 bytes but 3 remain");
      rejects("3081ff 020105", "invalid length: corrupted stream - out of bounds length found: 255 >= 6");
      rejects("3003 0201", "truncated: the element declares 3 bytes but 2 remain");
      rejects("3003 020201", "truncated: the element declares 2 bytes but 1 remain");
    }

    @Test
    void hugeDeclaredLengthsFailFastWithoutAllocating() {
      assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
        for (int i = 0; i < 10_000; i++) {
          rejects("3084 7fffffff 00", "out of bounds length found: 2147483647");
          rejects("3084 ffffffff", "more than 31 bits");
          rejects("0483 ffffff 0102", "out of bounds length");
          rejects("3085 0000000001 00", "length");
          // Inside a structure the bound is the enclosing element, not the input.
          rejects("3007 0484 00010000 00", "invalid length");
        }
      });
    }

    @Test
    void integersThatAreNotMinimal() {
      rejects("3004 02020001", "malformed integer");
      rejects("3004 0202ff80", "malformed integer");
      rejects("3002 0200", "malformed integer");
    }

    @Test
    void integersThatAreNotMinimalEvenWhenBouncycastleIsToldToAllowThem() {
      Properties.setThreadOverride("org.bouncycastle.asn1.allow_unsafe_integer", true);
      try {
        StrictDer.Fields f = StrictDer.Fields.of(hex("3004 02020001"), "test structure");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.unsignedInteger(16, "n"));
        assertEquals("malformed test structure: n is not minimally encoded", e.getMessage());
      } finally {
        Properties.removeThreadOverride("org.bouncycastle.asn1.allow_unsafe_integer");
      }
    }

    @Test
    void negativeAndOversizedIntegers() {
      StrictDer.Fields f = StrictDer.Fields.of(hex("3007 0201ff 0202 0100"), "test structure");
      assertThrows(IllegalArgumentException.class, () -> f.unsignedInteger(8, "a"), "negative");
      IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> f.unsignedInteger(8, "b"));
      assertEquals("malformed test structure: b has 9 bits; more than 8 bits are not accepted", big.getMessage());
    }

    @Test
    void otherBerFreedoms() {
      rejects("2403 040100", "constructed universal tag 4 (a BER string form) is not DER");
      rejects("3106 020102 020101", "not DER: the DER encoding of the same value differs at byte 4");
      rejects("3003 030107", "invalid pad bits");
      rejects("0302 0701", "not DER");
      rejects("3003 010101", "not DER");
      StrictDer.Fields padded = StrictDer.Fields.of(hex("3004 03020780"), "test structure");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> padded.bitStringBytes("point"));
      assertEquals("malformed test structure: point has 7 unused bits", e.getMessage());
    }

    @Test
    void emptyInputAndEndOfContentsMarkers() {
      rejects("", "the input is empty");
      rejects("0000", "unexpected end-of-contents marker");
      rejects("3002 0000", "unexpected end-of-contents marker");
    }

    @Test
    void nestingBeyondEightLevels() {
      rejects(nest(0x30, StrictDer.MAX_DEPTH + 1, hex("0500")), "elements nest deeper than 8 levels");
      rejects(nest(0x31, 20, hex("0500")), "nest deeper");
      rejects(nest(0xa0, 20, hex("0500")), "nest deeper");
    }

    @Test
    void deepNestingInAFewKilobytesFailsOnASmallStackWithoutStackOverflow() throws Exception {
      // About 1,900 levels in under 8 KiB, the private key envelope's cap: bouncycastle's own recursive
      // parse overflows a 256 KiB stack at a few hundred.
      byte[] deep = nest(0x30, 1900, hex("0500"));
      assertTrue(deep.length < 8192, () -> deep.length + " bytes");
      CompletableFuture<Throwable> outcome = new CompletableFuture<>();
      Thread t = new Thread(null, () -> {
        try {
          StrictDer.decode(deep, "test structure");
          outcome.complete(null);
        } catch (Throwable e) {
          outcome.complete(e);
        }
      }, "small-stack", 256 << 10);
      t.start();
      Throwable e = outcome.get(5, TimeUnit.SECONDS);
      assertTrue(e instanceof IllegalArgumentException && e.getMessage().contains("nest deeper than 8"), String.valueOf(e));
    }
  }
}
