package com.example.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README shows this module's files as the way to write a third-party balancer. Each block there
 * that is preceded by {@code <!-- file: PATH -->} must equal the file at PATH, so the README can never
 * show code that does not compile or pass its tests.
 */
class ReadmeShowsThisExampleTest {
  private static final String MARKER = "<!-- file: ";

  @Test
  void everyFileQuotedInTheReadmeIsIdenticalToTheCompiledOne() throws IOException {
    Path repo = Path.of(System.getProperty("braid.repo.dir", "../.."));
    List<String> lines = Files.readAllLines(repo.resolve("README.md"));
    List<String> checked = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (!line.startsWith(MARKER)) {
        continue;
      }
      String path = line.substring(MARKER.length(), line.indexOf("-->")).trim();
      int open = i + 1;
      assertTrue(lines.get(open).startsWith("```"), "README: a code block must follow " + line);
      StringBuilder block = new StringBuilder();
      int j = open + 1;
      while (!lines.get(j).startsWith("```")) {
        block.append(lines.get(j)).append('\n');
        j++;
      }
      assertEquals(Files.readString(repo.resolve(path)), block.toString(),
          "README block for " + path + " differs from the file");
      checked.add(path);
      i = j;
    }
    assertTrue(checked.size() >= 4, "README should quote the provider, the balancer, the services file and "
        + "the test; found " + checked);
  }
}
