package io.braid.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

class TestVectorsTest {
  @TempDir Path tmp;

  @Test
  void theBuildPointsAtTheRepositorysOwnVectorFolder() throws IOException {
    Path repo = Path.of(System.getProperty(TestVectors.REPO_PROPERTY)).toRealPath();
    assertEquals(repo.resolve("vectors"), TestVectors.directory().toRealPath());
    for (String name : new String[] {"vectors-peerid.txt", "vectors-multiaddr.txt", "vectors-noise.txt",
        "vectors-mss-yamux.txt"}) {
      assertFalse(TestVectors.lines(name).isEmpty(), name);
    }
    assertTrue(Files.isRegularFile(repo.resolve("vectors/README.md")), "vectors/README.md names each file's source");
  }

  @Test
  void aDirectoryInsideTheRepositoryIsAccepted() throws IOException {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Path inside = Files.createDirectories(repo.resolve("vectors"));
    Files.createDirectories(repo.resolve("a"));
    assertEquals(inside, TestVectors.requireInside(repo, inside));
    assertEquals(repo.resolve("a/../vectors"), TestVectors.requireInside(repo, repo.resolve("a/../vectors")));
  }

  @Test
  void aDirectoryBesideTheRepositoryFails() throws IOException {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Path beside = Files.createDirectories(tmp.resolve("shared/vectors"));
    AssertionFailedError e =
        assertThrows(AssertionFailedError.class, () -> TestVectors.requireInside(repo, repo.resolve("..").resolve("shared").resolve("vectors")));
    assertTrue(e.getMessage().contains("outside the repository"), e.getMessage());
    assertThrows(AssertionFailedError.class, () -> TestVectors.requireInside(repo, beside));
  }

  @Test
  void aSymbolicLinkLeadingOutOfTheRepositoryFails() throws IOException {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Path outside = Files.createDirectories(tmp.resolve("elsewhere"));
    Path link = Files.createSymbolicLink(repo.resolve("vectors"), outside);
    assertThrows(AssertionFailedError.class, () -> TestVectors.requireInside(repo, link));
  }

  @Test
  void aRepositoryPrefixIsNotMistakenForContainment() throws IOException {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Path sibling = Files.createDirectories(tmp.resolve("repo-other"));
    assertThrows(AssertionFailedError.class, () -> TestVectors.requireInside(repo, sibling));
  }
}
