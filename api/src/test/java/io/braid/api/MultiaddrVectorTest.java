package io.braid.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every line of {@code vectors-multiaddr.txt} (valid string/hex pairs, invalid strings, invalid bytes and
 * go-multiaddr's fuzz regressions), each its own test named after the vector.
 */
@DisplayName("Multiaddr against the official vectors")
class MultiaddrVectorTest {
  private static final String FILE = "vectors-multiaddr.txt";
  private static final String VALID_STRING_ONLY = "#   valid-string-only [G]: ";

  /** One data line: kind, the fields after it (comments dropped), and its line number. */
  private record Line(int number, String kind, List<String> fields) {
    String field(int i) {
      return i < fields.size() ? fields.get(i) : "";
    }
  }

  private static List<Line> lines(String kind) {
    List<String> raw = Vectors.lines(FILE);
    List<Line> out = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      String l = raw.get(i);
      if (l.isBlank() || l.startsWith("#")) {
        continue;
      }
      List<String> f = new ArrayList<>(Arrays.asList(l.split("\t", -1)));
      // Fields from the first one starting with '#' on are a comment (never at index 0 or 1: kind, source).
      for (int k = 2; k < f.size(); k++) {
        if (f.get(k).startsWith("#")) {
          f.subList(k, f.size()).clear();
          break;
        }
      }
      if (f.get(0).equals(kind)) {
        out.add(new Line(i + 1, f.get(0), List.copyOf(f.subList(1, f.size()))));
      }
    }
    if (out.isEmpty()) {
      fail(FILE + " has no '" + kind + "' lines: is it truncated?");
    }
    return out;
  }

  @Test
  void theFileHoldsAsManyVectorsOfEachKindAsItsHeaderAnnounces() {
    Pattern counts = Pattern.compile("# COUNTS: (\\d+) valid .*?, (\\d+) invalid strings, (\\d+) invalid byte"
        + " inputs, (\\d+) fuzz");
    Matcher m = Vectors.lines(FILE).stream().map(counts::matcher).filter(Matcher::find).findFirst()
        .orElseThrow(() -> new AssertionError(FILE + " has no '# COUNTS:' header line"));
    assertEquals(Integer.parseInt(m.group(1)), lines("V").size(), "V lines");
    assertEquals(Integer.parseInt(m.group(2)), lines("XS").size(), "XS lines");
    assertEquals(Integer.parseInt(m.group(3)), lines("XB").size(), "XB lines");
    assertEquals(Integer.parseInt(m.group(4)), lines("FZ").size(), "FZ lines");
  }

  @TestFactory
  @DisplayName("V: string and bytes convert into each other, printing the canonical string")
  Stream<DynamicNode> validVectors() {
    return lines("V").stream().map(v -> {
      String text = v.field(1);
      byte[] bytes = Vectors.hex(v.field(2));
      String canonical = v.field(3).isEmpty() ? text : v.field(3);
      return dynamicContainer("line " + v.number() + " [" + v.field(0) + "] " + Vectors.shorten(text), Stream.of(
          dynamicTest("string encodes to the vector's bytes",
              () -> assertEquals(v.field(2), Vectors.hex(Multiaddr.fromString(text).toBytes()))),
          dynamicTest("bytes decode to the canonical string",
              () -> assertEquals(canonical, Multiaddr.fromBytes(bytes).toString())),
          dynamicTest("string prints as the canonical string",
              () -> assertEquals(canonical, Multiaddr.fromString(text).toString())),
          dynamicTest("both forms give equal multiaddrs",
              () -> assertEquals(Multiaddr.fromBytes(bytes), Multiaddr.fromString(text)))));
    });
  }

  @TestFactory
  @DisplayName("XS: invalid strings are rejected with IllegalArgumentException")
  Stream<DynamicNode> invalidStrings() {
    return lines("XS").stream().map(v -> {
      String text = v.field(1);
      return dynamicTest("line " + v.number() + " [" + v.field(0) + "] '" + Vectors.shorten(text) + "'", () -> {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> Multiaddr.fromString(text));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "the exception explains itself");
      });
    });
  }

  @TestFactory
  @DisplayName("XB: invalid bytes are rejected with IllegalArgumentException")
  Stream<DynamicNode> invalidBytes() {
    return lines("XB").stream().map(v -> {
      byte[] bytes = Vectors.hex(v.field(1));
      return dynamicTest("line " + v.number() + " [" + v.field(0) + "] '" + v.field(1) + "'", () -> {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> Multiaddr.fromBytes(bytes));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "the exception explains itself");
      });
    });
  }

  @TestFactory
  @DisplayName("FZ: fuzz regressions are rejected cleanly or round-trip, quickly")
  Stream<DynamicNode> fuzzRegressions() {
    return lines("FZ").stream().map(v -> {
      String kind = v.field(1);
      byte[] input = Vectors.hex(v.field(2));
      return dynamicTest("line " + v.number() + " " + v.field(0) + " (" + kind + ", " + input.length + " bytes)",
          () -> assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            Multiaddr m;
            try {
              if (kind.equals("bytes")) {
                m = Multiaddr.fromBytes(input);
                assertArrayEquals(input, m.toBytes(), "accepted bytes are kept as they are");
              } else if (kind.equals("string")) {
                // Go strings are bytes; invalid UTF-8 becomes U+FFFD here, which is just another input.
                m = Multiaddr.fromString(new String(input, StandardCharsets.UTF_8));
              } else {
                throw new AssertionError("unknown FZ kind '" + kind + "' on line " + v.number());
              }
            } catch (IllegalArgumentException rejected) {
              return;
            }
            MultiaddrRoundTrip.assertRoundTrips(m);
          }));
    });
  }

  @TestFactory
  @DisplayName("go-multiaddr's string-only valid examples (listed as comments) parse and round-trip")
  Stream<DynamicNode> validStringOnlyExamples() {
    List<String> raw = Vectors.lines(FILE);
    List<DynamicNode> tests = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      if (raw.get(i).startsWith(VALID_STRING_ONLY)) {
        String text = raw.get(i).substring(VALID_STRING_ONLY.length()).trim();
        tests.add(dynamicTest("line " + (i + 1) + " " + Vectors.shorten(text),
            () -> MultiaddrRoundTrip.assertRoundTrips(Multiaddr.fromString(text))));
      }
    }
    assertTrue(tests.size() >= 10, "expected the valid-string-only examples in " + FILE);
    return tests.stream();
  }
}
