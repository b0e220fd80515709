package io.braid.transport.tcp.internal.noise;

import static io.braid.transport.tcp.internal.noise.NoiseTestSupport.channel;
import static io.braid.transport.tcp.internal.noise.NoiseTestSupport.drainOutbound;
import static io.braid.transport.tcp.internal.noise.NoiseTestSupport.finish;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.braid.transport.tcp.internal.TrackingAllocator;
import io.braid.transport.tcp.internal.noise.NoiseTestSupport.Sink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The codec on its own, between two channels sharing freshly split ciphers. */
class NoiseCodecTest {
  private final TrackingAllocator allocator = new TrackingAllocator();
  private final Sink aSink = new Sink();
  private final Sink bSink = new Sink();
  private final EmbeddedChannel a;
  private final EmbeddedChannel b;

  NoiseCodecTest() {
    HandshakeState i = HandshakeState.initiator(new byte[0], NoiseKeyPair.generate());
    HandshakeState r = HandshakeState.responder(new byte[0], NoiseKeyPair.generate());
    r.readMessage(i.writeMessage(new byte[0]));
    i.readMessage(r.writeMessage(new byte[0]));
    r.readMessage(i.writeMessage(new byte[0]));
    HandshakeState.TransportCiphers ic = i.split();
    HandshakeState.TransportCiphers rc = r.split();
    a = channel(allocator, new NoiseCodec(ic.sender(), ic.receiver()), aSink);
    b = channel(allocator, new NoiseCodec(rc.sender(), rc.receiver()), bSink);
  }

  @AfterEach
  void releaseEverything() {
    finish(a);
    finish(b);
    allocator.assertAllReleased();
  }

  private byte[] encryptAtA(String text) {
    a.writeOutbound(Unpooled.copiedBuffer(text.getBytes()));
    return drainOutbound(a);
  }

  @Test
  void aFrameIsTwoLengthBytesAndCiphertextWithTag() {
    byte[] wire = encryptAtA("hello");
    assertEquals(2 + 5 + 16, wire.length);
    assertEquals(5 + 16, ((wire[0] & 0xff) << 8) | (wire[1] & 0xff));
    b.writeInbound(Unpooled.wrappedBuffer(wire));
    assertArrayEquals("hello".getBytes(), bSink.bytes());
  }

  @Test
  void framesSplitAcrossReadsAreReassembled() {
    byte[] wire = encryptAtA("split me please");
    byte[] wire2 = encryptAtA("and me");
    byte[] both = new byte[wire.length + wire2.length];
    System.arraycopy(wire, 0, both, 0, wire.length);
    System.arraycopy(wire2, 0, both, wire.length, wire2.length);
    for (int i = 0; i < both.length; i += 3) {
      b.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(both, i, Math.min(both.length, i + 3))));
    }
    assertEquals("split me pleaseand me", new String(bSink.bytes()));
    assertEquals(2, bSink.reads);
  }

  @Test
  void aFlippedCiphertextBitClosesTheConnectionWithNoiseFrameException() {
    byte[] wire = encryptAtA("tamper");
    wire[5] ^= 0x10;
    ByteBuf in = Unpooled.wrappedBuffer(wire);
    b.writeInbound(in);
    assertEquals(0, in.refCnt());
    assertEquals(1, bSink.exceptions.size());
    NoiseFrameException e = assertInstanceOf(NoiseFrameException.class, bSink.exceptions.get(0));
    assertTrue(e.getMessage().contains("does not authenticate"), e.getMessage());
    assertFalse(b.isOpen());
    assertEquals(0, bSink.bytes().length);
  }

  @Test
  void aReplayedFrameIsRejected() {
    byte[] wire = encryptAtA("once");
    b.writeInbound(Unpooled.wrappedBuffer(wire.clone()));
    assertArrayEquals("once".getBytes(), bSink.bytes());
    b.writeInbound(Unpooled.wrappedBuffer(wire));
    assertInstanceOf(NoiseFrameException.class, bSink.exceptions.get(0));
    assertFalse(b.isOpen());
  }

  @Test
  void reorderedFramesAreRejected() {
    byte[] first = encryptAtA("first");
    byte[] second = encryptAtA("second");
    b.writeInbound(Unpooled.wrappedBuffer(second));
    assertInstanceOf(NoiseFrameException.class, bSink.exceptions.get(0));
    assertFalse(b.isOpen());
    assertEquals(5 + 18, first.length);
  }

  @Test
  void aFrameTooShortToHoldATagIsRejectedBeforeWaitingForIt() {
    b.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 15}));
    NoiseFrameException e = assertInstanceOf(NoiseFrameException.class, bSink.exceptions.get(0));
    assertTrue(e.getMessage().contains("shorter than its 16-byte"), e.getMessage());
    assertFalse(b.isOpen());
  }

  @Test
  void garbageOfTheMaximumFrameLengthIsRejectedAndReleased() {
    ByteBuf garbage = Unpooled.buffer(2 + 65535);
    garbage.writeShort(65535);
    for (int i = 0; i < 65535; i++) {
      garbage.writeByte(i * 31);
    }
    b.writeInbound(garbage);
    assertEquals(0, garbage.refCnt());
    assertInstanceOf(NoiseFrameException.class, bSink.exceptions.get(0));
    assertFalse(b.isOpen());
  }

  @Test
  void aFullSizeFrameOf65519PlaintextBytesRoundTrips() {
    byte[] data = new byte[NoiseCodec.MAX_PLAINTEXT];
    Arrays.fill(data, (byte) 7);
    a.writeOutbound(Unpooled.wrappedBuffer(data));
    byte[] wire = drainOutbound(a);
    assertEquals(2 + 65535, wire.length);
    b.writeInbound(Unpooled.wrappedBuffer(wire));
    assertArrayEquals(data, bSink.bytes());
    assertEquals(1, bSink.reads);
  }

  @Test
  void oneByteMoreThanAFrameHoldsMakesTwoFrames() {
    a.writeOutbound(Unpooled.wrappedBuffer(new byte[NoiseCodec.MAX_PLAINTEXT + 1]));
    byte[] wire = drainOutbound(a);
    assertEquals(2 + 65535 + 2 + 1 + 16, wire.length);
    b.writeInbound(Unpooled.wrappedBuffer(wire));
    assertEquals(NoiseCodec.MAX_PLAINTEXT + 1, bSink.bytes().length);
    assertEquals(2, bSink.reads);
  }

  /** Three frames' worth of distinct bytes, so a misplaced offset shows up as wrong content, not just length. */
  private static byte[] threeFramesOfData() {
    byte[] data = new byte[2 * NoiseCodec.MAX_PLAINTEXT + 1000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31 + (i >>> 8));
    }
    return data;
  }

  private void assertRoundTrip(byte[] data, ByteBuf plaintext, java.util.function.Function<byte[], ByteBuf> wireAs) {
    a.writeOutbound(plaintext);
    byte[] wire = drainOutbound(a);
    assertEquals(data.length + 3 * (2 + 16), wire.length);
    b.writeInbound(wireAs.apply(wire));
    assertArrayEquals(data, bSink.bytes());
    assertEquals(3, bSink.reads);
  }

  @Test
  void directPlaintextAndDirectCiphertextRoundTripAcrossFrames() {
    byte[] data = threeFramesOfData();
    ByteBuf direct = Unpooled.directBuffer(data.length).writeBytes(data);
    assertRoundTrip(data, direct, wire -> Unpooled.directBuffer(wire.length).writeBytes(wire));
    assertEquals(0, direct.refCnt(), "the codec releases what it writes");
  }

  @Test
  void heapBuffersWithAnArrayOffsetAreReadFromTheirOwnBytesOnly() {
    byte[] data = threeFramesOfData();
    byte[] padded = new byte[data.length + 200];
    Arrays.fill(padded, (byte) 0x5a);
    System.arraycopy(data, 0, padded, 100, data.length);
    ByteBuf slice = Unpooled.wrappedBuffer(padded).slice(100, data.length);
    assertTrue(slice.hasArray() && slice.arrayOffset() == 100);
    assertRoundTrip(data, slice, wire -> {
      byte[] paddedWire = new byte[wire.length + 7];
      System.arraycopy(wire, 0, paddedWire, 7, wire.length);
      return Unpooled.wrappedBuffer(paddedWire).slice(7, wire.length);
    });
  }

  @Test
  void compositePlaintextWithoutABackingArrayRoundTrips() {
    byte[] data = threeFramesOfData();
    int half = data.length / 2;
    ByteBuf composite = Unpooled.wrappedBuffer(
        Unpooled.directBuffer(half).writeBytes(data, 0, half),
        Unpooled.wrappedBuffer(Arrays.copyOfRange(data, half, data.length)));
    assertFalse(composite.hasArray());
    assertRoundTrip(data, composite, Unpooled::wrappedBuffer);
  }

  @Test
  void readsThatKeepEndingMidFrameDoNotGrowTheBufferedBytesWithoutBound() {
    byte[] data = new byte[4 * 1024 * 1024];
    Arrays.fill(data, (byte) 3);
    a.writeOutbound(Unpooled.wrappedBuffer(data));
    byte[] wire = drainOutbound(a);
    NoiseCodec receiving = b.pipeline().get(NoiseCodec.class);
    int maxCapacity = 0;
    // 50,000-byte reads never line up with the 65,537-byte frames, so a partial frame is always left over.
    for (int i = 0; i < wire.length; i += 50_000) {
      b.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(wire, i, Math.min(wire.length, i + 50_000))));
      maxCapacity = Math.max(maxCapacity, receiving.bufferedCapacityForTesting());
    }
    assertEquals(data.length, bSink.bytes().length);
    assertTrue(maxCapacity <= 4 * (NoiseCodec.MAX_FRAME + 2),
        "a partial frame is at most 65,537 bytes, yet the codec held a buffer of " + maxCapacity);
  }

  @Test
  void inputAfterAFailureIsReleasedAndDropped() {
    ByteBuf bad = Unpooled.wrappedBuffer(new byte[] {0, 1});
    ByteBuf more = Unpooled.wrappedBuffer(encryptAtA("late"));
    // Both in one read loop: the second arrives while the failed codec is still in the pipeline.
    b.writeInbound(bad, more);
    assertEquals(1, bSink.exceptions.size());
    assertEquals(0, bad.refCnt());
    assertEquals(0, more.refCnt());
    assertEquals(0, bSink.bytes().length);
  }

  @Test
  void nonByteBufWritesAreRefusedSoNothingBypassesEncryption() {
    ChannelFuture f = a.writeAndFlush("plaintext string");
    assertInstanceOf(IllegalArgumentException.class, f.cause());
    assertEquals(0, drainOutbound(a).length);
  }

  @Test
  void anEmptyWriteSendsNoFrame() {
    ByteBuf empty = Unpooled.buffer(0);
    ChannelFuture f = a.writeAndFlush(empty);
    assertTrue(f.isSuccess());
    assertEquals(0, empty.refCnt());
    assertEquals(0, drainOutbound(a).length);
  }

  @Test
  void anExhaustedSendNonceFailsTheWriteAndClosesTheChannel() {
    NoiseCodec codec = a.pipeline().get(NoiseCodec.class);
    CipherState sender = sender(codec);
    sender.setNonce(CipherState.RESERVED_NONCE);
    ByteBuf data = Unpooled.copiedBuffer(new byte[] {1});
    ChannelFuture f = a.writeAndFlush(data);
    assertInstanceOf(IllegalStateException.class, f.cause());
    assertEquals(0, data.refCnt());
    assertFalse(a.isOpen());
  }

  @Test
  void theLastUsableReceiveNonceDecryptsAndAnyFrameAfterItClosesTheConnection() {
    long lastUsable = CipherState.RESERVED_NONCE - 1; // 2^64-2
    sender(a.pipeline().get(NoiseCodec.class)).setNonce(lastUsable);
    cipher(b.pipeline().get(NoiseCodec.class), "receiver").setNonce(lastUsable);
    byte[] wire = encryptAtA("last");
    b.writeInbound(Unpooled.wrappedBuffer(wire.clone()));
    assertArrayEquals("last".getBytes(), bSink.bytes(), "nonce 2^64-2 is still used");
    assertTrue(b.isOpen());

    ByteBuf next = Unpooled.wrappedBuffer(wire);
    b.writeInbound(next);
    assertEquals(0, next.refCnt());
    NoiseFrameException e = assertInstanceOf(NoiseFrameException.class, bSink.exceptions.get(0));
    assertTrue(e.getMessage().contains("nonce exhausted"), e.getMessage());
    assertFalse(b.isOpen(), "the receiving side closes instead of wrapping its nonce");
    ChannelFuture f = a.writeAndFlush(Unpooled.copiedBuffer(new byte[] {1}));
    assertInstanceOf(IllegalStateException.class, f.cause(), "and the sending side refuses to go on");
    assertFalse(a.isOpen());
  }

  @Test
  void aCompositeOfHeapDirectAndReadOnlyPartsIsEncryptedAcrossFrameBoundariesWithoutLoss() {
    byte[] all = new byte[200_000];
    new java.util.Random(3).nextBytes(all);
    io.netty.buffer.CompositeByteBuf composite = Unpooled.compositeBuffer();
    composite.addComponent(true, Unpooled.wrappedBuffer(all, 0, 12)); // a Yamux header, say
    composite.addComponent(true, Unpooled.wrappedBuffer(java.nio.ByteBuffer.wrap(all, 12, 70_000).slice()));
    composite.addComponent(true, Unpooled.wrappedBuffer(
        java.nio.ByteBuffer.wrap(all, 70_012, 60_000).slice().asReadOnlyBuffer()));
    ByteBuf direct = Unpooled.directBuffer(all.length - 130_012);
    direct.writeBytes(all, 130_012, all.length - 130_012);
    composite.addComponent(true, direct);
    a.writeOutbound(composite);
    assertEquals(0, composite.refCnt(), "the codec releases what it encrypts");
    b.writeInbound(Unpooled.wrappedBuffer(drainOutbound(a)));
    assertArrayEquals(all, bSink.bytes());
    assertEquals(4, bSink.reads, "frames of 65,519 plaintext bytes: 200,000 bytes make four");
  }

  private static CipherState sender(NoiseCodec codec) {
    return cipher(codec, "sender");
  }

  private static CipherState cipher(NoiseCodec codec, String name) {
    try {
      var field = NoiseCodec.class.getDeclaredField(name);
      field.setAccessible(true);
      return (CipherState) field.get(codec);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
