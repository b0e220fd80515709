package io.braid.transport.tcp.internal.protocols;

import io.braid.api.NetStream;
import io.braid.api.TransportException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** Small asynchronous read helpers over {@link NetStream}. */
final class Streams {
  private Streams() {}

  /** Reads exactly {@code n} bytes; fails with {@link TransportException} at an early end of stream. */
  static CompletableFuture<byte[]> readExactly(NetStream stream, int n) {
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    readInto(stream, new byte[n], 0, result);
    return result;
  }

  private static void readInto(NetStream stream, byte[] into, int filled, CompletableFuture<byte[]> result) {
    if (filled == into.length) {
      result.complete(into);
      return;
    }
    stream.read().whenComplete((bytes, error) -> {
      if (error != null) {
        result.completeExceptionally(error);
      } else if (!bytes.hasRemaining()) {
        result.completeExceptionally(new TransportException("stream ended after " + filled + " of "
            + into.length + " bytes"));
      } else if (bytes.remaining() > into.length - filled) {
        result.completeExceptionally(new TransportException("the peer sent more than the " + into.length
            + " bytes expected"));
      } else {
        int n = bytes.remaining();
        bytes.get(into, filled, n);
        readInto(stream, into, filled + n, result);
      }
    });
  }

  /**
   * Reads until end of stream, failing with {@link TransportException} once more than {@code max} bytes
   * arrived (checked before they are kept).
   */
  static CompletableFuture<byte[]> readToEnd(NetStream stream, int max) {
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    readRest(stream, new java.io.ByteArrayOutputStream(), max, result);
    return result;
  }

  private static void readRest(NetStream stream, java.io.ByteArrayOutputStream into, int max,
      CompletableFuture<byte[]> result) {
    stream.read().whenComplete((bytes, error) -> {
      if (error != null) {
        result.completeExceptionally(error);
      } else if (!bytes.hasRemaining()) {
        result.complete(into.toByteArray());
      } else if (bytes.remaining() > max - into.size()) {
        result.completeExceptionally(new TransportException("the peer sent more than " + max + " bytes"));
      } else {
        byte[] chunk = new byte[bytes.remaining()];
        bytes.get(chunk);
        into.write(chunk, 0, chunk.length);
        readRest(stream, into, max, result);
      }
    });
  }

  /** The unsigned-varint encoding of {@code length} followed by {@code message}. */
  static ByteBuffer delimited(byte[] message) {
    ByteBuffer out = ByteBuffer.allocate(5 + message.length);
    long v = message.length;
    while (v >= 0x80) {
      out.put((byte) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.put((byte) v);
    out.put(message);
    return out.flip();
  }
}
