package io.braid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void writesNestedValuesAndEscapesStrings() {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("s", "a\"b\\c\nd\u0001");
    o.put("n", 3);
    o.put("d", 1.5);
    o.put("b", true);
    o.put("l", List.of(1, "x"));
    o.put("z", null);
    assertEquals("{\"s\":\"a\\\"b\\\\c\\nd\\u0001\",\"n\":3,\"d\":1.500000,\"b\":true,\"l\":[1,\"x\"],\"z\":null}",
        Json.write(o));
  }
}
