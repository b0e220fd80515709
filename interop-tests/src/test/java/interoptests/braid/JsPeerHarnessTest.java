package interoptests.braid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The harness itself: listener lifecycle, dial failures, and argument checking in {@code peer.mjs}. */
@Timeout(60)
class JsPeerHarnessTest {
    private static final Duration DIAL_TIMEOUT = Duration.ofSeconds(10);

    @Test
    void listenerPrintsALoopbackAddressWithItsPeerIdAndExitsCleanlyWhenItsInputCloses() throws Exception {
        JsPeer listener = JsPeer.listen();
        try {
            assertTrue(listener.multiaddr().matches("/ip4/127\\.0\\.0\\.1/tcp/[0-9]+/p2p/12D3KooW[1-9A-HJ-NP-Za-km-z]+"),
                    listener.multiaddr());
            assertTrue(listener.multiaddr().endsWith("/p2p/" + listener.peerId()));
            assertEquals(Optional.empty(), listener.exitCode());
        } finally {
            listener.close();
        }
        // Exit code 0 means it stopped on its own when stdin closed; a killed process reports another code.
        assertEquals(Optional.of(0), listener.exitCode(), listener::describeOutput);
    }

    @Test
    void dialToAClosedPortFailsWithAnErrorInsteadOfHanging() throws Exception {
        String peerId;
        String address;
        try (JsPeer listener = JsPeer.listen()) {
            peerId = listener.peerId();
            address = listener.multiaddr();
        }
        // The listener has stopped, so its port refuses connections now.
        DialResult result = JsPeer.dial(DIAL_TIMEOUT, address, "--ping", "1");

        assertEquals(1, result.exitCode(), result::toString);
        assertFalse(result.bool("ok"), result::toString);
        assertTrue(result.has("error.message"), result::toString);
        assertFalse(result.has("remotePeerId"), result::toString);
        assertTrue(address.endsWith(peerId));
    }

    @Test
    void dialWithAMalformedOptionIsAUsageErrorWithoutJson() throws Exception {
        DialResult result = JsPeer.dial(DIAL_TIMEOUT, "/ip4/127.0.0.1/tcp/1/p2p/12D3KooWEBvkkAqz67o4Y31u7ZYcGK1kmhsmZK5zzEXEHBdC3Z4h",
                "--ping", "many");

        assertEquals(2, result.exitCode(), result::toString);
        assertTrue(result.json().isEmpty(), result::toString);
        assertTrue(result.output().contains("--ping needs a whole number"), result::toString);
    }

    @Test
    void dialToAnAddressWithoutPeerIdIsAUsageError() throws Exception {
        DialResult result = JsPeer.dial(DIAL_TIMEOUT, "/ip4/127.0.0.1/tcp/1");

        assertEquals(2, result.exitCode(), result::toString);
        assertTrue(result.output().contains("must end with /p2p/<peer id>"), result::toString);
    }
}
