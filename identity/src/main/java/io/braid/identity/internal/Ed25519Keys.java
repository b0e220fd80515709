package io.braid.identity.internal;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * Ed25519 keys as libp2p encodes them: public {@code Data} = the 32-byte key, private {@code Data} =
 * 32-byte seed || 32-byte public key. Signatures are plain 64-byte Ed25519 signatures of the message.
 *
 * <p>Signing and verifying use the JDK's Ed25519; bouncycastle only derives the public key from a seed,
 * which the JDK 17 API cannot do.
 */
public final class Ed25519Keys {
  private static final HexFormat HEX = HexFormat.of();
  // DER prefixes that wrap a raw key into SubjectPublicKeyInfo / PKCS#8 (RFC 8410) for the JDK.
  private static final byte[] SPKI_PREFIX = HEX.parseHex("302a300506032b6570032100");
  private static final byte[] PKCS8_PREFIX = HEX.parseHex("302e020100300506032b657004220420");
  private static final int KEY_BYTES = 32;
  private static final int SIGNATURE_BYTES = 64;

  private Ed25519Keys() {}

  /** @throws IllegalArgumentException unless {@code data} is 32 bytes the JDK accepts as a key */
  public static Verifier decodePublic(byte[] data) {
    if (data.length != KEY_BYTES) {
      throw new IllegalArgumentException("Ed25519 public key must be 32 bytes, was " + data.length);
    }
    PublicKey key;
    try {
      key = Jca.keyFactory("Ed25519").generatePublic(new X509EncodedKeySpec(concat(SPKI_PREFIX, data)));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("invalid Ed25519 public key: " + e.getMessage(), e);
    }
    return new Public(data.clone(), key);
  }

  /**
   * @throws IllegalArgumentException unless {@code data} is 64 bytes whose second half is the public key
   *     of the seed in the first half
   */
  public static Signer decodePrivate(byte[] data) {
    if (data.length != 2 * KEY_BYTES) {
      throw new IllegalArgumentException(
          "Ed25519 private key must be 64 bytes (seed || public key), was " + data.length);
    }
    byte[] seed = Arrays.copyOf(data, KEY_BYTES);
    byte[] claimed = Arrays.copyOfRange(data, KEY_BYTES, 2 * KEY_BYTES);
    Signer signer = fromSeed(seed);
    if (!MessageDigest.isEqual(claimed, signer.publicKey().data())) {
      throw new IllegalArgumentException("Ed25519 private key: the public half does not belong to the seed");
    }
    return signer;
  }

  public static Signer generate(SecureRandom random) {
    byte[] seed = new byte[KEY_BYTES];
    random.nextBytes(seed);
    return fromSeed(seed);
  }

  private static Signer fromSeed(byte[] seed) {
    byte[] pub = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
    PrivateKey key;
    try {
      key = Jca.keyFactory("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(concat(PKCS8_PREFIX, seed)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK rejected a 32-byte Ed25519 seed", e);
    }
    return new Private(seed, key, decodePublic(pub));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static final class Public implements Verifier {
    private final byte[] data;
    private final PublicKey key;

    Public(byte[] data, PublicKey key) {
      this.data = data;
      this.key = key;
    }

    @Override
    public int type() {
      return KeyEnvelope.ED25519;
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public boolean verify(byte[] message, byte[] signature) {
      if (signature.length != SIGNATURE_BYTES) {
        return false;
      }
      return Jca.verify("Ed25519", key, message, signature);
    }
  }

  private static final class Private implements Signer {
    private final byte[] seed;
    private final PrivateKey key;
    private final Verifier publicKey;

    Private(byte[] seed, PrivateKey key, Verifier publicKey) {
      this.seed = seed;
      this.key = key;
      this.publicKey = publicKey;
    }

    @Override
    public int type() {
      return KeyEnvelope.ED25519;
    }

    @Override
    public byte[] data() {
      return concat(seed, publicKey.data());
    }

    @Override
    public Verifier publicKey() {
      return publicKey;
    }

    @Override
    public byte[] sign(byte[] message) {
      return Jca.sign("Ed25519", key, message);
    }
  }
}
