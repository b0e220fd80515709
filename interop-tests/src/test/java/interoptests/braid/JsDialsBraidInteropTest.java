package interoptests.braid;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.braid.api.InboundConnectionHandler;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import io.braid.api.TransportListener;
import io.braid.identity.Identity;
import io.braid.identity.PublicKeys;
import io.braid.transport.tcp.IdentifyResult;
import io.braid.transport.tcp.TcpTransport;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** js-libp2p dials a Braid TcpTransport listener. */
@Timeout(120)
@DisplayName("js-libp2p dialer against Braid listener")
class JsDialsBraidInteropTest {
    private static final Duration DIAL_TIMEOUT = Duration.ofSeconds(30);
    private static final int MIB = 1024 * 1024;

    /** Records what the Braid listener was handed. */
    private static final class Inbound implements InboundConnectionHandler {
        final List<NetConn> connections = new CopyOnWriteArrayList<>();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final CompletableFuture<Throwable> firstFailure = new CompletableFuture<>();

        @Override
        public boolean accept(Multiaddr remoteAddress) {
            return true;
        }

        @Override
        public void connected(NetConn connection) {
            connections.add(connection);
        }

        @Override
        public void failed(Multiaddr remoteAddress, Throwable cause) {
            failures.add(cause);
            firstFailure.complete(cause);
        }
    }

    @Test
    void jsPingsIdentifiesAndEchoesOverThreeConnectionsToABraidListener() throws Exception {
        Identity identity = Identity.generate();
        Inbound inbound = new Inbound();
        try (TcpTransport braid = BraidSide.transport(identity)) {
            TransportListener l = braid.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"), inbound)
                    .get(DIAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            String address = l.addresses().get(0) + "/p2p/" + identity.peerId();

            DialResult result = JsPeer.dial(DIAL_TIMEOUT, address, "--connections", "3", "--ping", "3",
                    "--echo-streams", "8", "--echo-bytes", Integer.toString(MIB));

            assertTrue(result.ok(), result::toString);
            assertAll(
                    () -> assertEquals(identity.peerId().toString(), result.string("remotePeerId")),
                    () -> assertEquals(3, result.integer("connections.opened"), result::toString),
                    () -> assertEquals(3, result.integer("connections.distinct"), result::toString),
                    () -> assertEquals(3, result.list("ping.rttsMs").size(), result::toString),
                    () -> assertTrue(result.bool("echo.ok"), result::toString),
                    () -> assertEquals(List.of(), result.list("echo.failures"), result::toString),
                    () -> assertEquals("braid/0.1.0", result.string("identify.agentVersion"), result::toString),
                    () -> assertTrue(result.list("identify.protocols").containsAll(List.of("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0")),
                            result::toString),
                    () -> assertTrue(result.list("identify.listenAddrs").contains(l.addresses().get(0).toString()),
                            result::toString));
            System.out.printf(Locale.ROOT, "js->Braid echo, 8 streams x 1 MiB over 3 connections: %d ms, %.1f MiB/s%n",
                    result.integer("echo.elapsedMs"), result.number("echo.payloadMiBPerSecond"));

            // Braid's own view: three inbound connections from the js dialer, no failed handshakes, and
            // Braid's own identify of the dialer (run on every new connection) answered by js.
            assertEquals(List.of(), inbound.failures);
            assertEquals(3, inbound.connections.size(), inbound.connections::toString);
            for (NetConn c : inbound.connections) {
                assertEquals(result.string("localPeerId"), c.remotePeer().toString());
                IdentifyResult js = TcpTransport.identify(c).get(DIAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertTrue(js.agentVersion().startsWith("js-libp2p/"), js::toString);
                assertEquals(c.remotePeer(), PublicKeys.unmarshal(js.publicKey()).toPeerId(), js::toString);
                c.closeFuture().get(DIAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            fail(e);
        }
    }

    @Test
    void jsDialingABraidListenerExpectingAnotherPeerIdIsRejectedAndBraidKeepsServing() throws Exception {
        Identity identity = Identity.generate();
        PeerId wrong = Identity.generate().peerId();
        Inbound inbound = new Inbound();
        try (TcpTransport braid = BraidSide.transport(identity)) {
            TransportListener l = braid.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"), inbound)
                    .get(DIAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            String address = l.addresses().get(0) + "/p2p/" + identity.peerId();

            DialResult rejected = JsPeer.dial(DIAL_TIMEOUT, address, "--expect-peer", wrong.toString(), "--ping", "1");

            // js: Noise compares the key in Braid's handshake payload with the peer id it dialed, and gives up.
            assertEquals(1, rejected.exitCode(), rejected::toString);
            assertFalse(rejected.bool("ok"), rejected::toString);
            assertFalse(rejected.has("remotePeerId"), rejected::toString);
            assertFalse(rejected.has("ping"), rejected::toString);
            assertEquals(wrong.toString(), rejected.string("expectedPeerId"), rejected::toString);
            String message = rejected.string("error.message");
            assertTrue(message.contains(identity.peerId().toString()) && message.contains(wrong.toString()),
                    rejected::toString);
            // Braid: the handshake js abandoned fails, and no connection is kept or handed out.
            inbound.firstFailure.get(DIAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(List.of(), inbound.connections, "Braid handed out the rejected connection");
            assertEquals(List.of(), braid.connections(), "Braid kept the rejected connection");

            // The listener keeps serving: a dial expecting the right peer id works.
            DialResult accepted = JsPeer.dial(DIAL_TIMEOUT, address, "--ping", "1");
            assertTrue(accepted.ok(), accepted::toString);
            assertEquals(identity.peerId().toString(), accepted.string("remotePeerId"), accepted::toString);
            assertEquals(1, accepted.list("ping.rttsMs").size(), accepted::toString);
            assertEquals(1, inbound.connections.size(), inbound.connections::toString);
            assertEquals(1, inbound.failures.size(), inbound.failures::toString);
        }
    }
}
