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
 * Finds the official test vectors through the system property {@code braid.vectors.dir} (the root pom's
 * surefire configuration sets it). A missing property, directory or file fails the test: vectors are never
 * silently skipped.
 */
final class Vectors {
  static final String PROPERTY = "braid.vectors.dir";

  private Vectors() {}

  /** The lines of vector file {@code name}, or a failed test saying exactly what is missing. */
  static List<String> lines(String name) {
    String dir = System.getProperty(PROPERTY);
    if (dir == null || dir.isBlank()) {
      return fail("system property " + PROPERTY + " is not set: run the tests through Maven (the root pom sets"
          + " it to <repo>/../shared/vectors) or pass -D" + PROPERTY + "=<directory holding " + name + ">");
    }
    Path file = Path.of(dir).resolve(name);
    if (!Files.isDirectory(Path.of(dir))) {
      return fail("test vector directory " + Path.of(dir).toAbsolutePath().normalize() + " (from -D" + PROPERTY
          + ") does not exist");
    }
    if (!Files.isRegularFile(file)) {
      return fail("test vector file " + file.toAbsolutePath().normalize() + " is missing");
    }
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
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
