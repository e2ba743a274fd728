package dev.llmplatform.tokenizer.bpe;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into the pieces BPE merges never cross, with the GPT-2 pattern that Hugging Face's
 * {@code ByteLevel} pre-tokenizer uses when {@code use_regex} is true: contractions, an optional
 * space plus letters, plus digits, plus other symbols, then runs of whitespace. Training on the
 * same pieces as encoding is what makes the learned merges useful.
 */
public final class ByteLevelPreTokenizer {

    /** GPT-2's pattern; Unicode classes so {@code \s} matches the same whitespace as the Rust (Oniguruma) engine. */
    public static final String GPT2_PATTERN =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private static final Pattern PATTERN = Pattern.compile(GPT2_PATTERN, Pattern.UNICODE_CHARACTER_CLASS);

    private ByteLevelPreTokenizer() {
    }

    /** Calls {@code sink} with each piece of {@code text}, in order; the pieces concatenate back to the text. */
    public static void split(String text, Consumer<String> sink) {
        Matcher m = PATTERN.matcher(text);
        while (m.find()) {
            sink.accept(m.group());
        }
    }

    public static List<String> split(String text) {
        List<String> pieces = new ArrayList<>();
        split(text, pieces::add);
        return pieces;
    }
}
