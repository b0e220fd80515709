package io.braid.transport.tcp.internal.protocols;

import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.StreamHandler;
import io.braid.api.TransportException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * libp2p ping, {@value #PROTOCOL} (libp2p/specs ping/ping.md): the initiator sends 32 random bytes, the
 * responder echoes every 32-byte chunk it receives until the initiator half-closes.
 *
 * <p>The responder keeps echoing after the remote half-closed its write side (js-libp2p's client sends
 * its payload and closes its write side at once) and half-closes its own side after the last full chunk.
 * A trailing partial chunk is dropped. It holds at most 31 bytes between reads and waits for each echo to
 * be accepted before it reads again, so a fast sender is held back by flow control. Thread-safe; runs on
 * whatever thread completes the stream's futures and never blocks.
 */
public final class Ping {
  /** The protocol id. */
  public static final String PROTOCOL = "/ipfs/ping/1.0.0";
  /** Payload size of one ping. */
  public static final int SIZE = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private Ping() {}

  /** The responder: echoes 32-byte chunks until end of stream, then closes. */
  public static StreamHandler responder() {
    return stream -> new Echo(stream).readNext();
  }

  /**
   * Pings once over a new stream on {@code conn}.
   *
   * @return the round-trip time from sending the payload to reading its echo; fails with
   *     {@link TransportException} if the echo differs or the stream ends early, or with whatever opening
   *     the stream failed with
   */
  public static CompletableFuture<Duration> ping(NetConn conn) {
    byte[] payload = new byte[SIZE];
    RANDOM.nextBytes(payload);
    return conn.newStream(PROTOCOL).thenCompose(stream -> {
      long start = System.nanoTime();
      CompletableFuture<Duration> rtt = stream.write(ByteBuffer.wrap(payload))
          .thenCompose(v -> Streams.readExactly(stream, SIZE))
          .thenApply(echo -> {
            long elapsed = System.nanoTime() - start;
            if (!Arrays.equals(echo, payload)) {
              throw new TransportException("ping: the echo differs from the payload sent");
            }
            return Duration.ofNanos(elapsed);
          });
      return rtt.whenComplete((d, e) -> {
        if (e == null) {
          stream.close();
        } else {
          stream.reset();
        }
      });
    });
  }

  private static final class Echo {
    private final NetStream stream;
    private final byte[] chunk = new byte[SIZE];
    private int filled;

    Echo(NetStream stream) {
      this.stream = stream;
    }

    void readNext() {
      stream.read().whenComplete((bytes, error) -> {
        if (error != null) {
          stream.reset();
        } else if (!bytes.hasRemaining()) {
          stream.closeWrite().whenComplete((v, e) -> stream.close());
        } else {
          echo(bytes);
        }
      });
    }

    private void echo(ByteBuffer bytes) {
      ByteBuffer out = ByteBuffer.allocate(bytes.remaining() + SIZE);
      while (bytes.hasRemaining()) {
        int n = Math.min(SIZE - filled, bytes.remaining());
        bytes.get(chunk, filled, n);
        filled += n;
        if (filled == SIZE) {
          out.put(chunk);
          filled = 0;
        }
      }
      out.flip();
      if (!out.hasRemaining()) {
        readNext();
        return;
      }
      stream.write(out).whenComplete((v, e) -> {
        if (e != null) {
          stream.reset();
        } else {
          readNext();
        }
      });
    }
  }
}
