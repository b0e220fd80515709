package interoptests.braid;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * js-libp2p against js-libp2p through {@link JsPeer}: proves the harness and the reference peer before a Braid
 * node takes one side. Each test runs its own listener, so connection counts never mix.
 */
@Timeout(120)
@DisplayName("js-libp2p dialer against js-libp2p listener")
class JsToJsInteropTest {
    private static final Duration DIAL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(10);
    private static final int MIB = 1024 * 1024;

    @Test
    void pingRoundTripsOverTheDialedConnection() throws Exception {
        try (JsPeer listener = JsPeer.listen()) {
            DialResult result = JsPeer.dial(DIAL_TIMEOUT, listener.multiaddr(), "--ping", "5");

            assertTrue(result.ok(), result::toString);
            assertEquals(listener.peerId(), result.string("remotePeerId"), result::toString);
            assertEquals(5, result.integer("ping.count"), result::toString);
            List<Object> rtts = result.list("ping.rttsMs");
            assertEquals(5, rtts.size(), result::toString);
            for (Object rtt : rtts) {
                double ms = (Double) rtt;
                assertTrue(ms >= 0 && ms < DIAL_TIMEOUT.toMillis(), () -> "rtt " + ms + " ms\n" + result);
            }
        }
    }

    @Test
    void identifyReportsTheListenersPeerIdProtocolsAndAddresses() throws Exception {
        try (JsPeer listener = JsPeer.listen()) {
            DialResult result = JsPeer.dial(DIAL_TIMEOUT, listener.multiaddr());

            assertTrue(result.ok(), result::toString);
            List<Object> protocols = result.list("identify.protocols");
            assertAll(
                    () -> assertEquals(listener.peerId(), result.string("identify.peerId")),
                    () -> assertTrue(result.string("identify.agentVersion").startsWith("js-libp2p/3.3.11"),
                            result.string("identify.agentVersion")),
                    () -> assertEquals("ipfs/0.1.0", result.string("identify.protocolVersion")),
                    () -> assertTrue(protocols.containsAll(List.of("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", "/echo/1.0.0")),
                            protocols::toString),
                    () -> assertTrue(result.list("identify.listenAddrs").contains(listener.transportAddress()),
                            result::toString),
                    // The listener saw the dialer's ephemeral loopback port: the observed address is real.
                    () -> assertTrue(result.string("identify.observedAddr").startsWith("/ip4/127.0.0.1/tcp/"),
                            result::toString));

            // Identify runs both ways: the listener learnt the dialer's peer id and protocols too.
            Map<String, Object> dialer = listener.awaitIdentified(result.string("localPeerId"), EVENT_TIMEOUT);
            assertEquals(result.string("localPeerId"), dialer.get("peerId"), dialer::toString);
            assertTrue(((List<?>) dialer.get("protocols")).containsAll(List.of("/ipfs/id/1.0.0", "/echo/1.0.0")),
                    dialer::toString);
            assertTrue(String.valueOf(dialer.get("agentVersion")).startsWith("js-libp2p/"), dialer::toString);
        }
    }

    @Test
    void echoOverEightParallelStreamsOfOneMebibyteComesBackByteIdentical() throws Exception {
        try (JsPeer listener = JsPeer.listen()) {
            DialResult result = JsPeer.dial(DIAL_TIMEOUT, listener.multiaddr(),
                    "--echo-streams", "8", "--echo-bytes", Integer.toString(MIB));

            assertTrue(result.ok(), result::toString);
            assertAll(
                    () -> assertTrue(result.bool("echo.ok"), result::toString),
                    () -> assertEquals(8, result.integer("echo.streams")),
                    () -> assertEquals(1, result.integer("echo.connectionsUsed")),
                    () -> assertEquals(MIB, result.integer("echo.bytesPerStream")),
                    () -> assertEquals(List.of(), result.list("echo.failures")));
            System.out.printf(Locale.ROOT, "js<->js echo, 8 streams x 1 MiB on one connection: %d ms, %.1f MiB/s%n",
                    result.integer("echo.elapsedMs"), result.number("echo.payloadMiBPerSecond"));
        }
    }

    @Test
    void threeForcedConnectionsAreSeenByBothSidesAndCarryEchoStreams() throws Exception {
        try (JsPeer listener = JsPeer.listen()) {
            DialResult result = JsPeer.dial(DIAL_TIMEOUT, listener.multiaddr(),
                    "--connections", "3", "--echo-streams", "6", "--echo-bytes", "65536");

            assertTrue(result.ok(), result::toString);
            assertAll(
                    () -> assertEquals(3, result.integer("connections.opened")),
                    () -> assertEquals(3, result.integer("connections.distinct")),
                    () -> assertEquals(3, result.integer("connections.open")),
                    () -> assertEquals(3, result.integer("echo.connectionsUsed")),
                    () -> assertTrue(result.bool("echo.ok")));
            String dialer = result.string("localPeerId");
            listener.awaitConnectionCount(dialer, 3, EVENT_TIMEOUT);
            // The dialer has exited: the listener sees every one of the three connections close.
            listener.awaitConnectionCount(dialer, 0, EVENT_TIMEOUT);
            assertEquals(3, listener.events().stream().filter(l -> l.startsWith("CONNECTED " + dialer + " inbound")).count(),
                    listener::describeOutput);
        }
    }

    @Test
    void dialExpectingAnotherPeerIdIsRejectedDuringTheHandshake() throws Exception {
        try (JsPeer listener = JsPeer.listen(); JsPeer other = JsPeer.listen()) {
            assertNotEquals(listener.peerId(), other.peerId());

            DialResult result = JsPeer.dial(DIAL_TIMEOUT, listener.multiaddr(), "--expect-peer", other.peerId(),
                    "--ping", "1");

            assertEquals(1, result.exitCode(), result::toString);
            assertFalse(result.bool("ok"), result::toString);
            assertFalse(result.has("remotePeerId"), result::toString);
            assertFalse(result.has("ping"), result::toString);
            assertEquals(other.peerId(), result.string("expectedPeerId"));
            // Noise compares the identity key in the handshake payload with the peer id that was dialed.
            String message = result.string("error.message");
            assertTrue(message.contains(listener.peerId()) && message.contains(other.peerId()), result::toString);
        }
    }

    @Test
    void largerEchoMeasuresThroughputOverOneConnection() throws Exception {
        try (JsPeer listener = JsPeer.listen()) {
            // 64 MiB each way: on a busy 2-core runner this took up to 4.5 s, so it gets a roomier bound.
            DialResult result = JsPeer.dial(Duration.ofSeconds(60), listener.multiaddr(),
                    "--echo-streams", "4", "--echo-bytes", Integer.toString(16 * MIB));

            assertTrue(result.ok(), result::toString);
            assertTrue(result.bool("echo.ok"), result::toString);
            System.out.printf(Locale.ROOT,
                    "js<->js echo throughput, 4 streams x 16 MiB on one connection: %d ms, %.1f MiB/s each way%n",
                    result.integer("echo.elapsedMs"), result.number("echo.payloadMiBPerSecond"));
        }
    }

    @Test
    void perfOverTwoStreamsMovesTheRequestedBytesBothWays() throws Exception {
        try (JsPeer listener = JsPeer.listen()) {
            DialResult run = JsPeer.dial(Duration.ofSeconds(60), listener.multiaddr(),
                    "--perf-streams", "2", "--perf-upload", "1048576", "--perf-download", "2097152");
            assertEquals(0, run.exitCode(), run::toString);
            assertEquals(2.0 * 1048576, run.number("perf.uploadBytes"), run::toString);
            assertEquals(2.0 * 2097152, run.number("perf.downloadBytes"), run::toString);
            assertTrue(run.number("perf.downloadMs") > 0, run::toString);
        }
    }
}
