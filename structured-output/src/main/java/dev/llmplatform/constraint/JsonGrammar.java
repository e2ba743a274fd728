package dev.llmplatform.constraint;

import java.util.ArrayList;
import java.util.List;

/**
 * The pieces of JSON as {@link Regex}es, in the platform's compact form: no whitespace outside strings,
 * so every value has one spelling up to string escapes and number form, and an output ends as soon as
 * its value does. Integers have at most 16 digits, fractions at most 16, exponents at most 2 (so every number is a finite double).
 */
public final class JsonGrammar {

    /** Characters a JSON string may hold unescaped. */
    public static final CodePoints STRING_CHARS = CodePoints.ALL.minus(CodePoints.range(0, 0x1F))
            .minus(CodePoints.chars("\"\\"));
    /** How deep objects and arrays nest inside a value of any type ({@code {}}, {@code json_object}). */
    public static final int ANY_DEPTH = 3;

    private static final Regex DIGIT = chars('0', '9');
    private static final Regex HEX = new Regex.Chars(CodePoints.ofRanges('0', '9', 'a', 'f', 'A', 'F'));
    /** One character of a string's contents: unescaped, a short escape, or a {@code \\u} escape of a non-surrogate. */
    public static final Regex STRING_CHAR = new Regex.Alt(List.of(
            new Regex.Chars(STRING_CHARS),
            seq(literal("\\"), new Regex.Chars(CodePoints.chars("\"\\/bfnrt"))),
            seq(literal("\\u"), new Regex.Alt(List.of(
                    seq(new Regex.Chars(CodePoints.ofRanges('0', '9', 'a', 'c', 'A', 'C', 'e', 'f', 'E', 'F')), repeat(HEX, 3, 3)),
                    seq(new Regex.Chars(CodePoints.chars("dD")), chars('0', '7'), repeat(HEX, 2, 2)))))));
    public static final Regex STRING = quoted(repeat(STRING_CHAR, 0, Regex.Repeat.UNBOUNDED));
    public static final Regex INTEGER = seq(optional(literal("-")),
            new Regex.Alt(List.of(literal("0"), seq(chars('1', '9'), repeat(DIGIT, 0, 15)))));
    public static final Regex NUMBER = seq(INTEGER,
            optional(seq(literal("."), repeat(DIGIT, 1, 16))),
            optional(seq(new Regex.Chars(CodePoints.chars("eE")), optional(new Regex.Chars(CodePoints.chars("+-"))),
                    repeat(DIGIT, 1, 2))));
    public static final Regex BOOLEAN = new Regex.Alt(List.of(literal("true"), literal("false")));
    public static final Regex NULL = literal("null");

    private JsonGrammar() {
    }

    public static Regex literal(String text) {
        List<Regex> parts = new ArrayList<>();
        text.codePoints().forEach(c -> parts.add(new Regex.Chars(CodePoints.of(c))));
        return parts.size() == 1 ? parts.getFirst() : new Regex.Seq(parts);
    }

    public static Regex quoted(Regex contents) {
        return seq(literal("\""), contents, literal("\""));
    }

    public static Regex seq(Regex... parts) {
        return new Regex.Seq(List.of(parts));
    }

    public static Regex optional(Regex r) {
        return new Regex.Repeat(r, 0, 1);
    }

    public static Regex repeat(Regex r, int min, int max) {
        return new Regex.Repeat(r, min, max);
    }

    static Regex chars(char lo, char hi) {
        return new Regex.Chars(CodePoints.range(lo, hi));
    }

    /** Any JSON value whose objects and arrays nest at most {@code depth} levels. */
    public static Regex anyValue(int depth) {
        List<Regex> options = new ArrayList<>(List.of(STRING, NUMBER, BOOLEAN, NULL));
        if (depth > 0) {
            options.add(anyObject(depth));
            options.add(array(anyValue(depth - 1), 0, Regex.Repeat.UNBOUNDED));
        }
        return new Regex.Alt(options);
    }

    /** Any JSON object whose values nest at most {@code depth - 1} further levels. */
    public static Regex anyObject(int depth) {
        return objectOf(anyValue(depth - 1));
    }

    /** An object of any keys whose values are {@code value}. */
    public static Regex objectOf(Regex value) {
        Regex member = seq(STRING, literal(":"), value);
        return seq(literal("{"), new Regex.Separated(member, literal(","), 0, Regex.Repeat.UNBOUNDED), literal("}"));
    }

    /** An array of {@code min}..{@code max} items ({@code max} may be unbounded). */
    public static Regex array(Regex item, int min, int max) {
        return seq(literal("["), new Regex.Separated(item, literal(","), min, max), literal("]"));
    }

    /** The contents (without quotes) of a string of a known {@code format}, or null for a format not generated. */
    public static Regex format(String format) {
        String pattern = switch (format) {
            case "date" -> DATE;
            case "time" -> TIME;
            case "date-time" -> DATE + "T" + TIME;
            case "uuid" -> "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
            case "email" -> "[a-z0-9]{1,20}(\\.[a-z0-9]{1,20}){0,3}@[a-z0-9]{1,20}(-[a-z0-9]{1,20}){0,2}(\\.[a-z0-9]{1,20}){0,2}\\.(com|org|net|io|dev|edu)";
            case "ipv4" -> "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
            default -> null;
        };
        return pattern == null ? null : RegexParser.parse(pattern);
    }

    private static final String DATE = "[12]\\d{3}-(((0[13578]|1[02])-(0[1-9]|[12]\\d|3[01]))|((0[469]|11)-(0[1-9]|[12]\\d|30))"
            + "|(02-(0[1-9]|1\\d|2[0-8])))";
    private static final String TIME = "([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,6})?(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)";
}
