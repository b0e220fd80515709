package io.braid.identity.internal;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERTaggedObject;

/**
 * Strict DER decoding with bouncycastle's ASN.1 parser, and DER encoding of bouncycastle's ASN.1 objects.
 *
 * <p>Design note: key and signature bytes come from the network. Bouncycastle reads every tag, length
 * and primitive here, with its own checks (minimal INTEGERs, BIT STRING padding, NULL and OID contents,
 * lengths bounded by the input, so a declared length never allocates more than the input's size). Two
 * things it does not do: it accepts BER (indefinite and non-minimal lengths, constructed strings,
 * unsorted SETs), and its parser recurses once per nesting level with no limit, so a few hundred nested
 * SEQUENCEs in a 1 KiB key overflow a 256 KiB thread stack. Hence the stream below hands each constructed
 * element back as its content octets instead of descending, and {@link #decode} parses those one level
 * at a time, at most {@link #MAX_DEPTH} deep (libp2p keys nest three). On the way it rejects indefinite
 * and non-minimal lengths, and at the end it requires exactly one element and that the DER encoding of
 * what was read equals the input byte for byte, which rules out every other BER form. Every failure is
 * an {@link IllegalArgumentException} {@code "malformed <what>: <problem>"}.
 */
public final class StrictDer {
  /** Deeper than any structure libp2p uses (ECPrivateKey: SEQUENCE, [1], BIT STRING). */
  public static final int MAX_DEPTH = 8;

  private StrictDer() {}

  /**
   * Decodes {@code data}, which must be exactly one DER element; {@code what} names the structure in
   * error messages.
   *
   * @throws IllegalArgumentException if it is not
   */
  public static ASN1Primitive decode(byte[] data, String what) {
    ASN1Primitive value;
    try {
      LevelStream in = new LevelStream(data);
      ASN1Primitive first = in.readObject();
      if (first == null) {
        throw new DerViolation("the input is empty");
      }
      value = in.resolve(first, 1);
      if (in.position != data.length) {
        throw new DerViolation((data.length - in.position) + " unexpected trailing bytes after the element");
      }
    } catch (EOFException e) {
      throw malformed(what, "truncated: " + (e.getMessage() == null ? "the input ends inside an element" : e.getMessage()), e);
    } catch (IOException | IllegalArgumentException | IllegalStateException | ClassCastException e) {
      // bouncycastle reports malformed input as IOException (ASN1Exception), IllegalArgumentException or
      // IllegalStateException (ASN1ParsingException); the message says what it found.
      throw malformed(what, e.getMessage(), e);
    }
    byte[] der = encode(value);
    if (!Arrays.equals(der, data)) {
      throw malformed(what, "not DER: the DER encoding of the same value differs at byte " + Arrays.mismatch(der, data)
          + " (a BER form such as an unsorted SET or non-zero BIT STRING padding)", null);
    }
    return value;
  }

  /** The DER encoding of {@code value}. */
  public static byte[] encode(ASN1Encodable value) {
    try {
      return value.toASN1Primitive().getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new UncheckedIOException("bouncycastle failed to encode an in-memory ASN.1 value", e);
    }
  }

  private static IllegalArgumentException malformed(String what, String problem, Throwable cause) {
    return new IllegalArgumentException("malformed " + what + ": " + problem, cause);
  }

  private static String describe(ASN1Primitive p) {
    return p instanceof ASN1TaggedObject t ? "a tagged element " + t : p.getClass().getSimpleName();
  }

  /** Reads the fields of a SEQUENCE in order. Not thread-safe; one per parse. */
  public static final class Fields {
    private final ASN1Sequence sequence;
    private final String what;
    private int next;

    private Fields(ASN1Sequence sequence, String what) {
      this.sequence = sequence;
      this.what = what;
    }

    /**
     * The fields of {@code data}, which must be exactly one DER SEQUENCE.
     *
     * @throws IllegalArgumentException if it is not
     */
    public static Fields of(byte[] data, String what) {
      ASN1Primitive p = decode(data, what);
      if (!(p instanceof ASN1Sequence s)) {
        throw malformed(what, "expected a SEQUENCE but found " + describe(p), null);
      }
      return new Fields(s, what);
    }

    /** True when every field has been read. */
    public boolean atEnd() {
      return next == sequence.size();
    }

    /** The next field, whatever its type. */
    public ASN1Primitive next(String name) {
      if (atEnd()) {
        throw fail(name + " is missing");
      }
      return sequence.getObjectAt(next++).toASN1Primitive();
    }

    /**
     * The next field, a non-negative INTEGER in minimal form whose magnitude has at most {@code maxBits}
     * bits.
     */
    public BigInteger unsignedInteger(int maxBits, String name) {
      ASN1Primitive p = next(name);
      if (!(p instanceof ASN1Integer i)) {
        throw fail(name + " is not an INTEGER but " + describe(p));
      }
      BigInteger n = i.getValue();
      // Bouncycastle refuses non-minimal INTEGERs unless the system property
      // org.bouncycastle.asn1.allow_unsafe_integer is set; DER requires them minimal regardless.
      if (!Arrays.equals(encode(i), encode(new ASN1Integer(n)))) {
        throw fail(name + " is not minimally encoded");
      }
      if (n.signum() < 0) {
        throw fail(name + " is negative");
      }
      if (n.bitLength() > maxBits) {
        throw fail(name + " has " + n.bitLength() + " bits; more than " + maxBits + " bits are not accepted");
      }
      return n;
    }

    /** The contents of the next field, an OCTET STRING. */
    public byte[] octetString(String name) {
      ASN1Primitive p = next(name);
      if (!(p instanceof ASN1OctetString o)) {
        throw fail(name + " is not an OCTET STRING but " + describe(p));
      }
      return o.getOctets();
    }

    /** The bytes of the next field, a BIT STRING with no unused bits. */
    public byte[] bitStringBytes(String name) {
      return bitStringBytes(next(name), name);
    }

    /** The bytes of {@code p}, which must be a BIT STRING with no unused bits. */
    public byte[] bitStringBytes(ASN1Primitive p, String name) {
      if (!(p instanceof ASN1BitString b)) {
        throw fail(name + " is not a BIT STRING but " + describe(p));
      }
      if (b.getPadBits() != 0) {
        throw fail(name + " has " + b.getPadBits() + " unused bits");
      }
      return b.getOctets();
    }

    /** Whether the next field is the context-specific tagged element {@code [tagNo]}. */
    public boolean nextIsTagged(int tagNo) {
      return !atEnd()
          && sequence.getObjectAt(next) instanceof ASN1TaggedObject t
          && t.getTagClass() == BERTags.CONTEXT_SPECIFIC
          && t.getTagNo() == tagNo;
    }

    /** The content of the next field, an explicitly tagged {@code [tagNo]} holding one element. */
    public ASN1Primitive explicit(int tagNo, String name) {
      if (!nextIsTagged(tagNo)) {
        throw fail(name + " [" + tagNo + "] is missing");
      }
      ASN1TaggedObject t = (ASN1TaggedObject) next(name);
      if (!t.isExplicit()) {
        throw fail(name + " [" + tagNo + "] does not hold exactly one element");
      }
      return t.getExplicitBaseObject().toASN1Primitive();
    }

    /** Fails unless every field has been read. */
    public void expectEnd() {
      if (!atEnd()) {
        throw fail((sequence.size() - next) + " unexpected trailing fields");
      }
    }

    /** An exception naming this structure. */
    public IllegalArgumentException fail(String problem) {
      return malformed(what, problem, null);
    }
  }

  /** A DER rule broken; reported like bouncycastle's own IOExceptions. */
  private static final class DerViolation extends IOException {
    DerViolation(String message) {
      super(message);
    }
  }

  /**
   * Bouncycastle's ASN1InputStream over one level of an encoding: primitives are built by bouncycastle,
   * constructed elements come back as their contents (see {@link #resolve}), lengths must be definite
   * and minimal.
   */
  private static final class LevelStream extends ASN1InputStream {
    private int position;
    private int pendingTag;
    private int pendingTagNo;
    private byte[] pendingContents;

    LevelStream(byte[] level) {
      // The limit bounds every declared length by the size of this level.
      super(new ByteArrayInputStream(level), level.length);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        position++;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        position += n;
      }
      return n;
    }

    @Override
    protected int readLength() throws IOException {
      int start = position;
      int length;
      try {
        length = super.readLength();
      } catch (EOFException e) {
        throw e;
      } catch (IOException e) {
        // Among these: a declared length at least the size of this level, refused before any allocation.
        throw new DerViolation("invalid length: " + e.getMessage());
      }
      if (length < 0) {
        throw new DerViolation("indefinite length (BER) is not DER");
      }
      if (length > available()) {
        throw new EOFException("the element declares " + length + " bytes but " + available() + " remain");
      }
      int used = position - start;
      int minimal = length < 0x80 ? 1 : 1 + (39 - Integer.numberOfLeadingZeros(length)) / 8;
      if (used != minimal) {
        throw new DerViolation("length " + length + " is encoded in " + used + " bytes, DER uses " + minimal);
      }
      return length;
    }

    @Override
    protected ASN1Primitive buildObject(int tag, int tagNo, int length) throws IOException {
      if ((tag & BERTags.CONSTRUCTED) == 0) {
        return super.buildObject(tag, tagNo, length);
      }
      byte[] contents = new byte[length]; // length < the size of this level, checked by readLength
      readFully(contents);
      pendingTag = tag;
      pendingTagNo = tagNo;
      pendingContents = contents;
      return DERNull.INSTANCE; // a placeholder that resolve() replaces
    }

    /** {@code read}, the result of readObject(), or the constructed element it stands for, parsed. */
    ASN1Primitive resolve(ASN1Primitive read, int depth) throws IOException {
      if (pendingContents == null) {
        return read;
      }
      int tag = pendingTag;
      int tagNo = pendingTagNo;
      byte[] contents = pendingContents;
      pendingContents = null;
      if (depth > MAX_DEPTH) {
        throw new DerViolation("elements nest deeper than " + MAX_DEPTH + " levels");
      }
      ASN1EncodableVector children = new ASN1EncodableVector();
      LevelStream in = new LevelStream(contents);
      for (ASN1Primitive child; (child = in.readObject()) != null; ) {
        children.add(in.resolve(child, depth + 1));
      }
      int tagClass = tag & BERTags.PRIVATE;
      if (tagClass != BERTags.UNIVERSAL) {
        // One element: explicit tagging; otherwise implicit tagging of a SEQUENCE. Both encode the same
        // contents again, which is all the DER comparison needs; callers check what they expect.
        return children.size() == 1
            ? new DERTaggedObject(true, tagClass, tagNo, children.get(0))
            : new DERTaggedObject(false, tagClass, tagNo, new DERSequence(children));
      }
      return switch (tagNo) {
        case BERTags.SEQUENCE -> new DERSequence(children);
        case BERTags.SET -> new DERSet(children); // sorted, so an unsorted input fails the DER comparison
        default -> throw new DerViolation("constructed universal tag " + tagNo + " (a BER string form) is not DER");
      };
    }
  }
}
