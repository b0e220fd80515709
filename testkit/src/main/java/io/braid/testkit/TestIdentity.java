package io.braid.testkit;

import io.braid.api.HostIdentity;
import io.braid.api.PeerId;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.Random;

/**
 * A {@link HostIdentity} for tests that never need a signature: its public key is the libp2p protobuf
 * {@code PublicKey} of type Ed25519 with 32 arbitrary bytes as key data, and its peer id is the identity
 * multihash of that encoding, so it looks exactly like a real Ed25519 peer id ({@code 12D3KooW…}).
 * The 32 bytes need not be a point on the curve: nothing checks them unless a transport runs a real
 * security handshake, and such a transport needs a real identity anyway (see {@link #sign}).
 *
 * <p>Immutable and thread-safe; equal by key bytes.
 */
public final class TestIdentity implements HostIdentity {
  /** Length of the Ed25519 key data. */
  public static final int KEY_BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();
  /** libp2p crypto.proto: {@code KeyType Ed25519 = 1}. */
  private static final int ED25519 = 1;

  private final byte[] keyData;
  private final byte[] publicKey;
  private final PeerId peerId;

  private TestIdentity(byte[] keyData) {
    this.keyData = keyData;
    this.publicKey = encodePublicKey(keyData);
    byte[] multihash = new byte[2 + publicKey.length];
    multihash[0] = 0x00; // identity multihash: the encoded key (36 bytes) is at most 42 bytes
    multihash[1] = (byte) publicKey.length;
    System.arraycopy(publicKey, 0, multihash, 2, publicKey.length);
    this.peerId = PeerId.fromBytes(multihash);
  }

  /** A fresh identity with 32 bytes from a {@link SecureRandom}. */
  public static TestIdentity random() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return new TestIdentity(key);
  }

  /**
   * The identity for {@code seed}: the same seed gives the same peer id in every run and on every JVM
   * ({@link Random}'s algorithm is specified), different seeds give different ones.
   */
  public static TestIdentity fromSeed(long seed) {
    byte[] key = new byte[KEY_BYTES];
    new Random(seed).nextBytes(key);
    return new TestIdentity(key);
  }

  /**
   * The identity with exactly these key bytes.
   *
   * @throws IllegalArgumentException unless {@code keyData} has {@value #KEY_BYTES} bytes
   */
  public static TestIdentity fromKeyData(byte[] keyData) {
    Objects.requireNonNull(keyData, "keyData");
    if (keyData.length != KEY_BYTES) {
      throw new IllegalArgumentException("Ed25519 key data must be " + KEY_BYTES + " bytes, was "
          + keyData.length);
    }
    return new TestIdentity(keyData.clone());
  }

  @Override
  public PeerId peerId() {
    return peerId;
  }

  /** The protobuf {@code PublicKey}: {@code 08 01 12 20} followed by the 32 key bytes; a fresh copy. */
  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The 32 raw key bytes; a fresh copy. */
  public byte[] keyData() {
    return keyData.clone();
  }

  /**
   * Always throws: a test identity has no private key.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public byte[] sign(byte[] data) {
    throw new UnsupportedOperationException("TestIdentity " + peerId + " cannot sign: it has no private key."
        + " A transport with a real security handshake (Noise) needs a real identity; such a transport's"
        + " TransportContract subclass overrides newIdentity()");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TestIdentity t && Arrays.equals(t.keyData, keyData);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(keyData);
  }

  @Override
  public String toString() {
    return "TestIdentity[" + peerId + "]";
  }

  private static byte[] encodePublicKey(byte[] key) {
    byte[] out = new byte[4 + key.length];
    out[0] = 0x08; // field 1 (Type), varint
    out[1] = ED25519;
    out[2] = 0x12; // field 2 (Data), length-delimited
    out[3] = (byte) key.length;
    System.arraycopy(key, 0, out, 4, key.length);
    return out;
  }
}
