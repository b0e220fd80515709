package interoptests.braid;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one {@code peer.mjs dial} run reported: its exit code, the JSON line it printed (empty map when it
 * printed none, e.g. on a usage error) and the output it wrote, for failure messages.
 *
 * <p>Accessors take dotted paths into the JSON ({@code "identify.agentVersion"}); a path that is absent or
 * holds another type fails the calling test with the whole output attached.
 */
record DialResult(int exitCode, Map<String, Object> json, String output) {
    DialResult {
        // JSON objects may hold nulls, which Map.copyOf refuses; MiniJson's maps are unmodifiable already.
        json = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(json, "json")));
        Objects.requireNonNull(output, "output");
    }

    /** True when the run exited 0 and said {@code "ok": true}. */
    boolean ok() {
        return exitCode == 0 && Boolean.TRUE.equals(json.get("ok"));
    }

    boolean has(String path) {
        return find(path) != null;
    }

    String string(String path) {
        return get(path, String.class);
    }

    double number(String path) {
        return get(path, Double.class);
    }

    int integer(String path) {
        double value = number(path);
        if (value != Math.rint(value)) {
            throw new AssertionError(path + " is not a whole number: " + value + "\n" + this);
        }
        return (int) value;
    }

    boolean bool(String path) {
        return get(path, Boolean.class);
    }

    @SuppressWarnings("unchecked")
    List<Object> list(String path) {
        return get(path, List.class);
    }

    private <T> T get(String path, Class<T> type) {
        Object value = find(path);
        if (!type.isInstance(value)) {
            throw new AssertionError("dial result has no " + type.getSimpleName() + " at " + path
                    + " (found " + value + ")\n" + this);
        }
        return type.cast(value);
    }

    private Object find(String path) {
        Object node = json;
        for (String key : path.split("\\.", -1)) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(key);
        }
        return node;
    }

    @Override
    public String toString() {
        return "dial exited " + exitCode + " with " + json + "\n" + output;
    }
}
