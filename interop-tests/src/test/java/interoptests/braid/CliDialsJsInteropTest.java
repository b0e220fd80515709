package interoptests.braid;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.braid.cli.Braid;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code braid} command line tool, run in-process ({@link Braid#run}) with {@code --json}, against a
 * js-libp2p listener: {@code ping}, {@code echo}, and {@code perf} (served by {@code js/perf.mjs}).
 */
@Timeout(120)
@DisplayName("braid CLI against js-libp2p listener")
class CliDialsJsInteropTest {
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(10);
    private static final long MIB = 1024 * 1024;

    /** One in-process CLI run: its exit code and JSON, as a {@link DialResult} so the dotted accessors work. */
    private static DialResult cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Braid.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        String output = "braid " + String.join(" ", args) + "\nstdout: " + out + "\nstderr: " + err;
        System.out.println(output);
        String json = out.toString().strip();
        if (!json.startsWith("{")) {
            return fail("no JSON on stdout\n" + output);
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> parsed = (Map<String, Object>) MiniJson.parse(json);
            return new DialResult(code, parsed, output);
        } catch (IllegalArgumentException | ClassCastException e) {
            return fail("unreadable JSON\n" + output, e);
        }
    }

    /**
     * The CLI's peer id as the js listener saw it: the CLI makes a fresh identity per run and does not print
     * it, so it is read from the listener's first inbound CONNECTED line. js prints that line when the
     * connection opens, before any stream; the test's reader thread may still be on its way to it when the
     * CLI run returns, so this waits for it (bounded).
     */
    private static String cliPeerAsSeenBy(JsPeer listener) throws InterruptedException {
        Optional<String> line = listener.awaitEvent("CONNECTED ", EVENT_TIMEOUT);
        if (line.isEmpty()) {
            return fail("js listener reported no connection\n" + listener.describeOutput());
        }
        return line.get().split(" ")[1];
    }

    @Test
    @DisplayName("braid ping --json pings js over two connections and reads js's agent from identify")
    void pingReportsRttsAndJsAgent() throws Exception {
        try (JsPeer listener = JsPeer.listen()) {
            DialResult run = cli("ping", listener.multiaddr(), "--count", "3", "--connections", "2", "--json");

            assertTrue(run.ok(), run::toString);
            List<Object> rtts = run.list("rtt_ms");
            assertAll(
                    () -> assertEquals("ping", run.string("command")),
                    () -> assertEquals(listener.peerId(), run.string("peer")),
                    () -> assertTrue(run.string("agent").startsWith("js-libp2p/"), run::toString),
                    () -> assertEquals(2, run.integer("connections"), run::toString),
                    () -> assertEquals(3, run.integer("count"), run::toString),
                    () -> assertEquals(3, rtts.size(), run::toString),
                    () -> assertTrue(rtts.stream().allMatch(r -> (Double) r >= 0), run::toString),
                    () -> assertTrue(run.number("min_ms") <= run.number("avg_ms")
                            && run.number("avg_ms") <= run.number("max_ms"), run::toString));
            listener.awaitConnectionCount(cliPeerAsSeenBy(listener), 2, EVENT_TIMEOUT);
        }
    }

    @Test
    @DisplayName("braid echo --json sends 1 MiB on each of 4 streams over 2 connections to js and verifies every byte")
    void echoVerifiesFourStreamsSpreadOverTwoConnections() throws Exception {
        try (JsPeer listener = JsPeer.listen()) {
            DialResult run = cli("echo", listener.multiaddr(), "--bytes", "1MiB", "--streams", "4",
                    "--connections", "2", "--json");

            assertTrue(run.ok(), run::toString);
            assertAll(
                    () -> assertEquals(listener.peerId(), run.string("peer")),
                    () -> assertTrue(run.bool("verified"), run::toString),
                    () -> assertEquals(4, run.integer("streams"), run::toString),
                    () -> assertEquals((double) MIB, run.number("bytes_per_stream"), run::toString),
                    () -> assertEquals(4.0 * MIB, run.number("total_bytes"), run::toString),
                    () -> assertEquals("round_robin", run.string("balancer")),
                    () -> assertTrue(run.number("gbps") > 0, run::toString));
            @SuppressWarnings("unchecked")
            Map<String, Object> spread = (Map<String, Object>) run.json().get("streams_per_connection");
            assertEquals(2, spread.size(), run::toString);
            assertTrue(spread.values().stream().allMatch(n -> ((Double) n) == 2.0), run::toString);
            listener.awaitConnectionCount(cliPeerAsSeenBy(listener), 2, EVENT_TIMEOUT);
        }
    }

    @Test
    @DisplayName("braid conns --json opens 3 connections to the one js peer and js sees 3")
    void connsOpensThreeConnectionsThatJsSeesToo() throws Exception {
        try (JsPeer listener = JsPeer.listen()) {
            DialResult run = cli("conns", listener.multiaddr(), "--count", "3", "--json");

            assertTrue(run.ok(), run::toString);
            assertAll(
                    () -> assertEquals("conns", run.string("command")),
                    () -> assertEquals(listener.peerId(), run.string("peer")),
                    () -> assertEquals(3, run.integer("requested"), run::toString),
                    () -> assertEquals(3, run.integer("opened"), run::toString));
            listener.awaitConnectionCount(cliPeerAsSeenBy(listener), 3, EVENT_TIMEOUT);
        }
    }

    @Test
    @DisplayName("braid perf --json against js (perf.mjs serves /perf/1.0.0) moves exactly the bytes asked for")
    void perfAgainstJsMovesTheRightByteCounts() throws Exception {
        // @libp2p/perf is not in the npm registry this build uses; js/perf.mjs implements /perf/1.0.0 itself.
        try (JsPeer listener = JsPeer.listen()) {
            DialResult run = cli("perf", listener.multiaddr(), "--upload", "3MiB", "--download", "5MiB",
                    "--timeout", "30", "--json");

            assertEquals(0, run.exitCode(), run::toString);
            assertTrue(run.bool("ok"), run::toString);
            assertAll(
                    () -> assertEquals("perf", run.string("command")),
                    () -> assertEquals(3.0 * MIB, run.number("upload_bytes"), run::toString),
                    () -> assertEquals(5.0 * MIB, run.number("download_bytes"), run::toString),
                    () -> assertTrue(run.number("upload_gbps") > 0, run::toString),
                    () -> assertTrue(run.number("download_gbps") > 0, run::toString));
        }
    }
}
