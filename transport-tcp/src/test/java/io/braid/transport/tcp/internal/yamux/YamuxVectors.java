package io.braid.transport.tcp.internal.yamux;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The yamux lines of vectors-mss-yamux.txt (braid.vectors.dir); fails, never skips, when missing. */
final class YamuxVectors {

  private static final Pattern FRAME = Pattern.compile(
      "\\b([0-9a-f]{2}) ([0-9a-f]{2}) ([0-9a-f]{4}) ([0-9a-f]{8}) ([0-9a-f]{8})( ([0-9a-f]+))?");

  /** Description of a "YAMUX [DERIVED...]" line to its bytes (header and payload). */
  final Map<String, byte[]> frames = new LinkedHashMap<>();
  /** Description of a "YAMUX-BAD" line to the frames (headers, payload omitted) it names, in order. */
  final Map<String, List<byte[]>> bad = new LinkedHashMap<>();

  static YamuxVectors load() {
    return new YamuxVectors(io.braid.testkit.TestVectors.lines("vectors-mss-yamux.txt"));
  }

  private YamuxVectors(List<String> lines) {
    for (String line : lines) {
      if (line.startsWith("YAMUX [")) {
        int sep = line.lastIndexOf(" : ");
        String desc = line.substring(0, sep).replaceFirst("^YAMUX \\[[^\\]]*\\]\\s*", "")
            .replaceFirst("^YAMUX \\[", "").trim();
        if (line.startsWith("YAMUX [DERIVED from")) {
          desc = line.substring("YAMUX [DERIVED from ".length(), sep).trim();
        }
        String hex = line.substring(sep + 3).replace(" ", "").trim();
        frames.put(desc, HexFormat.of().parseHex(hex));
      } else if (line.startsWith("YAMUX-BAD")) {
        List<byte[]> list = new ArrayList<>();
        Matcher m = FRAME.matcher(line);
        while (m.find()) {
          list.add(HexFormat.of().parseHex(m.group(1) + m.group(2) + m.group(3) + m.group(4)
              + m.group(5)));
        }
        bad.put(line.substring("YAMUX-BAD".length()).trim(), list);
      }
    }
    assertFalse(frames.isEmpty(), "no yamux frame vectors found");
  }

  byte[] frame(String descriptionStart) {
    for (Map.Entry<String, byte[]> e : frames.entrySet()) {
      if (e.getKey().startsWith(descriptionStart)) {
        return e.getValue();
      }
    }
    throw new AssertionError("no yamux vector starting with '" + descriptionStart + "' in " + frames.keySet());
  }

  List<byte[]> bad(String descriptionStart) {
    for (Map.Entry<String, List<byte[]>> e : bad.entrySet()) {
      if (e.getKey().startsWith(descriptionStart)) {
        assertFalse(e.getValue().isEmpty(), "no frame bytes in bad vector " + e.getKey());
        return e.getValue();
      }
    }
    throw new AssertionError("no bad yamux vector starting with '" + descriptionStart + "' in " + bad.keySet());
  }
}
