package io.braid.transport.tcp.internal.noise;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.AEADBadTagException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Noise {@code SymmetricState} (rev 34 section 5.2) with SHA-256: chaining key {@code ck}, handshake hash
 * {@code h} and a {@link CipherState}. HKDF is the section 4.3 construction over HMAC-SHA256. Not
 * thread-safe.
 */
final class SymmetricState {
  static final int HASH_LENGTH = 32;

  private final CipherState cipher = new CipherState();
  private final MessageDigest sha256;
  private byte[] ck;
  private byte[] h;

  /** InitializeSymmetric(protocol_name). */
  SymmetricState(String protocolName) {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
    byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
    if (name.length <= HASH_LENGTH) {
      h = new byte[HASH_LENGTH];
      System.arraycopy(name, 0, h, 0, name.length);
    } else {
      h = sha256.digest(name);
    }
    ck = h.clone();
    cipher.initializeKey(null);
  }

  void mixKey(byte[] inputKeyMaterial) {
    byte[][] out = hkdf(ck, inputKeyMaterial, 2);
    ck = out[0];
    // HASHLEN is 32, the cipher key length: no truncation needed.
    cipher.initializeKey(out[1]);
  }

  void mixHash(byte[] data) {
    sha256.update(h);
    sha256.update(data);
    h = sha256.digest();
  }

  boolean hasKey() {
    return cipher.hasKey();
  }

  byte[] encryptAndHash(byte[] plaintext) {
    byte[] ciphertext = cipher.encryptWithAd(h, plaintext);
    mixHash(ciphertext);
    return ciphertext;
  }

  byte[] decryptAndHash(byte[] ciphertext) throws AEADBadTagException {
    byte[] plaintext = cipher.decryptWithAd(h, ciphertext);
    mixHash(ciphertext);
    return plaintext;
  }

  /** Split(): the two transport CipherStates, initiator-to-responder first. */
  CipherState[] split() {
    byte[][] out = hkdf(ck, CipherState.empty(), 2);
    CipherState c1 = new CipherState();
    c1.initializeKey(out[0]);
    CipherState c2 = new CipherState();
    c2.initializeKey(out[1]);
    return new CipherState[] {c1, c2};
  }

  /** The handshake hash {@code h} (a copy). */
  byte[] handshakeHash() {
    return h.clone();
  }

  /** HKDF(chaining_key, input_key_material, num_outputs) of Noise rev 34 section 4.3, for 2 or 3 outputs. */
  static byte[][] hkdf(byte[] chainingKey, byte[] inputKeyMaterial, int outputs) {
    if (outputs != 2 && outputs != 3) {
      throw new IllegalArgumentException("HKDF produces 2 or 3 outputs, asked for " + outputs);
    }
    byte[] tempKey = hmac(chainingKey, inputKeyMaterial);
    byte[][] out = new byte[outputs][];
    byte[] previous = new byte[0];
    for (int i = 0; i < outputs; i++) {
      byte[] input = new byte[previous.length + 1];
      System.arraycopy(previous, 0, input, 0, previous.length);
      input[previous.length] = (byte) (i + 1);
      out[i] = hmac(tempKey, input);
      previous = out[i];
    }
    return out;
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no HmacSHA256", e);
    }
  }
}
