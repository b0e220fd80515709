package interoptests.braid;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.braid.api.ConnectionConfig;
import io.braid.api.Multiaddr;
import io.braid.api.NetConn;
import io.braid.api.NetStream;
import io.braid.api.PeerId;
import io.braid.api.PeerIdMismatchException;
import io.braid.core.Swarm;
import io.braid.identity.Identity;
import io.braid.transport.tcp.IdentifyResult;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A Braid node (TcpTransport, and a core Swarm) dials a js-libp2p listener. */
@Timeout(120)
@DisplayName("Braid dialer against js-libp2p listener")
class BraidDialsJsInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(10);
    private static final int MIB = 1024 * 1024;


    @Test
    void pingAndIdentifyWorkBothWaysOverABraidDialedConnection() throws Exception {
        Identity identity = Identity.generate();
        try (JsPeer listener = JsPeer.listen(); TcpTransport braid = BraidSide.transport(identity)) {
            PeerId jsPeer = PeerId.fromString(listener.peerId());
            NetConn conn = BraidSide.await(braid.dial(Multiaddr.fromString(listener.multiaddr()), jsPeer));
            assertEquals(jsPeer, conn.remotePeer());

            List<Duration> rtts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                rtts.add(BraidSide.await(TcpTransport.ping(conn)));
            }
            IdentifyResult id = BraidSide.await(TcpTransport.identify(conn));
            assertAll(
                    () -> assertTrue(id.agentVersion().startsWith("js-libp2p/"), id.toString()),
                    () -> assertEquals("ipfs/0.1.0", id.protocolVersion()),
                    () -> assertTrue(id.protocols().containsAll(List.of("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", BraidSide.ECHO)),
                            id.toString()),
                    () -> assertTrue(id.listenAddrs().contains(Multiaddr.fromString(listener.transportAddress())), id.toString()),
                    () -> assertEquals(conn.localAddress(), id.observedAddr().orElseThrow().withoutPeerId(),
                            "js saw our real address"));

            Map<String, Object> braidAsSeen = listener.awaitIdentified(identity.peerId().toString(), EVENT_TIMEOUT);
            assertEquals(identity.peerId().toString(), braidAsSeen.get("peerId"), braidAsSeen::toString);
            assertEquals("braid/0.1.0", braidAsSeen.get("agentVersion"), braidAsSeen::toString);
            assertTrue(((List<?>) braidAsSeen.get("protocols")).containsAll(List.of("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0")),
                    braidAsSeen::toString);
            System.out.println("Braid->js ping rtts: " + rtts);
        }
    }

    @Test
    void echoOverEightParallelStreamsOfOneMebibyteComesBackByteIdentical() throws Exception {
        try (JsPeer listener = JsPeer.listen(); TcpTransport braid = BraidSide.transport(Identity.generate())) {
            NetConn conn = BraidSide.await(braid.dial(Multiaddr.fromString(listener.multiaddr()), PeerId.fromString(listener.peerId())));
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
            System.out.printf(Locale.ROOT, "Braid->js echo, 8 streams x 1 MiB on one connection: %d ms, %.1f MiB/s%n",
                    ms, 8 * 1000.0 / Math.max(1, ms));
            assertTrue(conn.isOpen());
        }
    }

    @Test
    void aSwarmWithThreeConnectionsPerPeerOpensThreeConnectionsThatJsSees() throws Exception {
        Identity identity = Identity.generate();
        try (JsPeer listener = JsPeer.listen()) {
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
                    NetStream s = BraidSide.await(c.newStream(BraidSide.ECHO));
                    byte[] data = new byte[64 * 1024];
                    new Random(c.hashCode()).nextBytes(data);
                    assertArrayEquals(data, BraidSide.await(BraidSide.exchange(s, data, data.length)));
                    BraidSide.await(TcpTransport.ping(c));
                }
            } finally {
                swarm.close();
            }
            listener.awaitConnectionCount(identity.peerId().toString(), 0, EVENT_TIMEOUT);
        }
    }

    @Test
    void dialingAJsListenerExpectingAnotherPeerIdFailsWithPeerIdMismatch() throws Exception {
        try (JsPeer listener = JsPeer.listen(); JsPeer other = JsPeer.listen();
                TcpTransport braid = BraidSide.transport(Identity.generate())) {
            PeerId wrong = PeerId.fromString(other.peerId());
            Multiaddr address = Multiaddr.fromString(listener.transportAddress());
            try {
                NetConn c = braid.dial(address, wrong).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                fail("dial expecting " + wrong + " reached " + c.remotePeer());
            } catch (ExecutionException e) {
                PeerIdMismatchException m = assertInstanceOf(PeerIdMismatchException.class, e.getCause());
                assertEquals(wrong, m.expected());
                assertEquals(PeerId.fromString(listener.peerId()), m.actual());
                assertFalse(m.isRetryable());
            }
        }
    }
}
