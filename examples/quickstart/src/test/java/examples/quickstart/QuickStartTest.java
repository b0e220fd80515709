package examples.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class QuickStartTest {
  private static final String MARKER = "<!-- file: examples/quickstart/src/main/java/examples/quickstart/QuickStart.java -->";

  @Test
  @Timeout(60)
  void theQuickStartDialsOpensAStreamAndReadsTheEchoedReply() throws Exception {
    assertEquals("3 connections; reply: hello, braid", QuickStart.talk("hello, braid"));
    assertEquals("3 connections; reply: " + "x".repeat(100_000), QuickStart.talk("x".repeat(100_000)));
  }

  @Test
  void readmeShowsExactlyThisFile() throws IOException {
    Path repo = Path.of(System.getProperty("braid.repo.dir"));
    List<String> lines = Files.readAllLines(repo.resolve("README.md"));
    int at = lines.indexOf(MARKER);
    assertTrue(at >= 0, "README.md should quote the quick start after " + MARKER);
    assertTrue(lines.get(at + 1).startsWith("```java"), "a java code block follows the marker");
    StringBuilder block = new StringBuilder();
    for (int i = at + 2; !lines.get(i).startsWith("```"); i++) {
      block.append(lines.get(i)).append('\n');
    }
    assertEquals(Files.readString(repo.resolve("examples/quickstart/src/main/java/examples/quickstart/QuickStart.java")),
        block.toString(), "README's quick start differs from the compiled and tested file");
  }
}
