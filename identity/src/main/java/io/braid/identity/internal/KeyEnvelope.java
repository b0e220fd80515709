package io.braid.identity.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.braid.identity.internal.proto.KeyProtos;
import java.util.Arrays;

/**
 * The libp2p key envelope, {@code message PublicKey/PrivateKey { required KeyType Type = 1; required
 * bytes Data = 2; }} (libp2p/specs peer-ids.md, "Keys"), decoded strictly.
 *
 * <p>Design note: protobuf-java parses leniently (it keeps unknown fields, lets a repeated field win,
 * accepts over-long varints). Peer ids hash these bytes, so two encodings of one key would be two peer
 * ids; the spec demands the deterministic encoding. We therefore parse with the generated code, then
 * require that re-encoding the message gives back exactly the input. Sizes are capped before parsing.
 */
public final class KeyEnvelope {
  public static final int RSA = 0;
  public static final int ED25519 = 1;
  public static final int SECP256K1 = 2;
  public static final int ECDSA = 3;

  /** Largest encoded public key accepted: an 8192-bit RSA key takes about 1.1 KB. */
  public static final int MAX_PUBLIC_BYTES = 4096;

  /** Largest encoded private key accepted: an 8192-bit RSA key takes about 4.7 KB. */
  public static final int MAX_PRIVATE_BYTES = 8192;

  private KeyEnvelope() {}

  /**
   * The type number and the {@code Data} bytes of a decoded envelope. A plain holder, not a value: the
   * array is handed over (not copied), and there is no content equality or printing of (secret) bytes.
   */
  public static final class Contents {
    private final int type;
    private final byte[] data;

    Contents(int type, byte[] data) {
      this.type = type;
      this.data = data;
    }

    public int type() {
      return type;
    }

    /** The {@code Data} bytes; the caller owns them. */
    public byte[] data() {
      return data;
    }
  }

  /**
   * Decodes a protobuf {@code PublicKey}.
   *
   * @throws IllegalArgumentException if the bytes are not exactly one deterministic encoding of a
   *     {@code PublicKey} with a known key type, or are longer than {@link #MAX_PUBLIC_BYTES}
   */
  public static Contents decodePublic(byte[] bytes) {
    checkSize(bytes, MAX_PUBLIC_BYTES, "public key");
    KeyProtos.PublicKey.Builder b = KeyProtos.PublicKey.newBuilder();
    try {
      b.mergeFrom(bytes);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new IllegalArgumentException("malformed public key protobuf: " + e.getMessage(), e);
    }
    checkFields(b.getUnknownFields(), b.hasType(), b.hasData(), "public key");
    byte[] canonical = b.buildPartial().toByteArray();
    checkCanonical(bytes, canonical, "public key");
    return new Contents(b.getType().getNumber(), b.getData().toByteArray());
  }

  /**
   * Decodes a protobuf {@code PrivateKey}.
   *
   * @throws IllegalArgumentException as {@link #decodePublic}, with {@link #MAX_PRIVATE_BYTES}
   */
  public static Contents decodePrivate(byte[] bytes) {
    checkSize(bytes, MAX_PRIVATE_BYTES, "private key");
    KeyProtos.PrivateKey.Builder b = KeyProtos.PrivateKey.newBuilder();
    try {
      b.mergeFrom(bytes);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      // The parser's message names offsets and field numbers, never the (secret) bytes.
      throw new IllegalArgumentException("malformed private key protobuf: " + e.getMessage(), e);
    }
    checkFields(b.getUnknownFields(), b.hasType(), b.hasData(), "private key");
    byte[] canonical = b.buildPartial().toByteArray();
    checkCanonical(bytes, canonical, "private key");
    return new Contents(b.getType().getNumber(), b.getData().toByteArray());
  }

  /** The deterministic protobuf {@code PublicKey} encoding. */
  public static byte[] encodePublic(int type, byte[] data) {
    return KeyProtos.PublicKey.newBuilder()
        .setType(protoType(type))
        .setData(ByteString.copyFrom(data))
        .build()
        .toByteArray();
  }

  /** The deterministic protobuf {@code PrivateKey} encoding. */
  public static byte[] encodePrivate(int type, byte[] data) {
    return KeyProtos.PrivateKey.newBuilder()
        .setType(protoType(type))
        .setData(ByteString.copyFrom(data))
        .build()
        .toByteArray();
  }

  private static KeyProtos.KeyType protoType(int type) {
    KeyProtos.KeyType t = KeyProtos.KeyType.forNumber(type);
    if (t == null) {
      throw new IllegalArgumentException("unknown key type " + type);
    }
    return t;
  }

  private static void checkSize(byte[] bytes, int max, String what) {
    if (bytes.length > max) {
      throw new IllegalArgumentException(
          what + " protobuf of " + bytes.length + " bytes is longer than the " + max + " bytes any supported key needs");
    }
  }

  private static void checkFields(UnknownFieldSet unknown, boolean hasType, boolean hasData, String what) {
    // proto2 enums are closed: an unknown Type number lands in the unknown fields as field 1. A known
    // field number sent with the wrong wire type lands there too.
    if (unknown.hasField(1)) {
      UnknownFieldSet.Field f = unknown.getField(1);
      if (!f.getVarintList().isEmpty()) {
        throw new IllegalArgumentException(
            "unknown key type " + f.getVarintList().get(0) + " in " + what
                + " protobuf (known: RSA=0, Ed25519=1, Secp256k1=2, ECDSA=3)");
      }
      throw new IllegalArgumentException(what + " protobuf field 1 (Type) has the wrong wire type");
    }
    if (unknown.hasField(2)) {
      throw new IllegalArgumentException(what + " protobuf field 2 (Data) has the wrong wire type");
    }
    if (!unknown.asMap().isEmpty()) {
      throw new IllegalArgumentException(
          what + " protobuf has unknown field number(s) " + unknown.asMap().keySet() + " (only 1 Type and 2 Data)");
    }
    if (!hasType) {
      throw new IllegalArgumentException(what + " protobuf lacks the required field 1 (Type)");
    }
    if (!hasData) {
      throw new IllegalArgumentException(what + " protobuf lacks the required field 2 (Data)");
    }
  }

  private static void checkCanonical(byte[] input, byte[] canonical, String what) {
    if (!Arrays.equals(input, canonical)) {
      throw new IllegalArgumentException(
          what + " protobuf is not in the deterministic encoding libp2p requires (a repeated field, fields out"
              + " of order, a non-minimal varint or a wrong wire type)");
    }
  }
}
