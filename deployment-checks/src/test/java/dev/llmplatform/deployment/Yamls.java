package dev.llmplatform.deployment;

import java.util.List;
import java.util.Map;

/** Walks parsed YAML (maps, lists, scalars) with messages that say where a shape was wrong. */
final class Yamls {

    private Yamls() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object node, String where) {
        if (node instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new IllegalArgumentException(where + " should be a mapping, is " + node);
    }

    /** The mapping at a path, or an empty one when any step is missing. */
    static Map<String, Object> map(Map<String, Object> node, String... path) {
        Object value = at(node, path);
        return value == null ? Map.of() : asMap(value, String.join(".", path));
    }

    /** The list of mappings at a path, or an empty list when any step is missing. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> maps(Map<String, Object> node, String... path) {
        Object value = at(node, path);
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(item -> asMap(item, String.join(".", path))).toList();
        }
        throw new IllegalArgumentException(String.join(".", path) + " should be a list, is " + value);
    }

    /** The scalar at a path as text, or null. */
    static String text(Map<String, Object> node, String... path) {
        Object value = at(node, path);
        return value == null ? null : String.valueOf(value);
    }

    static Object at(Map<String, Object> node, String... path) {
        Object current = node;
        for (String step : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(step);
        }
        return current;
    }

    static String name(Map<String, Object> manifest) {
        return text(manifest, "kind") + "/" + text(manifest, "metadata", "name");
    }
}
