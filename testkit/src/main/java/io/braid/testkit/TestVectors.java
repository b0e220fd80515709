package io.braid.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The official libp2p test vectors ({@code shared/vectors} beside the repository), found through the
 * system property {@value #PROPERTY}, which Braid's root pom sets for every test run. A missing
 * property, directory or file <em>fails</em> the calling test with a message saying how to fix it:
 * vectors are never silently skipped.
 */
public final class TestVectors {
  /** The system property naming the directory that holds the vector files. */
  public static final String PROPERTY = "braid.vectors.dir";

  private TestVectors() {}

  /** The vector file {@code name}, e.g. {@code vectors-noise.txt}; fails the test if it is missing. */
  public static Path file(String name) {
    String dir = System.getProperty(PROPERTY);
    if (dir == null || dir.isBlank()) {
      return fail("system property " + PROPERTY + " is not set: run the tests through Maven (the root pom sets"
          + " it to <repo>/../shared/vectors) or pass -D" + PROPERTY + "=<directory holding " + name + ">");
    }
    Path file = Path.of(dir).resolve(name);
    if (!Files.isRegularFile(file)) {
      return fail("test vector file " + file.toAbsolutePath().normalize() + " (from -D" + PROPERTY + ") is missing");
    }
    return file;
  }

  /** Every line of the vector file {@code name}. */
  public static List<String> lines(String name) {
    Path file = file(name);
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
