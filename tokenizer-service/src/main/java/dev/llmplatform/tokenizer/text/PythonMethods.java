package dev.llmplatform.tokenizer.text;

import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The Python {@code str} and {@code dict} methods that Hugging Face chat templates call, for
 * Jinjava, which otherwise only finds Java methods on a value ({@code "a".startswith("b")} fails
 * there, while Hugging Face renders templates with Python's Jinja2). Resolves only these names on
 * strings and maps and leaves everything else to Jinjava's own resolvers, so it sits first in the chain.
 * Written here because no Java library offers Python's string semantics for Jinjava; each method
 * follows CPython's documented behaviour for the arguments templates pass.
 */
final class PythonMethods extends ELResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(method instanceof String name)) {
            return null;
        }
        Object[] args = params == null ? new Object[0] : params;
        Object result = switch (base) {
            case String s -> string(s, name, args);
            case Map<?, ?> map -> dict(map, name, args);
            case null, default -> NOT_HANDLED;
        };
        if (result == NOT_HANDLED) {
            return null;
        }
        context.setPropertyResolved(true);
        return result;
    }

    private static final Object NOT_HANDLED = new Object();

    private static Object string(String s, String name, Object[] args) {
        return switch (name) {
            case "startswith" -> args.length == 1 ? anyOf(args[0], s::startsWith) : NOT_HANDLED;
            case "endswith" -> args.length == 1 ? anyOf(args[0], s::endsWith) : NOT_HANDLED;
            case "strip" -> args.length == 0 ? s.strip() : rstrip(lstrip(s, chars(args)), chars(args));
            case "lstrip" -> args.length == 0 ? s.stripLeading() : lstrip(s, chars(args));
            case "rstrip" -> args.length == 0 ? s.stripTrailing() : rstrip(s, chars(args));
            case "split" -> split(s, args);
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "title" -> title(s);
            case "capitalize" -> s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT)
                    + s.substring(1).toLowerCase(Locale.ROOT);
            case "find" -> args.length == 1 ? s.indexOf(String.valueOf(args[0])) : NOT_HANDLED;
            case "count" -> args.length == 1 ? count(s, String.valueOf(args[0])) : NOT_HANDLED;
            case "join" -> args.length == 1 && args[0] instanceof Collection<?> items
                    ? String.join(s, items.stream().map(String::valueOf).toList()) : NOT_HANDLED;
            default -> NOT_HANDLED;
        };
    }

    private static Object dict(Map<?, ?> map, String name, Object[] args) {
        return switch (name) {
            case "items" -> args.length == 0
                    ? map.entrySet().stream().map(e -> List.of(e.getKey(), e.getValue())).toList() : NOT_HANDLED;
            case "keys" -> args.length == 0 ? List.copyOf(map.keySet()) : NOT_HANDLED;
            case "values" -> args.length == 0 ? new ArrayList<>(map.values()) : NOT_HANDLED;
            case "get" -> args.length == 2 ? (map.containsKey(args[0]) ? map.get(args[0]) : args[1]) : NOT_HANDLED;
            default -> NOT_HANDLED;
        };
    }

    /** Python accepts a tuple of prefixes; Jinja's tuple literal reaches us as a list. */
    private static boolean anyOf(Object arg, Predicate<String> test) {
        if (arg instanceof Collection<?> options) {
            return options.stream().map(String::valueOf).anyMatch(test);
        }
        return test.test(String.valueOf(arg));
    }

    /** None as the argument strips whitespace, as with no argument. */
    private static String chars(Object[] args) {
        return args[0] == null ? null : String.valueOf(args[0]);
    }

    private static String lstrip(String s, String chars) {
        int start = 0;
        while (start < s.length() && strips(s.charAt(start), chars)) {
            start++;
        }
        return s.substring(start);
    }

    private static String rstrip(String s, String chars) {
        int end = s.length();
        while (end > 0 && strips(s.charAt(end - 1), chars)) {
            end--;
        }
        return s.substring(0, end);
    }

    private static boolean strips(char c, String chars) {
        return chars == null ? Character.isWhitespace(c) : chars.indexOf(c) >= 0;
    }

    /** {@code split()} on runs of whitespace, {@code split(sep)} and {@code split(sep, maxsplit)} on a literal separator. */
    private static Object split(String s, Object[] args) {
        String sep = args.length > 0 && args[0] != null ? String.valueOf(args[0]) : null;
        int max = args.length > 1 && args[1] instanceof Number n ? n.intValue() : -1;
        if (sep == null) {
            String stripped = s.strip();
            return stripped.isEmpty() ? List.of() : Arrays.asList(stripped.split("\\s+", max < 0 ? 0 : max + 1));
        }
        if (sep.isEmpty()) {
            throw new IllegalArgumentException("empty separator");
        }
        List<String> parts = new ArrayList<>();
        int from = 0;
        int at;
        while ((max < 0 || parts.size() < max) && (at = s.indexOf(sep, from)) >= 0) {
            parts.add(s.substring(from, at));
            from = at + sep.length();
        }
        parts.add(s.substring(from));
        return parts;
    }

    private static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(previousCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
            previousCased = Character.isLetter(c);
        }
        return out.toString();
    }

    private static int count(String s, String sub) {
        if (sub.isEmpty()) {
            return s.length() + 1;
        }
        int n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
            n++;
        }
        return n;
    }

    // Property access is Jinjava's business: this resolver only answers method calls.

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        // not handled here
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
