package interoptests.braid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.braid.api.ConnectionConfig;
import io.braid.api.Multiaddr;
import io.braid.api.NetStream;
import io.braid.api.PeerId;
import io.braid.core.Swarm;
import io.braid.identity.Identity;
import io.braid.protocols.Echo;
import io.braid.protocols.Perf;
import io.braid.protocols.PerfResult;
import io.braid.transport.tcp.TcpTransportProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Throughput figures, measured in one run on one loopback TCP connection (Noise + Yamux) and one stream:
 * Braid to Braid, Braid to js, js to Braid and js to js. Figures only: nothing here asserts a speed, only
 * that every byte arrived (so a broken pair fails instead of printing a number).
 *
 * <p>The common measure is {@code /echo/1.0.0}: js-libp2p's perf service is not available to this build
 * (see the README), so a js peer cannot serve or run {@code /perf/1.0.0}. Echo moves the payload both ways
 * at once; the figure is payload MiB over the time from first write to last byte back, as both
 * {@link Echo#client} and {@code peer.mjs dial} measure it. Braid to Braid is also measured with
 * {@code /perf/1.0.0} upload only.
 *
 * <p>Opt-in, as it moves a few hundred MiB: {@code ./mvnw -B -o -pl interop-tests verify
 * -Dtest=PerfComparisonTest -Dbraid.perf.compare=true [-Dbraid.perf.mib=64]}. The Java side is warmed up
 * once (an echo of a quarter of the size) before the table; every js dialer is a fresh Node.js process.
 */
@EnabledIfSystemProperty(named = "braid.perf.compare", matches = "true")
@Timeout(600)
@DisplayName("throughput comparison: Braid and js-libp2p, one connection, one stream")
class PerfComparisonTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final long MIB = 1024 * 1024;

    private record Row(String pair, String protocol, long bytes, Duration time) {
        double mibPerSecond() {
            return (double) bytes / MIB / (time.toNanos() / 1e9);
        }
    }

    private static <T> T await(CompletableFuture<T> f) throws InterruptedException {
        try {
            return f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return fail("failed: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            return fail("no answer within " + WAIT, e);
        }
    }

    private static Swarm swarm() {
        Swarm swarm = Swarm.builder(Identity.generate())
                .connectionConfig(ConnectionConfig.builder().maxConnectionsPerPeer(1).build())
                .transportProvider(new TcpTransportProvider())
                .build();
        swarm.setStreamHandler(Echo.PROTOCOL, Echo.server());
        swarm.setStreamHandler(Perf.PROTOCOL, Perf.server());
        return swarm;
    }

    private static Row braidEcho(String pair, Swarm dialer, PeerId peer, long bytes) throws InterruptedException {
        NetStream stream = await(dialer.newStream(peer, Echo.PROTOCOL));
        Echo.EchoResult result = await(Echo.client(stream, bytes));
        assertEquals(bytes, result.bytes(), pair);
        return new Row(pair, "echo", bytes, result.time());
    }

    private static Row jsEcho(String pair, String multiaddr, long bytes) throws Exception {
        DialResult result = JsPeer.dial(WAIT, multiaddr, "--echo-streams", "1", "--echo-bytes", Long.toString(bytes),
                "--timeout-ms", Long.toString(WAIT.toMillis()));
        assertTrue(result.ok() && result.bool("echo.ok"), result::toString);
        assertEquals(1, result.integer("echo.connectionsUsed"), result::toString);
        return new Row(pair, "echo", bytes, Duration.ofMillis(Math.max(1, result.integer("echo.elapsedMs"))));
    }

    @Test
    @DisplayName("prints one table of echo (and Braid perf) throughput for every pair")
    void printsThroughputTable() throws Exception {
        long bytes = Long.getLong("braid.perf.mib", 64) * MIB;
        List<Row> rows = new ArrayList<>();
        Swarm braidListener = swarm();
        Swarm braidDialer = swarm();
        try (JsPeer jsListener = JsPeer.listen()) {
            Multiaddr listenAddress = await(braidListener.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"))).get(0);
            String braidMultiaddr = listenAddress + "/p2p/" + braidListener.localPeer();
            PeerId braidPeer = braidListener.localPeer();
            PeerId jsPeer = PeerId.fromString(jsListener.peerId());
            braidDialer.addAddresses(braidPeer, listenAddress);
            braidDialer.addAddresses(jsPeer, Multiaddr.fromString(jsListener.multiaddr()));
            assertEquals(1, await(braidDialer.dialPeer(braidPeer)).size());
            assertEquals(1, await(braidDialer.dialPeer(jsPeer)).size());

            braidEcho("warm-up", braidDialer, braidPeer, bytes / 4);

            rows.add(braidEcho("Braid -> Braid", braidDialer, braidPeer, bytes));
            NetStream perfStream = await(braidDialer.newStream(braidPeer, Perf.PROTOCOL));
            PerfResult perf = await(Perf.client(perfStream, bytes, 0));
            assertEquals(bytes, perf.uploadBytes());
            rows.add(new Row("Braid -> Braid", "perf upload", bytes, perf.uploadTime()));
            rows.add(braidEcho("Braid -> js", braidDialer, jsPeer, bytes));
            rows.add(jsEcho("js -> Braid", braidMultiaddr, bytes));
            rows.add(jsEcho("js -> js", jsListener.multiaddr(), bytes));
        } finally {
            braidDialer.close();
            braidListener.close();
        }

        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "%nThroughput, one loopback TCP connection (Noise + Yamux), one stream, Java %s, %d CPUs%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors()));
        table.append(String.format(Locale.ROOT, "%-16s %-12s %8s %10s %10s%n", "pair", "protocol", "MiB", "seconds", "MiB/s"));
        for (Row r : rows) {
            table.append(String.format(Locale.ROOT, "%-16s %-12s %8d %10.3f %10.1f%n", r.pair(), r.protocol(),
                    r.bytes() / MIB, r.time().toNanos() / 1e9, r.mibPerSecond()));
        }
        System.out.println(table);
        assertEquals(5, rows.size());
    }
}
