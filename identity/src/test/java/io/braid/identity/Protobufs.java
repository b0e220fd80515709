package io.braid.identity;

import java.io.ByteArrayOutputStream;

/** Hand-built protobuf bytes for tests, written independently of the generated code. */
final class Protobufs {
  private Protobufs() {}

  static byte[] envelope(long type, byte[] data) {
    return new Builder().varintField(1, type).bytesField(2, data).build();
  }

  static final class Builder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Builder raw(int... bytes) {
      for (int b : bytes) {
        out.write(b);
      }
      return this;
    }

    Builder raw(byte[] bytes) {
      out.writeBytes(bytes);
      return this;
    }

    Builder varint(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
      return this;
    }

    Builder varintField(int field, long value) {
      return varint((long) field << 3).varint(value);
    }

    Builder bytesField(int field, byte[] data) {
      return varint(((long) field << 3) | 2).varint(data.length).raw(data);
    }

    byte[] build() {
      return out.toByteArray();
    }
  }
}
