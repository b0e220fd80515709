package io.braid.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class PeerIdPropertyTest {
  /** Valid peer id multihashes: sha2-256 with any 32-byte digest, identity with keys of 1 to 200 bytes. */
  @Provide
  Arbitrary<byte[]> multihashes() {
    Arbitrary<byte[]> sha256 = Arbitraries.bytes().array(byte[].class).ofSize(32).map(d -> concat(new byte[] {0x12, 32}, d));
    Arbitrary<byte[]> identity = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(200)
        .map(k -> concat(varintPrefix(k.length), k));
    return Arbitraries.oneOf(sha256, identity);
  }

  private static byte[] varintPrefix(int len) {
    // identity code 0x00, then the length as a varint (one or two bytes here)
    return len < 128 ? new byte[] {0, (byte) len} : new byte[] {0, (byte) (len | 0x80), (byte) (len >>> 7)};
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Property
  void bytesToBase58ToPeerIdGivesTheSameId(@ForAll("multihashes") byte[] mh) {
    PeerId id = PeerId.fromBytes(mh);
    PeerId back = PeerId.fromString(id.toBase58());
    assertEquals(id, back);
    assertArrayEquals(mh, back.toBytes());
  }

  @Property
  void bytesToCidToPeerIdGivesTheSameId(@ForAll("multihashes") byte[] mh) {
    PeerId id = PeerId.fromBytes(mh);
    PeerId back = PeerId.fromString(id.toCid());
    assertEquals(id, back);
    assertArrayEquals(mh, back.toBytes());
    assertEquals(id.toCid(), back.toCid());
  }

  @Property
  void arbitraryTextIsAPeerIdThatRoundTripsOrAnIllegalArgumentException(@ForAll @Size(max = 80) String text) {
    PeerId id;
    try {
      id = PeerId.fromString(text);
    } catch (IllegalArgumentException rejected) {
      return;
    }
    assertEquals(id, PeerId.fromString(id.toBase58()));
    assertEquals(id, PeerId.fromString(id.toCid()));
  }

  /** Text close to real peer ids: a real prefix followed by characters of the encodings' alphabets. */
  @Provide
  Arbitrary<String> nearlyPeerIds() {
    Arbitrary<String> prefix = Arbitraries.of("Qm", "1", "12D3KooW", "bafz", "bafy", "k51", "z", "f0172", "B", "u", "");
    Arbitrary<String> body = Arbitraries.strings()
        .withChars("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0lIO=_-+/")
        .ofMaxLength(70);
    return net.jqwik.api.Combinators.combine(prefix, body).as(String::concat);
  }

  @Property(tries = 3000)
  void nearlyValidTextIsAPeerIdThatRoundTripsOrAnIllegalArgumentException(@ForAll("nearlyPeerIds") String text) {
    arbitraryTextIsAPeerIdThatRoundTripsOrAnIllegalArgumentException(text);
  }

  @Property
  void arbitraryBytesAreAPeerIdThatRoundTripsOrAnIllegalArgumentException(@ForAll @Size(max = 300) byte[] mh) {
    PeerId id;
    try {
      id = PeerId.fromBytes(mh);
    } catch (IllegalArgumentException rejected) {
      return;
    }
    assertArrayEquals(mh, id.toBytes());
    assertEquals(id, PeerId.fromString(id.toBase58()));
  }
}
