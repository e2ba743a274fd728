package dev.llmplatform.constraint;

import java.util.ArrayList;
import java.util.List;

/**
 * Code point ranges as UTF-8 byte-range sequences (Russ Cox's construction in RE2 and Go's regexp): each
 * sequence is 1–4 inclusive byte ranges {@code [lo, hi]}, and a string of bytes is the UTF-8 form of a
 * member of the set exactly when it matches one sequence. So a character class over code points becomes a
 * small automaton over bytes, and tokens that end in the middle of a character are judged byte by byte.
 */
public final class Utf8Ranges {

    private static final int[] LENGTH_ENDS = {0x7F, 0x7FF, 0xFFFF};

    private Utf8Ranges() {
    }

    /** The byte-range sequences of a set: each element is {@code {lo0, hi0, lo1, hi1, …}}, one pair per byte. */
    public static List<int[]> of(CodePoints set) {
        List<int[]> out = new ArrayList<>();
        int[] r = set.ranges();
        for (int i = 0; i < r.length; i += 2) {
            split(r[i], r[i + 1], out);
        }
        return out;
    }

    private static void split(int lo, int hi, List<int[]> out) {
        for (int end : LENGTH_ENDS) {
            if (lo <= end && hi > end) {
                split(lo, end, out);
                split(end + 1, hi, out);
                return;
            }
        }
        if (hi <= 0x7F) {
            out.add(new int[]{lo, hi});
            return;
        }
        for (int i = 1; i < 4; i++) {
            int m = (1 << (6 * i)) - 1;
            if ((lo & ~m) != (hi & ~m)) {
                if ((lo & m) != 0) {
                    split(lo, lo | m, out);
                    split((lo | m) + 1, hi, out);
                    return;
                }
                if ((hi & m) != m) {
                    split(lo, (hi & ~m) - 1, out);
                    split(hi & ~m, hi, out);
                    return;
                }
            }
        }
        byte[] a = encode(lo);
        byte[] b = encode(hi);
        int[] seq = new int[a.length * 2];
        for (int k = 0; k < a.length; k++) {
            seq[2 * k] = a[k] & 0xFF;
            seq[2 * k + 1] = b[k] & 0xFF;
        }
        out.add(seq);
    }

    static byte[] encode(int codePoint) {
        return new String(Character.toChars(codePoint)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
