package io.braid.transport.tcp.internal.noise;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the repository's vectors/vectors-noise.txt through {@link io.braid.testkit.TestVectors}. */
final class NoiseVectors {
  private static final Pattern SECTION = Pattern.compile("^\\[vector (\\w+):");
  private static final Pattern MESSAGE =
      Pattern.compile("^msg\\[(\\d+)\\] \\((handshake|transport), (initiator|responder)->(initiator|responder)\\) payload = ([0-9a-f]*)$");
  private static final Pattern CIPHERTEXT = Pattern.compile("^msg\\[(\\d+)\\] ciphertext = ([0-9a-f]*)$");
  private static final Pattern SPLIT = Pattern.compile(
      "^# DERIVED for vector (\\w+): Split\\(\\) keys\\s+k1\\(initiator->responder\\) = ([0-9a-f]{64})\\s+k2\\(responder->initiator\\) = ([0-9a-f]{64})$");

  record Message(int index, boolean handshake, boolean fromInitiator, byte[] payload, byte[] ciphertext) {}

  record Vector(String name, Map<String, String> fields, List<Message> messages, byte[] splitK1, byte[] splitK2) {
    byte[] hex(String field) {
      String v = fields.get(field);
      if (v == null) {
        fail("vector " + name + " has no field " + field);
      }
      return HexFormat.of().parseHex(v);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static List<Vector> load() throws IOException {
    Map<String, Map<String, String>> fields = new LinkedHashMap<>();
    Map<String, Map<Integer, Message>> messages = new LinkedHashMap<>();
    Map<String, byte[][]> splits = new LinkedHashMap<>();
    String current = null;
    HexFormat hex = HexFormat.of();
    for (String line : io.braid.testkit.TestVectors.lines("vectors-noise.txt")) {
      Matcher m;
      if ((m = SPLIT.matcher(line)).matches()) {
        splits.put(m.group(1), new byte[][] {hex.parseHex(m.group(2)), hex.parseHex(m.group(3))});
      } else if ((m = SECTION.matcher(line)).find()) {
        current = m.group(1);
        fields.put(current, new LinkedHashMap<>());
        messages.put(current, new LinkedHashMap<>());
      } else if (current == null || line.startsWith("#") || line.isBlank()) {
        continue;
      } else if ((m = MESSAGE.matcher(line)).matches()) {
        int i = Integer.parseInt(m.group(1));
        messages.get(current).put(i, new Message(i, m.group(2).equals("handshake"), m.group(3).equals("initiator"),
            hex.parseHex(m.group(5)), null));
      } else if ((m = CIPHERTEXT.matcher(line)).matches()) {
        int i = Integer.parseInt(m.group(1));
        Message p = messages.get(current).get(i);
        messages.get(current).put(i, new Message(i, p.handshake(), p.fromInitiator(), p.payload(), hex.parseHex(m.group(2))));
      } else {
        int eq = line.indexOf(" = ");
        if (eq > 0) {
          String key = line.substring(0, eq).replace(" (DERIVED)", "").trim();
          fields.get(current).put(key, line.substring(eq + 3).trim());
        }
      }
    }
    List<Vector> out = new ArrayList<>();
    for (String name : fields.keySet()) {
      byte[][] split = splits.get(name);
      assertTrue(split != null, "no Split() keys for vector " + name);
      out.add(new Vector(name, fields.get(name), new ArrayList<>(messages.get(name).values()), split[0], split[1]));
    }
    assertTrue(out.size() == 2, "expected 2 Noise vectors, found " + out.size());
    return out;
  }
}
