package io.braid.transport.tcp.internal.mss;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The multistream-select part of {@code vectors-mss-yamux.txt}, found through the system property
 * {@code braid.vectors.dir} (the root pom's surefire configuration sets it). A missing property, directory or file
 * fails the test: vectors are never silently skipped.
 */
final class MssVectors {
  static final String FILE = "vectors-mss-yamux.txt";

  private static final Pattern ENCODING = Pattern.compile("^MSS \\[(\\w+)\\]\\s+\"(.*)\"\\s+->\\s+([0-9a-f]+)\\s*$");
  private static final Pattern LONG_MESSAGE =
      Pattern.compile("^MSS \\[\\w+\\] (\\d+)-byte message .*varint prefix ([0-9a-f]+).*total (\\d+) bytes.*$");
  private static final Pattern TRANSCRIPT_LINE = Pattern.compile("^\\s+([<>]) ([0-9a-f]+)\\s*$");

  /** One {@code MSS "text" -> hex} line. */
  record Encoding(String source, String message, byte[] wire) {
    @Override
    public String toString() {
      return "\"" + message + "\" [" + source + "]";
    }
  }

  /** The 128-byte example: the message length, the expected uvarint prefix and the total wire size. */
  record LongMessage(int messageBytes, byte[] prefix, int totalBytes) {}

  /** One direction change in a transcript: '>' initiator to responder, '<' back. */
  record Packet(boolean fromInitiator, byte[] bytes) {}

  /** A transcript, named by the comment line above it. */
  record Transcript(String title, List<Packet> packets) {
    @Override
    public String toString() {
      return title;
    }
  }

  private MssVectors() {}

  static List<String> lines() {
    return io.braid.testkit.TestVectors.lines(FILE);
  }

  /** The multistream-select section only (up to the next "## ----" heading). */
  static List<String> mssSection() {
    List<String> out = new ArrayList<>();
    boolean in = false;
    for (String line : lines()) {
      if (line.startsWith("## ")) {
        in = line.contains("multistream-select");
        continue;
      }
      if (in) {
        out.add(line);
      }
    }
    if (out.isEmpty()) {
      fail(FILE + " has no multistream-select section");
    }
    return out;
  }

  static List<Encoding> encodings() {
    List<Encoding> out = new ArrayList<>();
    for (String line : mssSection()) {
      Matcher m = ENCODING.matcher(line);
      if (m.matches()) {
        out.add(new Encoding(m.group(1), m.group(2), HexFormat.of().parseHex(m.group(3))));
      }
    }
    return out;
  }

  static LongMessage longMessage() {
    for (String line : mssSection()) {
      Matcher m = LONG_MESSAGE.matcher(line);
      if (m.matches()) {
        return new LongMessage(Integer.parseInt(m.group(1)), HexFormat.of().parseHex(m.group(2)),
            Integer.parseInt(m.group(3)));
      }
    }
    return fail(FILE + " has no 'MSS ... N-byte message ... varint prefix ... total N bytes' line");
  }

  static List<Transcript> transcripts() {
    List<Transcript> out = new ArrayList<>();
    String title = null;
    List<Packet> packets = null;
    for (String line : mssSection()) {
      Matcher m = TRANSCRIPT_LINE.matcher(line);
      if (m.matches()) {
        if (packets == null) {
          packets = new ArrayList<>();
        }
        packets.add(new Packet(m.group(1).equals(">"), HexFormat.of().parseHex(m.group(2))));
        continue;
      }
      if (packets != null) {
        out.add(new Transcript(title, List.copyOf(packets)));
        packets = null;
      }
      if (line.startsWith("#")) {
        title = line.substring(1).strip();
      }
    }
    if (packets != null) {
      out.add(new Transcript(title, List.copyOf(packets)));
    }
    return out;
  }

  /** The comment lines of the "Negative cases" list. */
  static List<String> negativeCaseLines() {
    List<String> out = new ArrayList<>();
    boolean in = false;
    for (String line : mssSection()) {
      if (line.startsWith("# Negative cases")) {
        in = true;
        continue;
      }
      if (in && line.startsWith("#   - ")) {
        out.add(line.substring(6));
      } else if (in && !line.startsWith("#   ")) {
        in = false;
      }
    }
    return out;
  }
}
