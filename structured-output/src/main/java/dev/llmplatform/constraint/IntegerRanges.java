package dev.llmplatform.constraint;

import java.util.ArrayList;
import java.util.List;

/**
 * The decimal integers of a closed range as a {@link Regex}: no leading zeros, {@code -} for negatives,
 * never {@code -0}. Digit strings of one length between two bounds are split by their first differing
 * digit (the construction of regex-for-range tools). Bounds are clamped to {@link #LIMIT} in magnitude,
 * which is also the platform's bound on the digits of any generated integer.
 */
public final class IntegerRanges {

    /** Largest magnitude generated: sixteen digits. */
    public static final long LIMIT = 9_999_999_999_999_999L;

    private IntegerRanges() {
    }

    /** Integers in {@code [lo, hi]}, clamped to ±{@link #LIMIT}; null when the range is empty. */
    public static Regex of(long lo, long hi) {
        lo = Math.max(lo, -LIMIT);
        hi = Math.min(hi, LIMIT);
        if (lo > hi) {
            return null;
        }
        List<Regex> options = new ArrayList<>();
        if (lo < 0) {
            long negHi = Math.min(hi, -1);
            options.add(new Regex.Seq(List.of(JsonGrammar.literal("-"), nonNegative(-negHi, -lo))));
        }
        if (hi >= 0) {
            options.add(nonNegative(Math.max(lo, 0), hi));
        }
        return options.size() == 1 ? options.getFirst() : new Regex.Alt(options);
    }

    private static Regex nonNegative(long a, long b) {
        List<Regex> options = new ArrayList<>();
        for (int len = digits(a); len <= digits(b); len++) {
            long low = len == 1 ? 0 : pow10(len - 1);
            long high = pow10(len) - 1;
            long x = Math.max(a, low);
            long y = Math.min(b, high);
            if (x <= y) {
                options.add(sameLength(Long.toString(x), Long.toString(y)));
            }
        }
        return options.size() == 1 ? options.getFirst() : new Regex.Alt(options);
    }

    /** Digit strings of one length from {@code xs} to {@code ys} (leading zeros allowed past the first call's first digit). */
    private static Regex sameLength(String xs, String ys) {
        if (xs.chars().allMatch(c -> c == '0') && ys.chars().allMatch(c -> c == '9')) {
            return new Regex.Repeat(digit('0', '9'), xs.length(), xs.length());
        }
        char fx = xs.charAt(0);
        char fy = ys.charAt(0);
        if (xs.length() == 1) {
            return digit(fx, fy);
        }
        String restX = xs.substring(1);
        String restY = ys.substring(1);
        if (fx == fy) {
            return seq(digit(fx, fx), sameLength(restX, restY));
        }
        List<Regex> options = new ArrayList<>();
        options.add(seq(digit(fx, fx), sameLength(restX, "9".repeat(restX.length()))));
        if (fx + 1 <= fy - 1) {
            options.add(seq(digit((char) (fx + 1), (char) (fy - 1)),
                    new Regex.Repeat(digit('0', '9'), restX.length(), restX.length())));
        }
        options.add(seq(digit(fy, fy), sameLength("0".repeat(restY.length()), restY)));
        return new Regex.Alt(options);
    }

    private static Regex seq(Regex a, Regex b) {
        return new Regex.Seq(List.of(a, b));
    }

    private static Regex digit(char lo, char hi) {
        return new Regex.Chars(CodePoints.range(lo, hi));
    }

    private static int digits(long v) {
        return Long.toString(v).length();
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }
}
