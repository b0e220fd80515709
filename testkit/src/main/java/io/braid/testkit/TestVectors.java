package io.braid.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The official libp2p test vectors, kept in the repository's {@code vectors/} folder (its README says
 * where each file comes from) and found through the system property {@value #PROPERTY}, which Braid's
 * root pom sets for every test JVM, next to {@value #REPO_PROPERTY} naming the repository root.
 *
 * <p>A missing property, directory or file <em>fails</em> the calling test with a message saying how to
 * fix it: vectors are never silently skipped. So does a vector directory outside the repository: a clone
 * with nothing beside it must pass its tests, so no test may depend on files beside the checkout.
 *
 * <p>Thread-safe; every call reads the file anew.
 */
public final class TestVectors {
  /** The system property naming the directory that holds the vector files. */
  public static final String PROPERTY = "braid.vectors.dir";
  /** The system property naming the repository root, which the vector directory must lie within. */
  public static final String REPO_PROPERTY = "braid.repo.dir";

  private TestVectors() {}

  /** The vector file {@code name}, e.g. {@code vectors-noise.txt}; fails the test if it is missing. */
  public static Path file(String name) {
    Path dir = directory();
    Path file = dir.resolve(name);
    if (!Files.isRegularFile(file)) {
      return fail("test vector file " + file + " is missing (the repository's vectors/ folder should hold it)");
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

  /** The vector directory, checked to exist and to lie within the repository. */
  static Path directory() {
    Path dir = property(PROPERTY);
    Path repo = property(REPO_PROPERTY);
    if (!Files.isDirectory(dir)) {
      return fail("test vector directory " + dir + " (from -D" + PROPERTY + ") does not exist");
    }
    return requireInside(repo, dir);
  }

  /**
   * {@code path} itself, after checking that it lies within {@code repo} once both are resolved to real
   * paths (so neither {@code ..} nor a symbolic link can lead outside); fails the test otherwise.
   */
  static Path requireInside(Path repo, Path path) {
    Path realRepo;
    Path realPath;
    try {
      realRepo = repo.toRealPath();
      realPath = path.toRealPath();
    } catch (IOException e) {
      return fail("cannot resolve " + path + " against the repository " + repo + ": " + e);
    }
    if (!realPath.startsWith(realRepo)) {
      return fail("test vector directory " + realPath + " lies outside the repository " + realRepo
          + ": tests may read only files inside the repository (its vectors/ folder)");
    }
    return path;
  }

  private static Path property(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      return fail("system property " + name + " is not set: run the tests through Maven (the root pom sets "
          + PROPERTY + " to <repo>/vectors and " + REPO_PROPERTY + " to <repo>)");
    }
    return Path.of(value).toAbsolutePath().normalize();
  }
}
