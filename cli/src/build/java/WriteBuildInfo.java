import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Build step (run by exec-maven-plugin with {@code java WriteBuildInfo.java}): writes
 * {@code io/braid/cli/build.properties} under the given output directory with the project version and the
 * commit, for {@code braid --version}. The commit comes from {@code git rev-parse --short=12 HEAD}; without
 * git (or outside a clone) from the {@code .git} files themselves (worktrees and packed refs included); else
 * {@code unknown}. Never uses the network and never fails the build.
 *
 * <p>Arguments: output directory, project version, project base directory.
 */
public final class WriteBuildInfo {
  public static void main(String[] args) throws IOException {
    Path out = Path.of(args[0], "io", "braid", "cli", "build.properties");
    String version = args[1];
    Path base = Path.of(args[2]).toAbsolutePath();
    String commit = fromGit(base);
    if (commit == null) {
      commit = fromFiles(base);
    }
    if (commit == null) {
      commit = "unknown";
    }
    String text = "version=" + version + "\ncommit=" + commit + "\n";
    Files.createDirectories(out.getParent());
    if (!Files.exists(out) || !Files.readString(out).equals(text)) {
      Files.writeString(out, text, StandardCharsets.UTF_8);
    }
  }

  private static String fromGit(Path base) {
    try {
      Process p = new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD").directory(base.toFile())
          .redirectErrorStream(true).start();
      p.getOutputStream().close();
      String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      return p.exitValue() == 0 && s.matches("[0-9a-f]{7,40}") ? s : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** HEAD read from the files: {@code .git} may be a directory or (a worktree) a file naming one. */
  private static String fromFiles(Path base) {
    try {
      for (Path d = base; d != null; d = d.getParent()) {
        Path git = d.resolve(".git");
        if (Files.isDirectory(git)) {
          return head(git, git);
        }
        if (Files.isRegularFile(git)) {
          String line = Files.readString(git).trim();
          if (!line.startsWith("gitdir:")) {
            return null;
          }
          Path gitDir = d.resolve(line.substring("gitdir:".length()).trim()).normalize();
          Path common = gitDir;
          Path commondir = gitDir.resolve("commondir");
          if (Files.isRegularFile(commondir)) {
            common = gitDir.resolve(Files.readString(commondir).trim()).normalize();
          }
          return head(gitDir, common);
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }

  private static String head(Path gitDir, Path common) throws IOException {
    String head = Files.readString(gitDir.resolve("HEAD")).trim();
    if (!head.startsWith("ref:")) {
      return shortHash(head);
    }
    String ref = head.substring("ref:".length()).trim();
    for (Path dir : new Path[] {gitDir, common}) {
      Path file = dir.resolve(ref);
      if (Files.isRegularFile(file)) {
        return shortHash(Files.readString(file).trim());
      }
    }
    Path packed = common.resolve("packed-refs");
    if (Files.isRegularFile(packed)) {
      for (String line : Files.readAllLines(packed)) {
        if (line.endsWith(" " + ref)) {
          return shortHash(line.substring(0, line.indexOf(' ')));
        }
      }
    }
    return null;
  }

  private static String shortHash(String hash) {
    return hash.matches("[0-9a-f]{40}") ? hash.substring(0, 12) : null;
  }
}
