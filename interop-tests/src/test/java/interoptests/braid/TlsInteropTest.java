package interoptests.braid;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.braid.api.ConnectionConfig;
import io.braid.api.InboundConnectionHandler;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.PeerId;
import io.braid.api.PeerIdMismatchException;
import io.braid.api.TransportListener;
import io.braid.core.Swarm;
import io.braid.identity.Identity;
import io.braid.identity.PublicKeys;
import io.braid.transport.tcp.IdentifyResult;
import io.braid.transport.tcp.SecurityProtocol;
import io.braid.transport.tcp.TcpTransport;
import io.braid.transport.tcp.TcpTransportProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * libp2p TLS ({@code /tls/1.0.0}) against js-libp2p's {@code @libp2p/tls}: Braid dials a TLS-only js listener,
 * a TLS-only js dialer dials Braid. js offers {@code /yamux/1.0.0} through ALPN, so both directions take the
 * early muxer path (no multistream-select for the muxer); the fallback path is covered Braid to Braid.
 */
@Timeout(180)
@DisplayName("libp2p TLS between Braid and js-libp2p")
class TlsInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(10);
    private static final int MIB = 1024 * 1024;


    @Test
    void braidDialsATlsOnlyJsListenerPingsIdentifiesAndEchoesEightMebibyteStreams() throws Exception {
        Identity identity = Identity.generate();
        try (JsPeer listener = JsPeer.listen("--security", "tls");
                TcpTransport braid = BraidSide.transport(identity, List.of(SecurityProtocol.TLS))) {
            PeerId jsPeer = PeerId.fromString(listener.peerId());
            NetConn conn = BraidSide.await(braid.dial(Multiaddr.fromString(listener.multiaddr()), jsPeer));
            assertEquals(jsPeer, conn.remotePeer());
            assertEquals(SecurityProtocol.TLS, TcpTransport.security(conn));
            assertTrue(TcpTransport.earlyMuxerNegotiated(conn), "js offers /yamux/1.0.0 through ALPN");

            List<Duration> rtts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                rtts.add(BraidSide.await(TcpTransport.ping(conn)));
            }
            IdentifyResult id = BraidSide.await(TcpTransport.identify(conn));
            assertTrue(id.agentVersion().startsWith("js-libp2p/"), id.toString());
            assertEquals(jsPeer, PublicKeys.unmarshal(id.publicKey()).toPeerId());
            Map<String, Object> braidAsSeen = listener.awaitIdentified(identity.peerId().toString(), EVENT_TIMEOUT);
            assertEquals("braid/0.1.0", braidAsSeen.get("agentVersion"), braidAsSeen::toString);

            List<byte[]> sent = new ArrayList<>();
            List<CompletableFuture<byte[]>> echoes = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < 8; i++) {
                byte[] data = new byte[MIB];
                new Random(i).nextBytes(data);
                sent.add(data);
                echoes.add(conn.newStream(BraidSide.ECHO).thenCompose(s -> BraidSide.exchange(s, data, MIB)));
            }
            for (int i = 0; i < 8; i++) {
                assertArrayEquals(sent.get(i), BraidSide.await(echoes.get(i)), "echo of stream " + i);
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            System.out.printf(Locale.ROOT, "Braid->js TLS: ping rtts %s; echo 8 x 1 MiB on one connection %d ms%n", rtts, ms);
            assertTrue(conn.isOpen());
        }
    }

    @Test
    void aSwarmProposingNoiseThenTlsOpensThreeTlsConnectionsToATlsOnlyJsListener() throws Exception {
        Identity identity = Identity.generate();
        try (JsPeer listener = JsPeer.listen("--security", "tls")) {
            // The provider's transport has the default order: TLS first where BoringSSL loads; on the JDK
            // provider Noise first, which js refuses, then /tls/1.0.0.
            Swarm swarm = Swarm.builder(identity)
                    .connectionConfig(ConnectionConfig.builder().maxConnectionsPerPeer(3).build())
                    .transportProvider(new TcpTransportProvider())
                    .loadBalancer((peer, candidates) -> candidates.get(0))
                    .build();
            try {
                PeerId jsPeer = PeerId.fromString(listener.peerId());
                swarm.addAddresses(jsPeer, Multiaddr.fromString(listener.multiaddr()));
                List<NetConn> conns = BraidSide.await(swarm.dialPeer(jsPeer));

                assertEquals(3, conns.size(), conns::toString);
                assertEquals(3, new HashSet<>(conns.stream().map(NetConn::localAddress).toList()).size());
                listener.awaitConnectionCount(identity.peerId().toString(), 3, EVENT_TIMEOUT);
                for (NetConn c : conns) {
                    byte[] data = new byte[64 * 1024];
                    new Random(c.hashCode()).nextBytes(data);
                    assertArrayEquals(data, BraidSide.await(c.newStream(BraidSide.ECHO).thenCompose(s -> BraidSide.exchange(s, data, data.length))));
                    BraidSide.await(TcpTransport.ping(c));
                }
            } finally {
                swarm.close();
            }
            listener.awaitConnectionCount(identity.peerId().toString(), 0, EVENT_TIMEOUT);
        }
    }

    @Test
    void aTlsOnlyJsDialerPingsIdentifiesAndEchoesOverThreeConnectionsToABraidListener() throws Exception {
        Identity identity = Identity.generate();
        List<NetConn> inbound = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        // The listener has the default security list: it offers both, js asks for /tls/1.0.0.
        try (TcpTransport braid = BraidSide.transport(identity)) {
            TransportListener l = braid.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"), new InboundConnectionHandler() {
                @Override
                public boolean accept(Multiaddr remoteAddress) {
                    return true;
                }

                @Override
                public void connected(NetConn connection) {
                    inbound.add(connection);
                }

                @Override
                public void failed(Multiaddr remoteAddress, Throwable cause) {
                    failures.add(cause);
                }
            }).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            String address = l.addresses().get(0) + "/p2p/" + identity.peerId();

            DialResult result = JsPeer.dial(WAIT, address, "--security", "tls", "--connections", "3", "--ping", "3",
                    "--echo-streams", "8", "--echo-bytes", Integer.toString(MIB));

            assertTrue(result.ok(), result::toString);
            assertAll(
                    () -> assertEquals(identity.peerId().toString(), result.string("remotePeerId")),
                    () -> assertEquals(3, result.integer("connections.distinct"), result::toString),
                    () -> assertEquals(3, result.list("ping.rttsMs").size(), result::toString),
                    () -> assertTrue(result.bool("echo.ok"), result::toString),
                    () -> assertEquals(List.of(), result.list("echo.failures"), result::toString),
                    () -> assertEquals("braid/0.1.0", result.string("identify.agentVersion"), result::toString));
            assertEquals(List.of(), failures);
            assertEquals(3, inbound.size(), inbound::toString);
            for (NetConn c : inbound) {
                assertEquals(SecurityProtocol.TLS, TcpTransport.security(c));
                assertTrue(TcpTransport.earlyMuxerNegotiated(c), "js offers /yamux/1.0.0 through ALPN");
                assertEquals(result.string("localPeerId"), c.remotePeer().toString());
                IdentifyResult js = BraidSide.await(TcpTransport.identify(c));
                assertEquals(c.remotePeer(), PublicKeys.unmarshal(js.publicKey()).toPeerId(), js::toString);
            }
            System.out.printf(Locale.ROOT, "js->Braid TLS echo, 8 x 1 MiB over 3 connections: %d ms%n",
                    result.integer("echo.elapsedMs"));
        }
    }

    @Test
    void aWrongExpectedPeerIdIsRejectedOverTlsInBothDirections() throws Exception {
        Identity identity = Identity.generate();
        try (JsPeer listener = JsPeer.listen("--security", "tls"); JsPeer other = JsPeer.listen("--security", "tls");
                TcpTransport braid = BraidSide.transport(identity, List.of(SecurityProtocol.TLS))) {
            PeerId wrong = PeerId.fromString(other.peerId());
            try {
                NetConn c = braid.dial(Multiaddr.fromString(listener.transportAddress()), wrong)
                        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                fail("dial expecting " + wrong + " reached " + c.remotePeer());
            } catch (ExecutionException e) {
                PeerIdMismatchException m = assertInstanceOf(PeerIdMismatchException.class, e.getCause());
                assertEquals(wrong, m.expected());
                assertEquals(PeerId.fromString(listener.peerId()), m.actual());
            }

            TransportListener l = braid.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"), BraidSide.ACCEPT_ALL).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            DialResult result = JsPeer.dial(WAIT, l.addresses().get(0) + "/p2p/" + identity.peerId(), "--security", "tls",
                    "--expect-peer", other.peerId(), "--ping", "1");
            assertFalse(result.ok(), result::toString);
            assertEquals(1, result.exitCode(), result::toString);
        }
    }
}
