package io.braid.transport.tcp.internal.noise;

import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Noise {@code CipherState} (rev 34 section 5.1) with the ChaChaPoly cipher functions: a key {@code k}
 * (or none) and a 64-bit nonce {@code n}. The AEAD is the JDK's {@code ChaCha20-Poly1305}; the 96-bit
 * nonce is 32 zero bits followed by {@code n} little-endian (section 12.3).
 *
 * <p>{@code n} counts as an unsigned 64-bit number. The value 2<sup>64</sup>-1 is reserved (section
 * 5.1), so after 2<sup>64</sup>-1 messages every further call fails with {@link IllegalStateException}.
 * A failed decryption does not advance the nonce.
 *
 * <p>Not thread-safe: one owner at a time (a Netty handler on its event loop).
 */
final class CipherState {
  static final int KEY_LENGTH = 32;
  static final int TAG_LENGTH = 16;
  /** 2^64-1 as an unsigned long: reserved, never used as a nonce. */
  static final long RESERVED_NONCE = -1L;

  private static final byte[] EMPTY = new byte[0];

  private final Cipher cipher;
  private final byte[] nonceBytes = new byte[12];
  private SecretKeySpec key;
  private byte[] rawKey;
  private long n;
  /** Set after a failed operation, which leaves the JDK cipher initialised with the current key and nonce. */
  private boolean mustReinitialize;

  CipherState() {
    try {
      cipher = Cipher.getInstance("ChaCha20-Poly1305");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no ChaCha20-Poly1305 cipher", e);
    }
  }

  /** InitializeKey(k): sets the key ({@code null} for none) and resets the nonce to zero. */
  void initializeKey(byte[] k) {
    if (k != null && k.length != KEY_LENGTH) {
      throw new IllegalArgumentException("ChaChaPoly key must be 32 bytes, was " + k.length);
    }
    rawKey = k == null ? null : k.clone();
    key = k == null ? null : new SecretKeySpec(rawKey, "ChaCha20");
    n = 0;
  }

  boolean hasKey() {
    return key != null;
  }

  /** The next nonce, as an unsigned 64-bit number. */
  long nonce() {
    return n;
  }

  /** SetNonce(n) from the specification; tests use it to reach the reserved nonce. */
  void setNonce(long nonce) {
    this.n = nonce;
  }

  /** The key, for tests comparing Split() output with vectors; {@code null} without a key. */
  byte[] keyForTesting() {
    return rawKey == null ? null : rawKey.clone();
  }

  /** EncryptWithAd: the plaintext itself (a copy) while there is no key. */
  byte[] encryptWithAd(byte[] ad, byte[] plaintext) {
    Objects.requireNonNull(plaintext, "plaintext");
    if (!hasKey()) {
      return plaintext.clone();
    }
    byte[] out = new byte[plaintext.length + TAG_LENGTH];
    encrypt(ad, plaintext, 0, plaintext.length, out, 0);
    return out;
  }

  /**
   * DecryptWithAd: the ciphertext itself (a copy) while there is no key.
   *
   * @throws AEADBadTagException if the ciphertext does not authenticate (also when shorter than a tag)
   */
  byte[] decryptWithAd(byte[] ad, byte[] ciphertext) throws AEADBadTagException {
    Objects.requireNonNull(ciphertext, "ciphertext");
    if (!hasKey()) {
      return ciphertext.clone();
    }
    byte[] out = new byte[Math.max(0, ciphertext.length - TAG_LENGTH)];
    decrypt(ad, ciphertext, 0, ciphertext.length, out, 0);
    return out;
  }

  /**
   * Encrypts {@code length} bytes of {@code in} from {@code inOffset} into {@code out} from {@code
   * outOffset} ({@code length + 16} bytes) and advances the nonce. Requires a key. Arrays only, on
   * purpose: the JDK's ChaCha20-Poly1305 is several times slower on direct ByteBuffers.
   *
   * @return the number of bytes written
   * @throws IllegalArgumentException if {@code out} has too little room; the nonce stays
   * @throws IllegalStateException without a key or with the nonce exhausted
   */
  int encrypt(byte[] ad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
    try {
      return doFinal(Cipher.ENCRYPT_MODE, ad, in, inOffset, length, out, outOffset);
    } catch (AEADBadTagException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e); // only decryption checks tags
    }
  }

  /**
   * Encrypts the concatenation of {@code count} array segments (segment {@code i} is {@code lengths[i]}
   * bytes of {@code ins[i]} from {@code offsets[i]}) as one message into {@code out} from {@code
   * outOffset}, and advances the nonce: the same ciphertext as {@link #encrypt} of the joined bytes,
   * without joining them first (a Yamux header and the caller's payload, for instance).
   *
   * @return the number of bytes written (total plaintext + 16)
   * @throws IllegalArgumentException if {@code out} has too little room; the nonce stays
   * @throws IllegalStateException without a key or with the nonce exhausted
   */
  int encrypt(byte[][] ins, int[] offsets, int[] lengths, int count, byte[] out, int outOffset) {
    if (count == 1) {
      return encrypt(null, ins[0], offsets[0], lengths[0], out, outOffset);
    }
    init(Cipher.ENCRYPT_MODE, null);
    try {
      int at = outOffset;
      for (int i = 0; i < count - 1; i++) {
        at += cipher.update(ins[i], offsets[i], lengths[i], out, at);
      }
      at += cipher.doFinal(ins[count - 1], offsets[count - 1], lengths[count - 1], out, at);
      n++;
      return at - outOffset;
    } catch (ShortBufferException e) {
      mustReinitialize = true;
      throw new IllegalArgumentException("output array too small for the ciphertext", e);
    } catch (GeneralSecurityException e) {
      mustReinitialize = true;
      throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e);
    }
  }

  /**
   * Decrypts {@code length} bytes of {@code in} from {@code inOffset} (ciphertext and tag) into {@code
   * out} from {@code outOffset} ({@code length - 16} bytes) and advances the nonce on success. Requires a
   * key.
   *
   * @return the number of plaintext bytes written
   * @throws AEADBadTagException if the ciphertext does not authenticate (also when shorter than a tag);
   *     the nonce stays
   * @throws IllegalArgumentException if {@code out} has too little room; the nonce stays
   * @throws IllegalStateException without a key or with the nonce exhausted
   */
  int decrypt(byte[] ad, byte[] in, int inOffset, int length, byte[] out, int outOffset) throws AEADBadTagException {
    if (length < TAG_LENGTH) {
      throw new AEADBadTagException("ciphertext of " + length + " bytes is shorter than the tag");
    }
    return doFinal(Cipher.DECRYPT_MODE, ad, in, inOffset, length, out, outOffset);
  }

  /** One AEAD operation under the current nonce, which advances only when it succeeds. */
  private int doFinal(int mode, byte[] ad, byte[] in, int inOffset, int length, byte[] out, int outOffset)
      throws AEADBadTagException {
    init(mode, ad);
    boolean encrypting = mode == Cipher.ENCRYPT_MODE;
    try {
      int written = cipher.doFinal(in, inOffset, length, out, outOffset);
      n++;
      return written;
    } catch (AEADBadTagException e) {
      mustReinitialize = true;
      throw e;
    } catch (ShortBufferException e) {
      mustReinitialize = true;
      throw new IllegalArgumentException(
          "output array too small for the " + (encrypting ? "ciphertext" : "plaintext"), e);
    } catch (GeneralSecurityException e) {
      mustReinitialize = true;
      throw new IllegalStateException("ChaCha20-Poly1305 " + (encrypting ? "encryption" : "decryption") + " failed", e);
    }
  }

  private void init(int mode, byte[] ad) {
    if (key == null) {
      throw new IllegalStateException("CipherState has no key");
    }
    if (n == RESERVED_NONCE) {
      throw new IllegalStateException("Noise nonce exhausted (2^64-1 messages): the session must end");
    }
    long v = n;
    for (int i = 4; i < 12; i++) {
      nonceBytes[i] = (byte) v;
      v >>>= 8;
    }
    try {
      if (mustReinitialize) {
        // The JDK refuses to initialise twice in a row with the same key and nonce, which retrying a nonce
        // after a failed decryption needs. A nonce Noise never uses (non-zero first byte) breaks the tie.
        byte[] unused = nonceBytes.clone();
        unused[0] = 1;
        cipher.init(mode, key, new IvParameterSpec(unused));
        mustReinitialize = false;
      }
      cipher.init(mode, key, new IvParameterSpec(nonceBytes));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 rejected its key or nonce", e);
    }
    if (ad != null && ad.length > 0) {
      cipher.updateAAD(ad);
    }
  }

  static byte[] empty() {
    return EMPTY;
  }
}
