package io.braid.api;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads the official test vectors from the repository's {@code vectors/} folder, named by the system
 * property {@code braid.vectors.dir} (the root pom's surefire configuration sets it, and {@code
 * braid.repo.dir} to the repository root). A missing property, directory or file fails the test: vectors
 * are never silently skipped; so does a directory outside the repository. This mirrors testkit's {@code
 * TestVectors}, which {@code api} cannot depend on (testkit depends on api).
 */
final class Vectors {
  static final String PROPERTY = "braid.vectors.dir";
  static final String REPO_PROPERTY = "braid.repo.dir";

  private Vectors() {}

  /** The lines of vector file {@code name}, or a failed test saying exactly what is missing. */
  static List<String> lines(String name) {
    Path dir = property(PROPERTY);
    Path repo = property(REPO_PROPERTY);
    if (!Files.isDirectory(dir)) {
      return fail("test vector directory " + dir + " (from -D" + PROPERTY + ") does not exist");
    }
    try {
      if (!dir.toRealPath().startsWith(repo.toRealPath())) {
        return fail("test vector directory " + dir.toRealPath() + " lies outside the repository "
            + repo.toRealPath() + ": tests may read only files inside the repository (its vectors/ folder)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve " + dir + " or " + repo, e);
    }
    Path file = dir.resolve(name);
    if (!Files.isRegularFile(file)) {
      return fail("test vector file " + file + " is missing (the repository's vectors/ folder should hold it)");
    }
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static Path property(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      return fail("system property " + name + " is not set: run the tests through Maven (the root pom sets "
          + PROPERTY + " to <repo>/vectors and " + REPO_PROPERTY + " to <repo>)");
    }
    return Path.of(value).toAbsolutePath().normalize();
  }

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  /** {@code s} cut to a readable length for a test name. */
  static String shorten(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    String t = sb.toString();
    return t.length() <= 100 ? t : t.substring(0, 97) + "...";
  }
}
