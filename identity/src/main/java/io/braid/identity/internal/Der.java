package io.braid.identity.internal;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;

/**
 * A strict, minimal DER reader and writer for the few ASN.1 shapes libp2p keys use (SEQUENCE, INTEGER,
 * OCTET STRING, BIT STRING, OBJECT IDENTIFIER, NULL, context tags).
 *
 * <p>Design note: key bytes come from the network, so the reader checks every length against the bytes
 * that remain before it touches them (a declared length never causes an allocation), accepts only the
 * definite, minimal length forms DER allows, and throws {@link IllegalArgumentException} for anything
 * else. Callers compare a re-encoding with the input where they need canonical bytes.
 */
public final class Der {
  public static final int INTEGER = 0x02;
  public static final int BIT_STRING = 0x03;
  public static final int OCTET_STRING = 0x04;
  public static final int NULL = 0x05;
  public static final int OID = 0x06;
  public static final int SEQUENCE = 0x30;

  private Der() {}

  /** The context-specific constructed tag {@code [n]}. */
  public static int context(int n) {
    return 0xA0 | n;
  }

  /** Reads consecutive TLVs from a window of a byte array. Not thread-safe; one per parse. */
  public static final class Reader {
    private final byte[] bytes;
    private final String what;
    private int pos;
    private final int end;

    private Reader(byte[] bytes, int from, int end, String what) {
      this.bytes = bytes;
      this.pos = from;
      this.end = end;
      this.what = what;
    }

    /** A reader of all of {@code bytes}; {@code what} names the structure in error messages. */
    public static Reader of(byte[] bytes, String what) {
      return new Reader(bytes, 0, bytes.length, what);
    }

    /** True when no bytes remain. */
    public boolean atEnd() {
      return pos == end;
    }

    /** The tag of the next element, or -1 at the end. */
    public int peekTag() {
      return pos < end ? bytes[pos] & 0xFF : -1;
    }

    /** Reads one element with {@code tag} and returns a reader of its contents. */
    public Reader read(int tag) {
      int[] span = span(tag);
      Reader inner = new Reader(bytes, span[0], span[1], what);
      pos = span[1];
      return inner;
    }

    /** Reads one element with {@code tag} and returns a copy of its contents. */
    public byte[] readBytes(int tag) {
      int[] span = span(tag);
      pos = span[1];
      byte[] out = new byte[span[1] - span[0]];
      System.arraycopy(bytes, span[0], out, 0, out.length);
      return out;
    }

    /** Reads a SEQUENCE and returns a reader of its contents. */
    public Reader sequence() {
      return read(SEQUENCE);
    }

    /**
     * Reads a non-negative INTEGER in minimal two's-complement form whose magnitude has at most
     * {@code maxBits} bits; the bound is checked on the encoded length before any number is built.
     */
    public BigInteger unsignedInteger(int maxBits, String name) {
      byte[] v = readBytes(INTEGER);
      if (v.length == 0) {
        throw fail(name + " is an empty INTEGER");
      }
      if (v.length > 1 && ((v[0] == 0 && (v[1] & 0x80) == 0) || (v[0] == (byte) 0xFF && (v[1] & 0x80) != 0))) {
        throw fail(name + " is not minimally encoded");
      }
      if ((v[0] & 0x80) != 0) {
        throw fail(name + " is negative");
      }
      int magnitudeBytes = v[0] == 0 ? v.length - 1 : v.length;
      if ((long) magnitudeBytes * 8 > (long) maxBits + 7) {
        throw fail(name + " has " + magnitudeBytes + " bytes, more than " + maxBits + " bits allow");
      }
      BigInteger n = new BigInteger(1, v);
      if (n.bitLength() > maxBits) {
        throw fail(name + " has " + n.bitLength() + " bits, more than " + maxBits);
      }
      return n;
    }

    /** Reads a BIT STRING with no unused bits and returns its bytes. */
    public byte[] bitStringBytes() {
      byte[] v = readBytes(BIT_STRING);
      if (v.length == 0 || v[0] != 0) {
        throw fail("BIT STRING with unused bits or no content");
      }
      byte[] out = new byte[v.length - 1];
      System.arraycopy(v, 1, out, 0, out.length);
      return out;
    }

    /** Fails unless every byte has been read. */
    public void expectEnd() {
      if (pos != end) {
        throw fail((end - pos) + " unexpected trailing bytes");
      }
    }

    /** An exception naming this structure. */
    public IllegalArgumentException fail(String problem) {
      return new IllegalArgumentException("malformed " + what + ": " + problem);
    }

    private int[] span(int tag) {
      if (pos >= end) {
        throw fail("expected tag 0x" + Integer.toHexString(tag) + " but the input ended");
      }
      int actual = bytes[pos] & 0xFF;
      if (actual != tag) {
        throw fail("expected tag 0x" + Integer.toHexString(tag) + " but found 0x" + Integer.toHexString(actual));
      }
      int p = pos + 1;
      if (p >= end) {
        throw fail("element has no length");
      }
      int first = bytes[p++] & 0xFF;
      long length;
      if (first < 0x80) {
        length = first;
      } else {
        int count = first & 0x7F;
        if (count == 0) {
          throw fail("indefinite length is not DER");
        }
        if (count > 3) {
          throw fail("length of " + count + " bytes is far beyond any key");
        }
        if (end - p < count) {
          throw fail("length is truncated");
        }
        if (bytes[p] == 0) {
          throw fail("length has a leading zero byte");
        }
        length = 0;
        for (int i = 0; i < count; i++) {
          length = (length << 8) | (bytes[p++] & 0xFF);
        }
        if (length < 0x80) {
          throw fail("length " + length + " uses the long form");
        }
      }
      if (length > end - p) {
        throw fail("element declares " + length + " bytes but only " + (end - p) + " remain");
      }
      return new int[] {p, p + (int) length};
    }
  }

  /** Appends TLVs; the result of {@link #toByteArray()} is DER. */
  public static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public Writer tlv(int tag, byte[] contents) {
      out.write(tag);
      int n = contents.length;
      if (n < 0x80) {
        out.write(n);
      } else if (n < 0x100) {
        out.write(0x81);
        out.write(n);
      } else if (n < 0x10000) {
        out.write(0x82);
        out.write(n >>> 8);
        out.write(n);
      } else {
        out.write(0x83);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
      }
      out.writeBytes(contents);
      return this;
    }

    /** A non-negative INTEGER. */
    public Writer integer(BigInteger value) {
      return tlv(INTEGER, value.toByteArray());
    }

    public Writer bitString(byte[] bits) {
      byte[] contents = new byte[bits.length + 1];
      System.arraycopy(bits, 0, contents, 1, bits.length);
      return tlv(BIT_STRING, contents);
    }

    public byte[] toByteArray() {
      return out.toByteArray();
    }
  }
}
