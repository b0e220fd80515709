package interoptests.braid;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The stdout and stderr lines of a child process, collected as they arrive by two daemon threads.
 *
 * <p>Each line is also written to {@code System.out} with a prefix, so surefire keeps it in the test report
 * next to a failure. Waits are bounded; a wait that runs out fails with everything the process printed.
 * Thread-safe.
 */
final class ProcessOutput {
    /** Lines kept per stream; a chatty process cannot grow memory without bound. */
    private static final int MAX_LINES = 10_000;

    private final String label;
    private final List<String> stdout = new ArrayList<>();
    private final List<String> stderr = new ArrayList<>();
    private final Thread stdoutReader;
    private final Thread stderrReader;
    private int dropped;
    private int openStreams = 2;

    ProcessOutput(String label, Process process) {
        this.label = label;
        this.stdoutReader = reader(process.getInputStream(), stdout, "out");
        this.stderrReader = reader(process.getErrorStream(), stderr, "err");
    }

    private Thread reader(InputStream in, List<String> sink, String stream) {
        Thread thread = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    System.out.println("[" + label + " " + stream + "] " + line);
                    add(sink, line);
                }
            } catch (IOException e) {
                add(sink, "<reading " + stream + " failed: " + e + ">");
            } finally {
                synchronized (this) {
                    openStreams--;
                    notifyAll();
                }
            }
        }, label + "-" + stream);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private synchronized void add(List<String> sink, String line) {
        if (sink.size() < MAX_LINES) {
            sink.add(line);
        } else {
            dropped++;
        }
        notifyAll();
    }

    /**
     * Waits until a stdout line (already printed or still to come) matches, for at most {@code timeout}.
     *
     * @return the first matching line, or empty when none came in time or the process closed its stdout first
     */
    synchronized Optional<String> awaitStdoutLine(Predicate<String> matches, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int checked = 0;
        while (true) {
            for (; checked < stdout.size(); checked++) {
                if (matches.test(stdout.get(checked))) {
                    return Optional.of(stdout.get(checked));
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || openStreams == 0) {
                return Optional.empty();
            }
            Duration wait = Duration.ofNanos(left);
            wait(Math.max(1, wait.toMillis()));
        }
    }

    /** Waits at most {@code timeout} for the process to close both streams, so no line is missed. */
    void awaitEnd(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread thread : List.of(stdoutReader, stderrReader)) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            thread.join(left);
        }
    }

    synchronized List<String> stdout() {
        return List.copyOf(stdout);
    }

    synchronized List<String> stderr() {
        return List.copyOf(stderr);
    }

    /** Everything printed so far, for failure messages. */
    synchronized String describe() {
        StringBuilder text = new StringBuilder();
        text.append("--- ").append(label).append(" stdout ---\n");
        stdout.forEach(line -> text.append(line).append('\n'));
        text.append("--- ").append(label).append(" stderr ---\n");
        stderr.forEach(line -> text.append(line).append('\n'));
        if (dropped > 0) {
            text.append("(").append(dropped).append(" more lines dropped)\n");
        }
        return text.toString();
    }
}
