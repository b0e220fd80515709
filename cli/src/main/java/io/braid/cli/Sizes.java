package io.braid.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Byte sizes as users type them: {@code 1000}, {@code 64KiB}, {@code 1MiB}, {@code 1GiB}, {@code 10MB}. */
final class Sizes implements ITypeConverter<Long> {
  private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*([a-z]*)");
  /** Largest accepted size: 1 TiB, so a typo cannot ask for an endless transfer. */
  static final long MAX = 1L << 40;

  @Override
  public Long convert(String value) {
    return parse(value);
  }

  static long parse(String value) {
    Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new TypeConversionException("'" + value + "' is not a size (examples: 1000, 64KiB, 1MiB, 1GiB)");
    }
    long unit = switch (m.group(2)) {
      case "", "b" -> 1;
      case "k", "kib" -> 1L << 10;
      case "m", "mib" -> 1L << 20;
      case "g", "gib" -> 1L << 30;
      case "kb" -> 1_000;
      case "mb" -> 1_000_000;
      case "gb" -> 1_000_000_000;
      default -> throw new TypeConversionException("'" + value + "' has an unknown unit '" + m.group(2)
          + "' (use B, KiB, MiB, GiB, KB, MB or GB)");
    };
    long n;
    try {
      n = Math.multiplyExact(Long.parseLong(m.group(1)), unit);
    } catch (ArithmeticException | NumberFormatException e) {
      throw new TypeConversionException("'" + value + "' is too large (at most 1TiB)");
    }
    if (n > MAX) {
      throw new TypeConversionException("'" + value + "' is too large (at most 1TiB)");
    }
    return n;
  }

  /** {@code bytes} in the largest binary unit that keeps it readable, e.g. {@code 1.50 MiB}. */
  static String format(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return i == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.2f %s", v, units[i]);
  }
}
