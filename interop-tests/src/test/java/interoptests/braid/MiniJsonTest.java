package interoptests.braid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MiniJsonTest {

    @Test
    void readsNestedObjectsArraysAndEveryScalarKind() {
        Object value = MiniJson.parse(" {\"a\": [1, -2.5e3, true, false, null], \"b\": {\"c\": \"x\\\"y\\u00e9\\n\"}, \"d\": {}} ");

        Map<?, ?> map = (Map<?, ?>) value;
        assertEquals(Arrays.asList(1.0, -2500.0, true, false, null), map.get("a"));
        assertEquals(Map.of("c", "x\"y\u00e9\n"), map.get("b"));
        assertEquals(Map.of(), map.get("d"));
        assertEquals(List.of("a", "b", "d"), List.copyOf(map.keySet()));
    }

    @Test
    void keepsNullMembers() {
        Map<?, ?> map = (Map<?, ?>) MiniJson.parse("{\"observedAddr\":null}");

        assertTrue(map.containsKey("observedAddr"));
        assertNull(map.get("observedAddr"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{\"a\":}", "{\"a\" 1}", "[1,]", "[1 2]", "01", "-", "1.", "1e", "tru", "nul",
        "\"unterminated", "\"bad \\x escape\"", "\"\\u12\"", "{} {}", "{a:1}", "\"tab\tinside\""})
    void rejectsMalformedTextWithIllegalArgumentException(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MiniJson.parse(text));
        assertTrue(e.getMessage().startsWith("bad JSON at offset "), e.getMessage());
    }

    @Test
    void rejectsNestingBeyondTheLimitInsteadOfOverflowingTheStack() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MiniJson.parse(deep));
        assertTrue(e.getMessage().contains("nesting deeper than " + MiniJson.MAX_DEPTH), e.getMessage());
    }

    @Test
    void rejectsNull() {
        assertThrows(IllegalArgumentException.class, () -> MiniJson.parse(null));
    }
}
