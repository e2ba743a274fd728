package dev.llmplatform.deployment;

import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One bindable property path in canonical form (lower case, no dashes), matched against the words
 * of an environment variable the way Spring Boot's relaxed binding does. A segment is a name, a
 * list index ({@code _0_}) or the keys of a map (any remaining words).
 */
record PropertyPattern(List<String> segments) {

    static final String INDEX = "[]";
    static final String MAP_KEYS = "*";
    private static final int MAX_DEPTH = 8;

    /** Whether the environment variable's words (lower case, split on '_') bind to this path. */
    boolean matches(List<String> words) {
        return matches(0, words, 0);
    }

    private boolean matches(int segment, List<String> words, int word) {
        if (segment == segments.size()) {
            return word == words.size();
        }
        String expected = segments.get(segment);
        if (expected.equals(MAP_KEYS)) {
            return word < words.size();
        }
        if (expected.equals(INDEX)) {
            return word < words.size() && words.get(word).matches("\\d+") && matches(segment + 1, words, word + 1);
        }
        // "reply-partition" binds from REPLY_PARTITION and from REPLYPARTITION.
        var joined = new StringBuilder();
        for (int end = word; end < words.size() && joined.length() < expected.length(); end++) {
            joined.append(words.get(end));
            if (joined.toString().equals(expected) && matches(segment + 1, words, end + 1)) {
                return true;
            }
        }
        return false;
    }

    static String canonical(String name) {
        return name.replace("-", "").toLowerCase(Locale.ROOT);
    }

    static List<String> canonicalPath(String dotted) {
        return Arrays.stream(dotted.split("\\.")).map(PropertyPattern::canonical).toList();
    }

    /** A property of Spring Boot's configuration metadata: name and Java type. */
    static PropertyPattern ofMetadata(String name, String type) {
        List<String> segments = new ArrayList<>(canonicalPath(name));
        if (type.startsWith("java.util.Map")) {
            segments.add(MAP_KEYS);
        }
        return new PropertyPattern(segments);
    }

    /** Every path under a {@code @ConfigurationProperties} class: record components or fields, nested. */
    static List<PropertyPattern> ofClass(String prefix, Class<?> type) {
        List<PropertyPattern> patterns = new ArrayList<>();
        walk(canonicalPath(prefix), type, patterns, 0);
        return patterns;
    }

    private static void walk(List<String> path, Type type, List<PropertyPattern> out, int depth) {
        Class<?> raw = raw(type);
        out.add(new PropertyPattern(path));
        if (depth > MAX_DEPTH) {
            return;
        }
        if (Map.class.isAssignableFrom(raw)) {
            out.add(new PropertyPattern(append(path, MAP_KEYS)));
        } else if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
            walk(append(path, INDEX), elementType(type), out, depth + 1);
        } else if (raw.isRecord()) {
            for (RecordComponent component : raw.getRecordComponents()) {
                walk(append(path, canonical(component.getName())), component.getGenericType(), out, depth + 1);
            }
        } else if (!raw.isEnum() && raw.getPackageName().startsWith("dev.llmplatform")) {
            for (Field field : raw.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers())) {
                    walk(append(path, canonical(field.getName())), field.getGenericType(), out, depth + 1);
                }
            }
        }
    }

    private static List<String> append(List<String> path, String segment) {
        List<String> longer = new ArrayList<>(path);
        longer.add(segment);
        return longer;
    }

    private static Class<?> raw(Type type) {
        return switch (type) {
            case Class<?> c -> c;
            case ParameterizedType p -> raw(p.getRawType());
            case GenericArrayType a -> raw(a.getGenericComponentType()).arrayType();
            default -> Object.class;
        };
    }

    private static Type elementType(Type type) {
        if (type instanceof Class<?> c && c.isArray()) {
            return c.getComponentType();
        }
        if (type instanceof GenericArrayType a) {
            return a.getGenericComponentType();
        }
        if (type instanceof ParameterizedType p && p.getActualTypeArguments().length == 1) {
            return p.getActualTypeArguments()[0];
        }
        return Object.class;
    }
}
