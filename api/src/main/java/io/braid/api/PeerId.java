package io.braid.api;

import io.braid.api.internal.BaseX;
import io.braid.api.internal.Multihash;
import io.braid.api.internal.PeerIds;
import java.util.Arrays;
import java.util.Objects;

/**
 * A libp2p peer id: the multihash of a node's public key (the identity multihash when the encoded key is
 * at most 42 bytes, sha2-256 otherwise), per libp2p/specs peer-ids.
 *
 * <p>Immutable, thread-safe, equal by content. Text forms: base58btc of the multihash
 * ({@code Qm…}, {@code 12D3Koo…}, {@code 16Uiu2…}), the canonical one printed by {@link #toString()};
 * and CIDv1 with the {@code libp2p-key} codec in base32 ({@code bafz…}), from {@link #toCid()}.
 *
 * <p>Every factory rejects malformed input with an {@link IllegalArgumentException} whose message says
 * what is wrong; text longer than a few hundred characters is rejected before it is decoded.
 */
public final class PeerId implements Comparable<PeerId> {
  private final byte[] multihash;
  private int hash;
  /** {@link #toBase58()}, computed once (base58 is quadratic in the length, and scopes key on it per stream). */
  private volatile String base58;

  private PeerId(byte[] multihash) {
    this.multihash = multihash;
  }

  /**
   * Parses a peer id from its multihash bytes (copied).
   *
   * @throws IllegalArgumentException unless the bytes are one identity multihash with a non-empty key or
   *     one sha2-256 multihash with a 32-byte digest
   * @throws NullPointerException if {@code multihash} is null
   */
  public static PeerId fromBytes(byte[] multihash) {
    byte[] copy = multihash.clone();
    PeerIds.validate(copy);
    return new PeerId(copy);
  }

  /**
   * Parses a peer id from text: bare base58btc when it starts with {@code Qm} or {@code 1}
   * ({@code Qm…}, {@code 12D3Koo…}), otherwise a CIDv1 with the {@code libp2p-key} codec in a multibase
   * (base32 {@code bafz…}, base36 {@code k51…}, base58btc {@code z…}, base16, base64 and their variants).
   *
   * @throws IllegalArgumentException saying what is wrong, for any other text
   * @throws NullPointerException if {@code text} is null
   */
  public static PeerId fromString(String text) {
    Objects.requireNonNull(text, "text");
    return new PeerId(PeerIds.parse(text));
  }

  /** The multihash bytes; a fresh copy. */
  public byte[] toBytes() {
    return multihash.clone();
  }

  /** The bare base58btc form, as libp2p prints peer ids. */
  public String toBase58() {
    String b = base58;
    if (b == null) {
      b = BaseX.BASE58BTC.encode(multihash);
      base58 = b;
    }
    return b;
  }

  /** The CIDv1 form: multibase base32 of {@code <0x01><0x72><multihash>}, starting {@code bafz}. */
  public String toCid() {
    return PeerIds.toCid(multihash);
  }

  /**
   * The public key in libp2p protobuf encoding when it is inlined (identity multihash), else null.
   * A fresh copy.
   */
  public byte[] inlinedPublicKey() {
    if ((multihash[0] & 0xFF) != Multihash.IDENTITY) {
      return null;
    }
    return Arrays.copyOfRange(multihash, PeerIds.digestOffset(multihash), multihash.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PeerId p && Arrays.equals(p.multihash, multihash);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Arrays.hashCode(multihash);
      hash = h;
    }
    return h;
  }

  /** Orders by the multihash bytes, unsigned, lexicographically: a total order every node agrees on. */
  @Override
  public int compareTo(PeerId other) {
    return Arrays.compareUnsigned(multihash, other.multihash);
  }

  /** The base58btc form. */
  @Override
  public String toString() {
    return toBase58();
  }
}
