package io.braid.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clone of the repository with nothing beside it must build and pass its tests: no test, pom or script may
 * name a path outside the repository. This reads every source, build and script file of the checkout and fails
 * on (1) a relative path whose leading {@code ../} steps climb above the repository root from where it is
 * resolved (a Java file's module directory, which is the test JVM's working directory; a pom's or script's own
 * directory), (2) an absolute path into the machine's own folders ({@code /work/}, {@code /home/}, {@code
 * /tmp/}, ...), and (3) the folder the project's shared vectors were once read from. The vector files
 * themselves are in {@code vectors/}; testkit's {@code TestVectors} refuses a vector directory outside the
 * repository at run time.
 */
@DisplayName("The repository is self-contained")
class SelfContainedRepositoryTest {
  private static final Set<String> SKIPPED_DIRECTORIES = Set.of(".git", "target", "node_modules", ".idea", ".vscode");
  private static final Pattern CLIMB = Pattern.compile("(?<![\\w.])((?:\\.\\./)+)");
  /** A machine's folders; installed tools ({@code /usr/bin}, JDKs under {@code /usr/lib/jvm}) are no files of a test. */
  private static final Pattern MACHINE_PATH = Pattern.compile(
      "(?<![\\w.$}-])/(?!usr/bin/|usr/lib/jvm)(?:work|home|tmp|opt|usr|var|etc|root|mnt|srv|media)/[\\w.-]");
  /** Built from parts so that a plain grep for it finds no reader in the tree. */
  private static final String OLD_VECTOR_HOME = ".." + "/shared";

  private static Path repo() throws IOException {
    String dir = System.getProperty("braid.repo.dir");
    assertTrue(dir != null && !dir.isBlank(), "braid.repo.dir is not set: run the tests through Maven");
    return Path.of(dir).toRealPath();
  }

  @Test
  void noFileOfTheRepositoryNamesAPathOutsideIt() throws IOException {
    Path repo = repo();
    List<String> offences = scan(repo);
    assertTrue(offences.isEmpty(), "paths outside the repository:\n  " + String.join("\n  ", offences));
  }

  @Test
  void theScanReadsTheRepositorysSourcesBuildFilesAndScripts() throws IOException {
    Path repo = repo();
    List<Path> files = scannedFiles(repo);
    assertTrue(files.contains(repo.resolve("pom.xml")), "root pom scanned");
    assertTrue(files.contains(repo.resolve(".ci/run")), ".ci/run scanned");
    assertTrue(files.contains(repo.resolve("bin/braid")), "bin/braid scanned");
    assertTrue(files.stream().anyMatch(f -> f.toString().endsWith("SelfContainedRepositoryTest.java")));
    assertTrue(files.stream().filter(f -> f.toString().endsWith(".java")).count() > 100, "java files scanned");
  }

  @Test
  void plantedOffencesAreFound(@TempDir Path tmp) throws IOException {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    write(repo.resolve("pom.xml"), "<relativePath>../pom.xml</relativePath>");
    write(repo.resolve("mod/pom.xml"), "<relativePath>../pom.xml</relativePath> <dir>${basedir}/../../x</dir>");
    write(repo.resolve("mod/src/test/java/A.java"),
        "class A { String ok = \"../pom.xml\"; String bad = \"../../elsewhere\"; String abs = \"/work/x\"; }");
    write(repo.resolve("mod/src/test/java/B.java"), "class B { String v = \"" + OLD_VECTOR_HOME + "\"; }");
    write(repo.resolve(".ci/run"), "#!/usr/bin/env bash\ncd \"$(dirname \"$0\")/..\" && ./mvnw -B verify");
    write(repo.resolve("bin/tool"), "exec java -cp /home/someone/lib.jar Main");
    write(repo.resolve("bin/jdks"), "for j in /usr/lib/jvm/*/; do /usr/bin/env \"$j/bin/java\" -version; done");

    List<String> offences = scan(repo);

    assertEquals(6, offences.size(), String.join("\n", offences));
    assertTrue(offences.get(0).startsWith("bin/tool:1"), offences.get(0));
    String all = String.join("\n", offences);
    assertTrue(offences.stream().anyMatch(o -> o.startsWith("pom.xml:1") && o.contains("climbs 1 levels from 0")), all);
    assertTrue(offences.stream().anyMatch(o -> o.startsWith("mod/pom.xml:1") && o.contains("climbs 2")), all);
    assertTrue(offences.stream().anyMatch(o -> o.startsWith("mod/src/test/java/A.java:1") && o.contains("climbs 2")), all);
    assertTrue(offences.stream().anyMatch(o -> o.startsWith("mod/src/test/java/A.java:1") && o.contains("'/work/")), all);
    assertTrue(offences.stream().anyMatch(o -> o.startsWith("mod/src/test/java/B.java:1")), all);
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
  }

  /** Every offence as {@code path:line: what}, in path order. */
  static List<String> scan(Path repo) throws IOException {
    List<String> offences = new ArrayList<>();
    for (Path file : scannedFiles(repo)) {
      if (file.endsWith("SelfContainedRepositoryTest.java")) {
        continue; // it names what it looks for
      }
      Path base = file.toString().endsWith(".java") ? moduleDirectory(repo, file) : file.getParent();
      int depth = repo.relativize(base).toString().isEmpty() ? 0 : repo.relativize(base).getNameCount();
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        if (i == 0 && line.startsWith("#!")) {
          continue; // an interpreter line (#!/usr/bin/env bash) names the machine's tools, not its files
        }
        String where = repo.relativize(file) + ":" + (i + 1) + ": ";
        Matcher climb = CLIMB.matcher(line);
        while (climb.find()) {
          int steps = climb.group(1).length() / 3;
          if (steps > depth) {
            offences.add(where + "'" + climb.group(1) + "' climbs " + steps + " levels from " + depth
                + " below the repository root");
          }
        }
        Matcher machine = MACHINE_PATH.matcher(line);
        if (machine.find()) {
          offences.add(where + "absolute path '" + machine.group() + "...' names a folder of this machine");
        }
        if (line.contains(OLD_VECTOR_HOME)) {
          offences.add(where + "reads " + OLD_VECTOR_HOME + ": the vectors are in the repository's vectors/ folder");
        }
      }
    }
    return offences;
  }

  /** The nearest directory at or above {@code file} holding a pom.xml: where surefire runs that module's tests. */
  private static Path moduleDirectory(Path repo, Path file) {
    for (Path dir = file.getParent(); dir != null && dir.startsWith(repo); dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    return repo;
  }

  /** Sources, build files and scripts: what can make a build or a test reach for a file. */
  static List<Path> scannedFiles(Path repo) throws IOException {
    List<Path> files = new ArrayList<>();
    Files.walkFileTree(repo, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        return !dir.equals(repo) && SKIPPED_DIRECTORIES.contains(dir.getFileName().toString())
            ? FileVisitResult.SKIP_SUBTREE
            : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        String name = file.getFileName().toString();
        Path parent = repo.relativize(file.getParent());
        boolean script = parent.toString().equals("bin") || parent.toString().equals(".ci");
        if (attrs.isRegularFile() && (script || name.equals("pom.xml") || name.endsWith(".java")
            || name.endsWith(".mjs") || name.endsWith(".js") || name.endsWith(".sh")
            || name.endsWith(".properties") || name.equals("package.json"))) {
          files.add(file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    files.sort(null);
    return files;
  }

}
