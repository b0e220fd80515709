package io.braid.identity;

/**
 * The libp2p key types, with the numbers of the {@code KeyType} enum in libp2p/specs peer-ids.md.
 * Every type can generate keys, sign, verify and (un)marshal.
 */
public enum KeyType {
  /** RSA, 2048 to 8192 bits; signatures RSASSA-PKCS1-v1_5 with SHA-256. */
  RSA(0),
  /** Ed25519, the default and recommended type; peer ids start {@code 12D3Koo}. */
  ED25519(1),
  /** ECDSA on secp256k1; signatures DER over SHA-256; peer ids start {@code 16Uiu2}. */
  SECP256K1(2),
  /** ECDSA on NIST P-256; signatures DER over SHA-256. */
  ECDSA(3);

  private final int number;

  KeyType(int number) {
    this.number = number;
  }

  /** The number in the protobuf {@code KeyType} enum. */
  public int number() {
    return number;
  }

  /**
   * The key type with protobuf number {@code number}.
   *
   * @throws IllegalArgumentException for a number libp2p does not define
   */
  public static KeyType fromNumber(int number) {
    for (KeyType t : values()) {
      if (t.number == number) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown key type " + number + " (known: RSA=0, Ed25519=1, Secp256k1=2, ECDSA=3)");
  }
}
