import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Installs the js-libp2p reference peer of the interop tests: runs {@code npm ci} in {@code interop-tests/js}
 * from the committed {@code package-lock.json}. The build runs it with Java's single-file launcher
 * ({@code java InstallJsPeer.java <js dir> <skipTests> <maven.test.skip>}) during generate-test-resources.
 *
 * <p>Why a program and not a bare {@code npm ci}: when node or npm is missing, the build must fail with a
 * message that says what to install (the tests never skip), and an up-to-date {@code node_modules} should not
 * be installed again. The stamp file records the SHA-256 of the lock file that {@code node_modules} was
 * installed from.
 *
 * <p>Exit status 0 when the peer is ready (or the tests are skipped), 1 otherwise, with the reason on stderr.
 */
public final class InstallJsPeer {
    private static final int MIN_NODE_MAJOR = 20;
    private static final String STAMP = ".braid-npm-ci.sha256";
    private static final String INSTALL_HINT = "Install Node.js " + MIN_NODE_MAJOR + " or newer with npm"
            + " (for example `apt-get install nodejs npm`, `brew install node`, or https://nodejs.org/)"
            + " and make sure `node` and `npm` are on the PATH, then build again.";

    private InstallJsPeer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            fail("usage: java InstallJsPeer.java <js dir> <skipTests> <maven.test.skip>");
        }
        if (Boolean.parseBoolean(args[1]) || Boolean.parseBoolean(args[2])) {
            System.out.println("[interop] tests are skipped: not installing the js-libp2p peer");
            return;
        }
        Path jsDir = Path.of(args[0]).toAbsolutePath().normalize();
        Path lock = jsDir.resolve("package-lock.json");
        if (!Files.isRegularFile(lock)) {
            fail("[interop] " + lock + " is missing: it pins the js-libp2p peer and belongs in the repository.");
        }

        String nodeVersion = versionOf(List.of("node", "--version"), "node");
        int major = nodeMajor(nodeVersion);
        if (major < MIN_NODE_MAJOR) {
            fail("[interop] the interop tests need Node.js " + MIN_NODE_MAJOR + " or newer, found " + nodeVersion
                    + ". " + INSTALL_HINT);
        }
        String npm = isWindows() ? "npm.cmd" : "npm";
        String npmVersion = versionOf(List.of(npm, "--version"), "npm");

        String lockHash = sha256(lock);
        Path stamp = jsDir.resolve("node_modules").resolve(STAMP);
        if (Files.isRegularFile(stamp)
                && Files.readString(stamp, StandardCharsets.UTF_8).trim().equals(lockHash)
                && Files.isDirectory(jsDir.resolve("node_modules").resolve("libp2p"))) {
            System.out.println("[interop] node " + nodeVersion + ", npm " + npmVersion
                    + ": js/node_modules matches package-lock.json, not running npm ci");
            return;
        }

        System.out.println("[interop] node " + nodeVersion + ", npm " + npmVersion + ": npm ci in " + jsDir);
        long started = System.nanoTime();
        // --ignore-scripts: none of the pinned packages needs an install script, and none may run one.
        List<String> command = new ArrayList<>(List.of(npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"));
        Process process = new ProcessBuilder(command).directory(jsDir.toFile()).inheritIO().start();
        if (!process.waitFor(15, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("[interop] npm ci did not finish within 15 minutes in " + jsDir);
        }
        if (process.exitValue() != 0) {
            fail("[interop] npm ci failed (exit " + process.exitValue() + ") in " + jsDir
                    + ": it needs the npm registry (or a mirror configured in .npmrc). See its output above.");
        }
        Files.writeString(stamp, lockHash + "\n", StandardCharsets.UTF_8);
        System.out.printf(Locale.ROOT, "[interop] npm ci took %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    private static String versionOf(List<String> command, String tool) throws InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("[interop] cannot run `" + tool + "` (" + e.getMessage() + "). The interop tests run js-libp2p,"
                    + " the reference libp2p peer, on Node.js. " + INSTALL_HINT);
            throw new AssertionError(e);
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("[interop] `" + String.join(" ", command) + "` did not answer within 60 s. " + INSTALL_HINT);
        }
        String output;
        try {
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalStateException("reading the output of " + command, e);
        }
        if (process.exitValue() != 0) {
            fail("[interop] `" + String.join(" ", command) + "` failed (exit " + process.exitValue() + "): "
                    + output + ". " + INSTALL_HINT);
        }
        return output;
    }

    private static int nodeMajor(String version) {
        // `node --version` prints v20.20.2
        String digits = version.startsWith("v") ? version.substring(1) : version;
        int dot = digits.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? digits : digits.substring(0, dot));
        } catch (NumberFormatException e) {
            fail("[interop] cannot read the Node.js version from `node --version`: " + version);
            throw new AssertionError(e);
        }
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }

    private static void fail(String message) {
        System.err.println(message);
        System.exit(1);
    }
}
