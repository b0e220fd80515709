package interoptests.braid;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.braid.api.InboundConnectionHandler;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.TransportListener;
import io.braid.identity.Identity;
import io.braid.transport.tcp.TcpTransport;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
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

            // Braid's own view: three inbound connections from the js dialer, no failed handshakes.
            assertEquals(List.of(), inbound.failures);
            assertEquals(3, inbound.connections.size(), inbound.connections::toString);
            for (NetConn c : inbound.connections) {
                assertEquals(result.string("localPeerId"), c.remotePeer().toString());
                c.closeFuture().get(DIAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            fail(e);
        }
    }
}
