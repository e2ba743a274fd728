package dev.llmplatform.constraint;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses the common subset of ECMAScript/Python regular expressions that describes a regular language:
 * literals; {@code .} (any character but a line feed); escapes {@code \d \D \w \W \s \S \t \n \r \f \v \0
 * \xHH \\uHHHH \\u{H…}} and escaped punctuation; classes {@code [...]} and {@code [^...]} with ranges and escapes;
 * groups {@code (...)}, {@code (?:...)}, {@code (?<name>...)}, {@code (?P<name>...)}; alternation; quantifiers
 * {@code * + ? {n} {n,} {n,m}} (a lazy or possessive suffix is accepted: it changes which match a search
 * finds, not the language). The whole output must match: {@code ^} at the start and {@code $} at the end are
 * accepted and change nothing. Backreferences, lookaround, word boundaries and inner anchors are refused with
 * a {@link ConstraintException} naming them. Every character set is intersected with {@code alphabet}, so a
 * pattern for the inside of a JSON string can be kept to characters that need no escaping.
 */
public final class RegexParser {

    /** Largest count a quantifier may name: the automaton grows with it. */
    public static final int MAX_COUNT = 1000;

    private static final CodePoints DIGIT = CodePoints.range('0', '9');
    private static final CodePoints WORD = CodePoints.ofRanges('0', '9', 'A', 'Z', 'a', 'z', '_', '_');
    private static final CodePoints SPACE = CodePoints.ofRanges(' ', ' ', '\t', '\r', 0x0B, 0x0C, 0xA0, 0xA0,
            0x1680, 0x1680, 0x2000, 0x200A, 0x2028, 0x2029, 0x202F, 0x202F, 0x205F, 0x205F, 0x3000, 0x3000, 0xFEFF, 0xFEFF);

    private final String src;
    private final CodePoints alphabet;
    private int pos;

    private RegexParser(String src, CodePoints alphabet) {
        this.src = src;
        this.alphabet = alphabet;
    }

    public static Regex parse(String pattern) {
        return parse(pattern, CodePoints.ALL);
    }

    public static Regex parse(String pattern, CodePoints alphabet) {
        RegexParser p = new RegexParser(pattern, alphabet);
        if (p.src.startsWith("^")) {
            p.pos = 1;
        }
        Regex r = p.alternation();
        if (p.pos < p.src.length()) {
            throw p.error("unexpected '" + p.src.charAt(p.pos) + "'");
        }
        return r;
    }

    private Regex alternation() {
        List<Regex> options = new ArrayList<>();
        options.add(sequence());
        while (peek() == '|') {
            pos++;
            options.add(sequence());
        }
        return options.size() == 1 ? options.getFirst() : new Regex.Alt(options);
    }

    private Regex sequence() {
        List<Regex> parts = new ArrayList<>();
        while (pos < src.length() && peek() != '|' && peek() != ')') {
            if (peek() == '$') {
                pos++;
                if (pos == src.length() || peek() == ')' || peek() == '|') {
                    continue;   // an end anchor where the match ends anyway
                }
                throw error("'$' before the end is not supported");
            }
            if (peek() == '^') {
                throw error("'^' after the start is not supported");
            }
            parts.add(quantified(atom()));
        }
        return parts.size() == 1 ? parts.getFirst() : new Regex.Seq(parts);
    }

    private Regex quantified(Regex atom) {
        while (pos < src.length()) {
            char c = peek();
            int min;
            int max;
            if (c == '*') {
                min = 0;
                max = Regex.Repeat.UNBOUNDED;
                pos++;
            } else if (c == '+') {
                min = 1;
                max = Regex.Repeat.UNBOUNDED;
                pos++;
            } else if (c == '?') {
                min = 0;
                max = 1;
                pos++;
            } else if (c == '{' && isCount()) {
                pos++;
                min = number();
                max = min;
                if (peek() == ',') {
                    pos++;
                    max = peek() == '}' ? Regex.Repeat.UNBOUNDED : number();
                }
                expect('}');
                if (max != Regex.Repeat.UNBOUNDED && max < min) {
                    throw error("quantifier {" + min + "," + max + "} has max < min");
                }
            } else {
                return atom;
            }
            if (pos < src.length() && (peek() == '?' || peek() == '+')) {
                pos++;
            }
            atom = new Regex.Repeat(atom, min, max);
        }
        return atom;
    }

    private boolean isCount() {
        int i = pos + 1;
        int digits = 0;
        while (i < src.length() && Character.isDigit(src.charAt(i))) {
            i++;
            digits++;
        }
        if (digits == 0) {
            return false;
        }
        if (i < src.length() && src.charAt(i) == ',') {
            i++;
            while (i < src.length() && Character.isDigit(src.charAt(i))) {
                i++;
            }
        }
        return i < src.length() && src.charAt(i) == '}';
    }

    private int number() {
        int start = pos;
        while (pos < src.length() && Character.isDigit(peek())) {
            pos++;
        }
        if (start == pos) {
            throw error("expected a number");
        }
        String digits = src.substring(start, pos);
        if (digits.length() > 6 || Integer.parseInt(digits) > MAX_COUNT) {
            throw error("repetition count " + digits + " is over the limit of " + MAX_COUNT);
        }
        return Integer.parseInt(digits);
    }

    private Regex atom() {
        int c = src.codePointAt(pos);
        switch (c) {
            case '(' -> {
                pos++;
                if (src.startsWith("?:", pos)) {
                    pos += 2;
                } else if (src.startsWith("?<", pos) && !src.startsWith("?<=", pos) && !src.startsWith("?<!", pos)
                        || src.startsWith("?P<", pos)) {
                    int close = src.indexOf('>', pos);
                    if (close < 0) {
                        throw error("unterminated group name");
                    }
                    pos = close + 1;
                } else if (peek() == '?') {
                    throw error("group '(" + src.substring(pos, Math.min(src.length(), pos + 3))
                            + "' (lookaround, flags) is not supported");
                }
                Regex inner = alternation();
                expect(')');
                return inner;
            }
            case '[' -> {
                return chars(charClass());
            }
            case '.' -> {
                pos++;
                return chars(CodePoints.of('\n').complement());
            }
            case '\\' -> {
                pos++;
                return chars(escape(false));
            }
            case '*', '+', '?', '{' -> {
                if (c == '{' && !isCount()) {
                    pos++;
                    return chars(CodePoints.of('{'));
                }
                throw error("nothing to repeat");
            }
            case ')' -> throw error("unbalanced ')'");
            default -> {
                pos += Character.charCount(c);
                return chars(CodePoints.of(c));
            }
        }
    }

    private Regex chars(CodePoints set) {
        return new Regex.Chars(set.intersect(alphabet));
    }

    private CodePoints charClass() {
        pos++;   // '['
        boolean negated = peek() == '^';
        if (negated) {
            pos++;
        }
        CodePoints set = CodePoints.NONE;
        boolean first = true;
        while (pos < src.length() && (peek() != ']' || first)) {
            first = false;
            CodePoints item;
            int lo;
            if (peek() == '\\') {
                pos++;
                item = escape(true);
            } else {
                int c = src.codePointAt(pos);
                pos += Character.charCount(c);
                item = CodePoints.of(c);
            }
            if (single(item) && peek() == '-' && pos + 1 < src.length() && src.charAt(pos + 1) != ']') {
                lo = item.ranges()[0];
                pos++;
                CodePoints end;
                if (peek() == '\\') {
                    pos++;
                    end = escape(true);
                } else {
                    int c = src.codePointAt(pos);
                    pos += Character.charCount(c);
                    end = CodePoints.of(c);
                }
                if (!single(end) || end.ranges()[0] < lo) {
                    throw error("bad character range");
                }
                item = CodePoints.range(lo, end.ranges()[0]);
            }
            set = set.union(item);
        }
        expect(']');
        return negated ? set.complement() : set;
    }

    private static boolean single(CodePoints set) {
        int[] r = set.ranges();
        return r.length == 2 && r[0] == r[1];
    }

    private CodePoints escape(boolean inClass) {
        if (pos >= src.length()) {
            throw error("pattern ends with '\\'");
        }
        char c = src.charAt(pos++);
        return switch (c) {
            case 'd' -> DIGIT;
            case 'D' -> DIGIT.complement();
            case 'w' -> WORD;
            case 'W' -> WORD.complement();
            case 's' -> SPACE.union(CodePoints.of('\n'));
            case 'S' -> SPACE.union(CodePoints.of('\n')).complement();
            case 't' -> CodePoints.of('\t');
            case 'n' -> CodePoints.of('\n');
            case 'r' -> CodePoints.of('\r');
            case 'f' -> CodePoints.of('\f');
            case 'v' -> CodePoints.of(0x0B);
            case '0' -> CodePoints.of(0);
            case 'x' -> CodePoints.of(hex(2));
            case 'u' -> {
                if (peek() == '{') {
                    int close = src.indexOf('}', pos);
                    if (close < 0) {
                        throw error("unterminated \\u{");
                    }
                    int cp = Integer.parseInt(src.substring(pos + 1, close), 16);
                    pos = close + 1;
                    yield CodePoints.of(cp);
                }
                yield CodePoints.of(hex(4));
            }
            case 'b' -> {
                if (inClass) {
                    yield CodePoints.of('\b');
                }
                throw error("word boundary '\\b' is not supported");
            }
            default -> {
                if (Character.isLetterOrDigit(c)) {
                    throw error("escape '\\" + c + "' (backreference, boundary or class) is not supported");
                }
                yield CodePoints.of(c);
            }
        };
    }

    private int hex(int digits) {
        if (pos + digits > src.length()) {
            throw error("truncated hex escape");
        }
        try {
            int v = Integer.parseInt(src.substring(pos, pos + digits), 16);
            pos += digits;
            return v;
        } catch (NumberFormatException e) {
            throw error("bad hex escape");
        }
    }

    private char peek() {
        return pos < src.length() ? src.charAt(pos) : '\0';
    }

    private void expect(char c) {
        if (pos >= src.length() || src.charAt(pos) != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private ConstraintException error(String what) {
        return new ConstraintException("invalid regular expression at " + pos + ": " + what + " in /" + src + "/");
    }
}
