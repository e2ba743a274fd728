package dev.llmplatform.constraint;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Byte-level vocabularies for tests, shaped like a BPE model's: id 0 is a special end-of-text token (no bytes),
 * then every single byte, then multi-byte tokens, among them JSON fragments and pieces that cut UTF-8
 * characters in two (the first byte of {@code é} alone, its second byte followed by a quote, …).
 */
final class ToyVocabularies {

    static final int EOS = 0;

    private ToyVocabularies() {
    }

    static TokenVocabulary byteLevel() {
        List<byte[]> tokens = new ArrayList<>();
        tokens.add(null);
        for (int b = 0; b < 256; b++) {
            tokens.add(new byte[]{(byte) b});
        }
        Set<String> pieces = new LinkedHashSet<>(List.of("{\"", "\":", "\":\"", "\",\"", "\",", ",\"", "\"}", "}", "]}",
                "[{\"", "true", "false", "null", "nu", "ll", "tr", "ue}", "12", "345", "-1", "0.", ".5", "e+", "1e",
                "name", "age", "ok", "aa", "ab", "abc", "cd", "ef", "x\"", " {", "\n", "\\n", "\\u00", "\\\"", "é", "名前",
                "😀", "2024-", "-01", "T12:", "00:00Z", "@ex", ".com", "[\"", "\"]", "1,", ",1", "[1", "1]"));
        for (String p : pieces) {
            tokens.add(p.getBytes(StandardCharsets.UTF_8));
        }
        byte[] e = "é\"".getBytes(StandardCharsets.UTF_8);
        tokens.add(new byte[]{e[0]});
        tokens.add(Arrays.copyOfRange(e, 1, 3));                   // second byte of é, then a quote
        byte[] cjk = "名前\"".getBytes(StandardCharsets.UTF_8);
        tokens.add(Arrays.copyOfRange(cjk, 0, 2));
        tokens.add(Arrays.copyOfRange(cjk, 2, 5));                 // end of 名, start of 前
        tokens.add(Arrays.copyOfRange(cjk, 5, 7));                 // end of 前, then a quote
        byte[] emoji = "😀".getBytes(StandardCharsets.UTF_8);
        tokens.add(Arrays.copyOfRange(emoji, 0, 3));
        tokens.add(new byte[]{emoji[3], '"', ','});
        return new TokenVocabulary(tokens.toArray(new byte[0][]));
    }
}
