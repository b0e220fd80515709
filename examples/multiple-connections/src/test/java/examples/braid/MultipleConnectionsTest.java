package examples.braid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(90)
class MultipleConnectionsTest {

  private static String run(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      code = MultipleConnections.run(out, args);
    }
    String printed = bytes.toString(StandardCharsets.UTF_8);
    System.out.print(printed);
    assertEquals(0, code, printed);
    return printed;
  }

  private static int intAfter(String printed, String regex) {
    Matcher m = Pattern.compile(regex).matcher(printed);
    assertTrue(m.find(), () -> "no match for " + regex + " in\n" + printed);
    return Integer.parseInt(m.group(1));
  }

  @ParameterizedTest(name = "the {0} section dials {1} TCP connections and spreads {2} echo streams over all of them")
  @CsvSource({"default, 3, 6", "custom, 5, 10", "production, 3, 6"})
  void eachSectionDialsItsConnectionCountAndSpreadsStreams(String section, int connections, int streams) {
    String printed = run(section);

    assertEquals(connections, intAfter(printed, "dial_peer -> (\\d+) connections"), printed);
    assertEquals(connections, intAfter(printed, "getConnections\\(peer\\) -> (\\d+) connections"), printed);
    assertEquals(connections, intAfter(printed, "getConnectionsMap\\(\\) -> \\S+: (\\d+) connections"), printed);
    assertTrue(printed.contains("connectionsLegacy() -> "), printed);
    assertEquals(connections, printed.lines().filter(l -> l.matches("  connection \\S+ /ip4/127\\.0\\.0\\.1/tcp/\\d+ -> .*"))
        .map(l -> l.split(" ")[4]).distinct().count(), () -> "distinct local ports\n" + printed);

    List<String> streamLines = printed.lines().filter(l -> l.startsWith("stream ")).toList();
    assertEquals(streams, streamLines.size(), printed);
    assertEquals(connections, streamLines.stream().map(l -> l.substring(l.indexOf("connection "))).distinct().count(),
        () -> "streams not spread over every connection\n" + printed);
    assertEquals(streams * 64L * 1024, (long) intAfter(printed, "echoed (\\d+) bytes"), printed);
    Matcher perConn = Pattern.compile("streams per connection: \\[([\\d, ]+)]").matcher(printed);
    assertTrue(perConn.find(), printed);
    int[] counts = Arrays.stream(perConn.group(1).split(", ")).mapToInt(Integer::parseInt).toArray();
    assertEquals(connections, counts.length, printed);
    for (int c : counts) {
      assertEquals(2, c, () -> "two streams per connection expected\n" + printed);
    }
  }

  @Test
  @DisplayName("all runs the three sections in order")
  void allRunsTheThreeSections() {
    String printed = run("all");
    List<Integer> dialed = Pattern.compile("dial_peer -> (\\d+) connections").matcher(printed).results()
        .map(r -> Integer.parseInt(r.group(1))).toList();
    assertEquals(List.of(3, 5, 3), dialed, printed);
    assertTrue(printed.indexOf("== default") < printed.indexOf("== custom")
        && printed.indexOf("== custom") < printed.indexOf("== production"), printed);
  }

  @Test
  @DisplayName("an unknown section name is a usage error that names the valid ones")
  void unknownSectionIsAUsageError() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = MultipleConnections.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), "staging");
    assertEquals(2, code);
    assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("default, custom, production or all"));
  }
}
