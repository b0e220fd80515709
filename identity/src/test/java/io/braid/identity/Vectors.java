package io.braid.identity;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The official test vectors, found through the system property {@code braid.vectors.dir} (the root pom's
 * surefire configuration sets it). A missing property, directory or file fails the test: vectors are
 * never silently skipped.
 */
final class Vectors {
  static final String PEER_ID_FILE = "vectors-peerid.txt";

  private Vectors() {}

  static List<String> lines(String name) {
    return io.braid.testkit.TestVectors.lines(name);
  }

  /** The {@code [section]} blocks of {@code vectors-peerid.txt}, each a map of its {@code key = value} lines. */
  static Map<String, Map<String, String>> peerIdSections() {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    Map<String, String> current = null;
    for (String line : lines(PEER_ID_FILE)) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      if (l.startsWith("[") && l.endsWith("]")) {
        current = new LinkedHashMap<>();
        out.put(l.substring(1, l.length() - 1), current);
      } else if (current != null && l.contains(" = ")) {
        int eq = l.indexOf(" = ");
        current.put(l.substring(0, eq).strip(), l.substring(eq + 3).strip());
      }
    }
    return out;
  }

  /** The four key vectors, by name ({@code "vector 1: ed25519"} …). */
  static Map<String, Map<String, String>> keyVectors() {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    peerIdSections().forEach((name, v) -> {
      if (name.startsWith("vector ")) {
        out.put(name, v);
      }
    });
    return out;
  }

  /** The key vector of {@code type}; fails the test if the file has none. */
  static Map<String, String> keyVector(KeyType type) {
    return keyVectors().values().stream()
        .filter(v -> String.valueOf(type.number()).equals(v.get("key_type")))
        .findFirst()
        .orElseGet(() -> fail(PEER_ID_FILE + " has no key vector with key_type = " + type.number()));
  }

  static String get(Map<String, String> section, String key) {
    String v = section.get(key);
    return v != null ? v : fail(PEER_ID_FILE + ": key '" + key + "' missing in " + section);
  }

  static byte[] hexValue(Map<String, String> section, String key) {
    return hex(get(section, key));
  }

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.toLowerCase(java.util.Locale.ROOT));
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
