package dev.llmplatform.constraint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable set of Unicode scalar values as sorted, disjoint, non-adjacent inclusive ranges
 * {@code [lo0, hi0, lo1, hi1, …]}. Surrogates (U+D800–U+DFFF) are never members: they have no UTF-8 form.
 */
public final class CodePoints {

    public static final int MAX = 0x10FFFF;
    public static final CodePoints NONE = new CodePoints(new int[0]);
    public static final CodePoints ALL = range(0, MAX);

    private final int[] ranges;

    private CodePoints(int[] ranges) {
        this.ranges = ranges;
    }

    public static CodePoints of(int codePoint) {
        return range(codePoint, codePoint);
    }

    public static CodePoints range(int lo, int hi) {
        return normalize(new int[]{lo, hi});
    }

    /** From pairs {@code lo, hi, lo, hi, …} in any order, overlapping or not. */
    public static CodePoints ofRanges(int... pairs) {
        return normalize(pairs.clone());
    }

    public static CodePoints chars(String chars) {
        int[] pairs = chars.codePoints().flatMap(c -> java.util.stream.IntStream.of(c, c)).toArray();
        return normalize(pairs);
    }

    private static CodePoints normalize(int[] pairs) {
        int n = pairs.length / 2;
        long[] packed = new long[n];
        for (int i = 0; i < n; i++) {
            packed[i] = ((long) pairs[2 * i] << 32) | (pairs[2 * i + 1] & 0xFFFFFFFFL);
        }
        Arrays.sort(packed);
        List<int[]> merged = new ArrayList<>();
        for (long p : packed) {
            int lo = Math.max(0, (int) (p >>> 32));
            int hi = Math.min(MAX, (int) p);
            if (lo > hi) {
                continue;
            }
            if (!merged.isEmpty() && lo <= merged.getLast()[1] + 1) {
                merged.getLast()[1] = Math.max(merged.getLast()[1], hi);
            } else {
                merged.add(new int[]{lo, hi});
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int[] r : merged) {   // cut the surrogates out
            if (r[1] < 0xD800 || r[0] > 0xDFFF) {
                out.add(r[0]);
                out.add(r[1]);
                continue;
            }
            if (r[0] < 0xD800) {
                out.add(r[0]);
                out.add(0xD7FF);
            }
            if (r[1] > 0xDFFF) {
                out.add(0xE000);
                out.add(r[1]);
            }
        }
        return new CodePoints(out.stream().mapToInt(Integer::intValue).toArray());
    }

    public CodePoints union(CodePoints other) {
        int[] both = Arrays.copyOf(ranges, ranges.length + other.ranges.length);
        System.arraycopy(other.ranges, 0, both, ranges.length, other.ranges.length);
        return normalize(both);
    }

    public CodePoints complement() {
        List<Integer> out = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < ranges.length; i += 2) {
            if (ranges[i] > next) {
                out.add(next);
                out.add(ranges[i] - 1);
            }
            next = ranges[i + 1] + 1;
        }
        if (next <= MAX) {
            out.add(next);
            out.add(MAX);
        }
        return normalize(out.stream().mapToInt(Integer::intValue).toArray());
    }

    public CodePoints intersect(CodePoints other) {
        return complement().union(other.complement()).complement();
    }

    public CodePoints minus(CodePoints other) {
        return intersect(other.complement());
    }

    public boolean isEmpty() {
        return ranges.length == 0;
    }

    public boolean contains(int codePoint) {
        for (int i = 0; i < ranges.length; i += 2) {
            if (codePoint >= ranges[i] && codePoint <= ranges[i + 1]) {
                return true;
            }
        }
        return false;
    }

    /** The ranges as pairs; a copy. */
    public int[] ranges() {
        return ranges.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CodePoints c && Arrays.equals(ranges, c.ranges);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ranges);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < ranges.length; i += 2) {
            sb.append(String.format("%X-%X ", ranges[i], ranges[i + 1]));
        }
        return sb.append(']').toString();
    }
}
