package interoptests.braid;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A js-libp2p peer ({@code interop-tests/js/peer.mjs}, pinned by {@code package-lock.json}) run by
 * {@code node} as a child process: the reference implementation the interop tests talk to.
 *
 * <p>{@link #listen()} starts a listener on loopback and returns once it printed its address;
 * {@link #dial(Duration, String...)} runs a dialer to completion and returns its JSON result. Both find
 * {@code node} on the PATH and the script in the directory named by the {@code braid.interop.js.dir} system
 * property (the build sets it; {@code ./js} otherwise). The build installs the packages ({@code npm ci}) first.
 *
 * <p>Every wait is bounded and fails the test with everything the process printed. The processes' output is
 * also copied to {@code System.out} as it arrives, so it lands in the surefire report. A listener is
 * {@link AutoCloseable}: {@link #close()} closes its stdin (the script exits on that), waits a little, then
 * kills it. Not thread-safe for concurrent close; the query methods are.
 */
final class JsPeer implements AutoCloseable {
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    static final Duration EXIT_TIMEOUT = Duration.ofSeconds(5);
    /** Time a dial run gets beyond its own {@code --timeout-ms} to start node and print its result. */
    static final Duration DIAL_GRACE = Duration.ofSeconds(15);

    private static final Pattern LISTEN_LINE = Pattern.compile("LISTEN (/\\S+/p2p/(\\S+))");
    private static final AtomicInteger IDS = new AtomicInteger();

    private final Process process;
    private final ProcessOutput output;
    private final String multiaddr;
    private final String peerId;
    private boolean closed;

    private JsPeer(Process process, ProcessOutput output, String multiaddr, String peerId) {
        this.process = process;
        this.output = output;
        this.multiaddr = multiaddr;
        this.peerId = peerId;
    }

    /**
     * Starts {@code node peer.mjs listen} and waits (at most {@link #START_TIMEOUT}) for its
     * {@code LISTEN <multiaddr>/p2p/<peer id>} line.
     *
     * @throws AssertionError when the listener exits or stays silent; the process is killed then
     */
    static JsPeer listen() throws IOException, InterruptedException {
        return listen(new String[0]);
    }

    /** {@link #listen()} with more {@code peer.mjs listen} options, e.g. {@code --security tls}. */
    static JsPeer listen(String... options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("listen");
        command.addAll(List.of(options));
        Process process = start(command);
        ProcessOutput output = new ProcessOutput("js-listen-" + IDS.incrementAndGet(), process);
        Optional<String> line;
        try {
            line = output.awaitStdoutLine(l -> LISTEN_LINE.matcher(l).matches(), START_TIMEOUT);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            throw e;
        }
        if (line.isEmpty()) {
            process.destroyForcibly();
            output.awaitEnd(EXIT_TIMEOUT);
            throw new AssertionError("js listener printed no LISTEN line within " + START_TIMEOUT
                    + " (alive: " + process.isAlive() + ")\n" + output.describe());
        }
        Matcher matcher = LISTEN_LINE.matcher(line.get());
        if (!matcher.matches()) {
            throw new IllegalStateException("the LISTEN line matched once and not twice: " + line.get());
        }
        return new JsPeer(process, output, matcher.group(1), matcher.group(2));
    }

    /**
     * Runs {@code node peer.mjs dial <args...> --timeout-ms <timeout>} to completion and parses the JSON line
     * it printed. The arguments are those of {@code peer.mjs dial}, starting with the multiaddr to dial.
     *
     * @return the result, whatever the exit code (a test may expect a failure)
     * @throws AssertionError when the run outlives {@code timeout} plus {@link #DIAL_GRACE} (it is killed) or
     *     prints a line that is not JSON
     */
    static DialResult dial(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("dial");
        command.addAll(List.of(args));
        command.add("--timeout-ms");
        command.add(Long.toString(timeout.toMillis()));
        Process process = start(command);
        process.getOutputStream().close();
        ProcessOutput output = new ProcessOutput("js-dial-" + IDS.incrementAndGet(), process);
        Duration limit = timeout.plus(DIAL_GRACE);
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            output.awaitEnd(EXIT_TIMEOUT);
            throw new AssertionError("js dial still running after " + limit + ": killed\n" + output.describe());
        }
        output.awaitEnd(EXIT_TIMEOUT);
        Map<String, Object> json = Map.of();
        for (String line : output.stdout()) {
            if (line.startsWith("{")) {
                try {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> parsed = (Map<String, Object>) MiniJson.parse(line);
                    json = parsed;
                } catch (IllegalArgumentException | ClassCastException e) {
                    throw new AssertionError("js dial printed a line that is not a JSON object: " + e.getMessage()
                            + "\n" + output.describe(), e);
                }
            }
        }
        return new DialResult(process.exitValue(), json, output.describe());
    }

    private static Process start(List<String> args) throws IOException {
        Path jsDir = jsDir();
        Path script = jsDir.resolve("peer.mjs");
        if (!Files.isDirectory(jsDir.resolve("node_modules"))) {
            throw new AssertionError(jsDir.resolve("node_modules") + " is missing: the build installs it with"
                    + " `npm ci` (run the tests through ./mvnw, or run `npm ci` in " + jsDir + ")");
        }
        List<String> command = new ArrayList<>(List.of("node", script.toString()));
        command.addAll(args);
        try {
            return new ProcessBuilder(command).directory(jsDir.toFile()).start();
        } catch (IOException e) {
            throw new IOException("cannot start `node` (" + e.getMessage() + "): the interop tests need Node.js 20"
                    + " or newer on the PATH", e);
        }
    }

    static Path jsDir() {
        return Path.of(System.getProperty("braid.interop.js.dir", "js")).toAbsolutePath().normalize();
    }

    /** The full address to dial, {@code /ip4/127.0.0.1/tcp/<port>/p2p/<peer id>}. */
    String multiaddr() {
        return multiaddr;
    }

    /** The address without its {@code /p2p/<peer id>} part. */
    String transportAddress() {
        return multiaddr.substring(0, multiaddr.lastIndexOf("/p2p/"));
    }

    String peerId() {
        return peerId;
    }

    /**
     * Waits (at most {@code timeout}) until the listener reported {@code count} live connections with
     * {@code remotePeerId}, counting its {@code CONNECTED}/{@code DISCONNECTED} lines so far and to come.
     *
     * @throws AssertionError when it did not within {@code timeout}
     */
    void awaitConnectionCount(String remotePeerId, int count, Duration timeout) throws InterruptedException {
        String suffix = " count=" + count;
        Optional<String> line = output.awaitStdoutLine(
                l -> (l.startsWith("CONNECTED " + remotePeerId + " ") || l.startsWith("DISCONNECTED " + remotePeerId + " "))
                        && l.endsWith(suffix),
                timeout);
        if (line.isEmpty()) {
            throw new AssertionError("js listener " + peerId + " did not report " + count + " connection(s) with "
                    + remotePeerId + " within " + timeout + "\n" + output.describe());
        }
    }

    /**
     * Waits (at most {@code timeout}) for the listener's identify result about {@code remotePeerId}: what the
     * remote said about itself ({@code peerId}, {@code agentVersion}, {@code protocolVersion}, {@code protocols},
     * {@code listenAddrs}, {@code observedAddr}), from the first {@code IDENTIFIED} line for that peer.
     *
     * @throws AssertionError when none came within {@code timeout}
     */
    Map<String, Object> awaitIdentified(String remotePeerId, Duration timeout) throws InterruptedException {
        String prefix = "IDENTIFIED " + remotePeerId + " ";
        Optional<String> line = output.awaitStdoutLine(l -> l.startsWith(prefix), timeout);
        if (line.isEmpty()) {
            throw new AssertionError("js listener " + peerId + " did not identify " + remotePeerId + " within "
                    + timeout + "\n" + output.describe());
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> json = (Map<String, Object>) MiniJson.parse(line.get().substring(prefix.length()));
            return json;
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new AssertionError("unreadable IDENTIFIED line: " + line.get(), e);
        }
    }

    /**
     * Waits (at most {@code timeout}) for the first stdout line that starts with {@code prefix}: the process's
     * output is read on another thread, so a line js printed may not have been read yet when a caller looks.
     */
    Optional<String> awaitEvent(String prefix, Duration timeout) throws InterruptedException {
        return output.awaitStdoutLine(l -> l.startsWith(prefix), timeout);
    }

    /** The listener's stdout lines so far (LISTEN, CONNECTED, DISCONNECTED, IDENTIFIED). */
    List<String> events() {
        return output.stdout();
    }

    String describeOutput() {
        return output.describe();
    }

    /** The exit code once the process ended, empty while it runs. */
    Optional<Integer> exitCode() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    /** Closes the listener's stdin (it stops on that), waits up to {@link #EXIT_TIMEOUT}, then kills it. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // the process is gone already: nothing to tell it
        }
        if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            System.out.println("[js-listen " + peerId + "] did not exit within " + EXIT_TIMEOUT + " of stdin closing: killed");
            process.destroyForcibly().waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        output.awaitEnd(EXIT_TIMEOUT);
    }
}
