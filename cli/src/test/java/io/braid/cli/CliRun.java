package io.braid.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of {@code braid ...}: exit code, standard output and standard error. */
record CliRun(int exitCode, String out, String err) {
  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Braid.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** The value of {@code "key":} in the JSON output, up to the next comma or brace (strings keep their quotes). */
  String field(String key) {
    int i = out.indexOf("\"" + key + "\":");
    if (i < 0) {
      throw new AssertionError("no \"" + key + "\" in " + out);
    }
    int start = i + key.length() + 3;
    int depth = 0;
    int j = start;
    for (; j < out.length(); j++) {
      char c = out.charAt(j);
      if (c == '[' || c == '{') {
        depth++;
      } else if (c == ']' || c == '}') {
        if (depth == 0) {
          break;
        }
        depth--;
      } else if (c == ',' && depth == 0) {
        break;
      }
    }
    return out.substring(start, j).trim();
  }
}
