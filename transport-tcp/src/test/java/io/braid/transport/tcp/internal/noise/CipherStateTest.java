package io.braid.transport.tcp.internal.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class CipherStateTest {
  private static final byte[] AD = new byte[0];

  private static CipherState[] pair() {
    byte[] key = new byte[32];
    for (int i = 0; i < 32; i++) {
      key[i] = (byte) i;
    }
    CipherState a = new CipherState();
    a.initializeKey(key);
    CipherState b = new CipherState();
    b.initializeKey(key);
    return new CipherState[] {a, b};
  }

  @Test
  void withoutAKeyEncryptionAndDecryptionPassBytesThroughUnchanged() throws AEADBadTagException {
    CipherState c = new CipherState();
    assertFalse(c.hasKey());
    byte[] data = "plain".getBytes(StandardCharsets.US_ASCII);
    assertArrayEquals(data, c.encryptWithAd(AD, data));
    assertArrayEquals(data, c.decryptWithAd(AD, data));
    assertEquals(0, c.nonce());
  }

  @Test
  void theArrayFormsMatchTheJdkAeadUnderTheNoiseNonceLayoutAtAnyOffset() throws Exception {
    // An independent reference: the JDK AEAD called directly, nonce = 32 zero bits || n little-endian.
    Cipher reference = Cipher.getInstance("ChaCha20-Poly1305");
    SecretKeySpec key = new SecretKeySpec(pair()[0].keyForTesting(), "ChaCha20");
    CipherState[] arrays = pair();
    byte[] ad = "ad".getBytes(StandardCharsets.US_ASCII);
    for (int message = 0; message < 3; message++) {
      byte[] plain = ("message " + message).getBytes(StandardCharsets.US_ASCII);
      byte[] nonce = new byte[12];
      nonce[4] = (byte) message;
      reference.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
      reference.updateAAD(ad);
      byte[] expected = reference.doFinal(plain);
      assertEquals(plain.length + CipherState.TAG_LENGTH, expected.length);

      byte[] in = new byte[plain.length + 5];
      System.arraycopy(plain, 0, in, 3, plain.length);
      byte[] out = new byte[expected.length + 9];
      assertEquals(expected.length, arrays[0].encrypt(ad, in, 3, plain.length, out, 4));
      assertArrayEquals(expected, Arrays.copyOfRange(out, 4, 4 + expected.length));

      byte[] back = new byte[plain.length + 2];
      assertEquals(plain.length, arrays[1].decrypt(ad, out, 4, expected.length, back, 2));
      assertArrayEquals(plain, Arrays.copyOfRange(back, 2, back.length));
    }
    assertEquals(3, arrays[0].nonce());
    assertEquals(3, arrays[1].nonce());
  }

  @Test
  void theByteArrayConveniencesGoThroughTheArrayPath() throws AEADBadTagException {
    CipherState[] viaArrays = pair();
    CipherState[] viaConvenience = pair();
    byte[] ad = "ad".getBytes(StandardCharsets.US_ASCII);
    byte[] plain = "same bytes".getBytes(StandardCharsets.US_ASCII);
    byte[] expected = new byte[plain.length + CipherState.TAG_LENGTH];
    viaArrays[0].encrypt(ad, plain, 0, plain.length, expected, 0);
    byte[] ciphertext = viaConvenience[0].encryptWithAd(ad, plain);
    assertArrayEquals(expected, ciphertext);
    assertArrayEquals(plain, viaConvenience[1].decryptWithAd(ad, ciphertext));
    assertEquals(1, viaConvenience[0].nonce());
    assertEquals(1, viaConvenience[1].nonce());
  }

  @Test
  void theArrayDecryptionRejectsATamperedTagWithoutAdvancingTheNonceAndThenRecovers() throws AEADBadTagException {
    CipherState[] p = pair();
    byte[] plain = {1, 2, 3};
    byte[] ct = new byte[plain.length + CipherState.TAG_LENGTH];
    p[0].encrypt(AD, plain, 0, plain.length, ct, 0);
    byte[] tampered = ct.clone();
    tampered[tampered.length - 1] ^= 1;
    byte[] out = new byte[plain.length];
    assertThrows(AEADBadTagException.class, () -> p[1].decrypt(AD, tampered, 0, tampered.length, out, 0));
    assertThrows(AEADBadTagException.class, () -> p[1].decrypt(AD, ct, 0, CipherState.TAG_LENGTH - 1, out, 0));
    assertEquals(0, p[1].nonce());
    assertEquals(plain.length, p[1].decrypt(AD, ct, 0, ct.length, out, 0));
    assertArrayEquals(plain, out);
  }

  @Test
  void eachMessageAdvancesTheNonceAndDecryptsOnlyInOrder() throws AEADBadTagException {
    CipherState[] p = pair();
    byte[] first = p[0].encryptWithAd(AD, new byte[] {1});
    byte[] second = p[0].encryptWithAd(AD, new byte[] {1});
    assertEquals(2, p[0].nonce());
    assertFalse(java.util.Arrays.equals(first, second), "same plaintext under a new nonce must differ");
    assertThrows(AEADBadTagException.class, () -> p[1].decryptWithAd(AD, second));
    assertEquals(0, p[1].nonce(), "a failed decryption must not advance the nonce");
    assertArrayEquals(new byte[] {1}, p[1].decryptWithAd(AD, first));
    assertArrayEquals(new byte[] {1}, p[1].decryptWithAd(AD, second));
  }

  @Test
  void theNonceBytesAreLittleEndianAfterFourZeroBytes() throws AEADBadTagException {
    CipherState[] p = pair();
    p[0].setNonce(0x0102030405060708L);
    p[1].setNonce(0x0102030405060708L);
    byte[] c = p[0].encryptWithAd(AD, new byte[] {42});
    assertArrayEquals(new byte[] {42}, p[1].decryptWithAd(AD, c));
    // The same nonce with the bytes in big-endian order is a different nonce: decryption must fail.
    CipherState swapped = pair()[1];
    swapped.setNonce(0x0807060504030201L);
    assertThrows(AEADBadTagException.class, () -> swapped.decryptWithAd(AD, c));
  }

  @Test
  void theReservedNonceTwoToTheSixtyFourMinusOneIsNeverUsed() throws AEADBadTagException {
    CipherState[] p = pair();
    p[0].setNonce(-2L); // 2^64-2, the last usable nonce
    p[1].setNonce(-2L);
    byte[] last = p[0].encryptWithAd(AD, new byte[] {7});
    assertArrayEquals(new byte[] {7}, p[1].decryptWithAd(AD, last));
    assertEquals(CipherState.RESERVED_NONCE, p[0].nonce());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> p[0].encryptWithAd(AD, new byte[] {7}));
    assertTrue(e.getMessage().contains("exhausted"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> p[1].decryptWithAd(AD, last));
  }

  @Test
  void aCiphertextShorterThanTheTagFailsAuthentication() {
    CipherState[] p = pair();
    assertThrows(AEADBadTagException.class, () -> p[1].decryptWithAd(AD, new byte[15]));
  }

  @Test
  void associatedDataIsAuthenticated() {
    CipherState[] p = pair();
    byte[] c = p[0].encryptWithAd(new byte[] {1}, new byte[] {9});
    assertThrows(AEADBadTagException.class, () -> p[1].decryptWithAd(new byte[] {2}, c));
  }

  @Test
  void anOutputArrayTooSmallFailsWithoutAdvancingTheNonceAndTheNextCallWorks() throws AEADBadTagException {
    CipherState[] p = pair();
    byte[] plain = {1, 2, 3};
    assertThrows(IllegalArgumentException.class,
        () -> p[0].encrypt(AD, plain, 0, plain.length, new byte[plain.length + CipherState.TAG_LENGTH - 1], 0));
    assertEquals(0, p[0].nonce());
    byte[] ct = new byte[plain.length + CipherState.TAG_LENGTH];
    p[0].encrypt(AD, plain, 0, plain.length, ct, 0);
    assertThrows(IllegalArgumentException.class, () -> p[1].decrypt(AD, ct, 0, ct.length, new byte[plain.length - 1], 0));
    assertEquals(0, p[1].nonce());
    assertArrayEquals(plain, p[1].decryptWithAd(AD, ct));
  }

  @Test
  void keysMustBeThirtyTwoBytes() {
    assertThrows(IllegalArgumentException.class, () -> new CipherState().initializeKey(new byte[31]));
  }

  @Test
  void encryptingSegmentsGivesTheCiphertextOfTheirConcatenation() throws Exception {
    byte[] key = new byte[32];
    key[0] = 7;
    CipherState joined = new CipherState();
    joined.initializeKey(key);
    CipherState parts = new CipherState();
    parts.initializeKey(key);
    byte[] message = new byte[1000];
    new java.util.Random(5).nextBytes(message);
    byte[] expected = new byte[1016];
    joined.encrypt(null, message, 0, 1000, expected, 0);
    byte[] actual = new byte[1016];
    byte[][] ins = {message, message, message};
    int n = parts.encrypt(ins, new int[] {0, 12, 500}, new int[] {12, 488, 500}, 3, actual, 0);
    org.junit.jupiter.api.Assertions.assertEquals(1016, n);
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual);
    org.junit.jupiter.api.Assertions.assertEquals(1, parts.nonce(), "the nonce advances once per message");
  }
}
