package io.braid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class SizesTest {
  @Test
  void binaryAndDecimalUnitsAreUnderstood() {
    assertEquals(1000, Sizes.parse("1000"));
    assertEquals(65_536, Sizes.parse("64KiB"));
    assertEquals(1 << 20, Sizes.parse("1MiB"));
    assertEquals(1L << 30, Sizes.parse("1GiB"));
    assertEquals(1L << 30, Sizes.parse("1gib"));
    assertEquals(10_000_000, Sizes.parse("10MB"));
    assertEquals(0, Sizes.parse("0"));
  }

  @Test
  void nonsenseAndHugeSizesAreRefusedWithTheValueInTheMessage() {
    for (String bad : new String[] {"", "1.5MiB", "-1", "MiB", "1 parsecs", "99999999999999999999", "1025GiB"}) {
      TypeConversionException e = assertThrows(TypeConversionException.class, () -> Sizes.parse(bad), bad);
      assertEquals(true, e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }

  @Test
  void formatPicksAReadableUnit() {
    assertEquals("512 B", Sizes.format(512));
    assertEquals("1.50 MiB", Sizes.format(3 << 19));
  }
}
