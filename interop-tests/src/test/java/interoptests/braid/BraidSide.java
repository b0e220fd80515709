package interoptests.braid;

import io.braid.api.NetStream;
import io.braid.api.StreamHandler;
import io.braid.api.StreamRouter;
import io.braid.api.TransportContext;
import io.braid.identity.Identity;
import io.braid.transport.tcp.SecurityProtocol;
import io.braid.transport.tcp.TcpTransport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The Braid side of the interop tests: a {@link TcpTransport} serving {@code /echo/1.0.0}, and stream helpers. */
final class BraidSide {
    static final String ECHO = "/echo/1.0.0";

    private BraidSide() {}

    /** A TCP transport for {@code identity} that serves {@link #ECHO} (ping and identify are built in). */
    /** How long {@link #await} waits. */
    static final Duration WAIT = Duration.ofSeconds(30);

    /** Admits every inbound connection; the listening transport keeps track of it. */
    static final io.braid.api.InboundConnectionHandler ACCEPT_ALL = new io.braid.api.InboundConnectionHandler() {
        @Override
        public boolean accept(io.braid.api.Multiaddr remoteAddress) {
            return true;
        }

        @Override
        public void connected(io.braid.api.NetConn connection) {}

        @Override
        public void failed(io.braid.api.Multiaddr remoteAddress, Throwable cause) {}
    };

    /** {@code f}'s value, failing the test if it fails or is not done within {@link #WAIT}. */
    static <T> T await(CompletableFuture<T> f) throws InterruptedException {
        try {
            return f.get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return org.junit.jupiter.api.Assertions.fail("failed: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            return org.junit.jupiter.api.Assertions.fail("not done within " + WAIT);
        }
    }

    static TcpTransport transport(Identity identity) {
        return new TcpTransport(context(identity));
    }

    /** Like {@link #transport(Identity)}, offering and proposing only {@code security}, in that order. */
    static TcpTransport transport(Identity identity, List<SecurityProtocol> security) {
        return TcpTransport.builder(context(identity)).security(security).build();
    }

    private static TransportContext context(Identity identity) {
        Map<String, StreamHandler> handlers = Map.of(ECHO, BraidSide::echo);
        StreamRouter router = protocol -> Optional.ofNullable(handlers.get(protocol));
        return new TransportContext(identity, router, Duration.ofSeconds(20));
    }

    /** Writes back what it reads, each write before the next read; half-closes at end of stream. */
    static void echo(NetStream stream) {
        stream.read().whenComplete((bytes, error) -> {
            if (error != null) {
                stream.reset();
            } else if (!bytes.hasRemaining()) {
                stream.closeWrite().whenComplete((v, e) -> stream.close());
            } else {
                stream.write(bytes).whenComplete((v, e) -> {
                    if (e != null) {
                        stream.reset();
                    } else {
                        echo(stream);
                    }
                });
            }
        });
    }

    /** Writes {@code data} in 64 KiB chunks, half-closes, and reads the whole answer (at most {@code max}). */
    static CompletableFuture<byte[]> exchange(NetStream stream, byte[] data, int max) {
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        readAll(stream, new ByteArrayOutputStream(), max, answer);
        writeFrom(stream, data, 0).thenCompose(v -> stream.closeWrite())
                .whenComplete((v, e) -> {
                    if (e != null) {
                        answer.completeExceptionally(e);
                    }
                });
        return answer;
    }

    private static CompletableFuture<Void> writeFrom(NetStream stream, byte[] data, int offset) {
        if (offset >= data.length) {
            return CompletableFuture.completedFuture(null);
        }
        int n = Math.min(64 * 1024, data.length - offset);
        return stream.write(ByteBuffer.wrap(data, offset, n)).thenCompose(v -> writeFrom(stream, data, offset + n));
    }

    private static void readAll(NetStream stream, ByteArrayOutputStream into, int max, CompletableFuture<byte[]> done) {
        stream.read().whenComplete((bytes, error) -> {
            if (error != null) {
                done.completeExceptionally(error);
            } else if (!bytes.hasRemaining()) {
                done.complete(into.toByteArray());
            } else if (into.size() + bytes.remaining() > max) {
                stream.reset();
                done.completeExceptionally(new IllegalStateException("more than " + max + " bytes"));
            } else {
                byte[] chunk = new byte[bytes.remaining()];
                bytes.get(chunk);
                into.write(chunk, 0, chunk.length);
                readAll(stream, into, max, done);
            }
        });
    }
}
