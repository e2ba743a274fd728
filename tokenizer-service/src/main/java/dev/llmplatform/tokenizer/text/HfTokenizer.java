package dev.llmplatform.tokenizer.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A Hugging Face {@code tokenizer.json} loaded through DJL's binding of the Rust tokenizers.
 * Encodes exactly what it is given: no special tokens added, no truncation, no padding (the
 * caller checks lengths against the model's context). Safe to share between threads.
 */
public final class HfTokenizer implements AutoCloseable {

    static {
        // DJL calls home for telemetry unless told not to; the platform fetches nothing at run time.
        if (System.getProperty("OPT_OUT_TRACKING") == null && System.getenv("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
    }

    private final HuggingFaceTokenizer tokenizer;
    private final Path file;
    private final int maxLength;
    private final Set<Integer> specialIds;
    /** Made on the first pair encoding (cross-encoders only): the same tokenizer, truncating longest-first. */
    private HuggingFaceTokenizer pairTokenizer;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, Path file, int maxLength, Set<Integer> specialIds) {
        this.tokenizer = tokenizer;
        this.file = file;
        this.maxLength = maxLength;
        this.specialIds = Set.copyOf(specialIds);
    }

    /** A text pair as one sequence: token ids and each token's segment (0 for the first text, 1 for the second). */
    public record PairEncoding(int[] ids, int[] typeIds) {
    }

    /**
     * @param tokenizerJson the {@code tokenizer.json} file
     * @param maxLength     the model's context length; recorded only, encoding never truncates
     */
    public static HfTokenizer load(Path tokenizerJson, int maxLength) throws IOException {
        return load(tokenizerJson, maxLength, Set.of());
    }

    /**
     * @param specialIds ids that are special beyond those {@code tokenizer.json} flags (from
     *                   {@code tokenizer_config.json}'s {@code added_tokens_decoder}): skipped like them
     */
    public static HfTokenizer load(Path tokenizerJson, int maxLength, Set<Integer> specialIds) throws IOException {
        String length = String.valueOf(maxLength);
        Map<String, String> options = Map.of(
                "addSpecialTokens", "false",
                "truncation", "false",
                "padding", "false",
                "maxLength", length,
                "modelMaxLength", length);
        return new HfTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, options), tokenizerJson, maxLength,
                specialIds);
    }

    /** The context length given at load time. */
    public int maxLength() {
        return maxLength;
    }

    public int[] encode(String text) {
        return encode(text, false);
    }

    /** With {@code addSpecialTokens}, the tokenizer's post-processor adds what it declares (a BOS, say). */
    public int[] encode(String text, boolean addSpecialTokens) {
        Encoding encoding = tokenizer.encode(text, addSpecialTokens, false);
        return Arrays.stream(encoding.getIds()).mapToInt(Math::toIntExact).toArray();
    }

    /**
     * Two texts as one sequence through the post-processor's pair template (BERT's
     * {@code [CLS] a [SEP] b [SEP]}, token types 0 then 1), truncated to {@link #maxLength()} tokens the way
     * Hugging Face's {@code truncation=True} does (longest first: tokens come off the longer text), as
     * sentence-transformers' CrossEncoder and vLLM encode a cross-encoder's input.
     */
    public PairEncoding encodePair(String text, String textPair) {
        Encoding encoding = pairTokenizer().encode(text, textPair, true, false);
        return new PairEncoding(Arrays.stream(encoding.getIds()).mapToInt(Math::toIntExact).toArray(),
                Arrays.stream(encoding.getTypeIds()).mapToInt(Math::toIntExact).toArray());
    }

    private synchronized HuggingFaceTokenizer pairTokenizer() {
        if (pairTokenizer == null) {
            String length = String.valueOf(maxLength);
            try {
                pairTokenizer = HuggingFaceTokenizer.newInstance(file, Map.of(
                        "addSpecialTokens", "true",
                        "truncation", "true",
                        "padding", "false",
                        "maxLength", length,
                        "modelMaxLength", length));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load " + file, e);
            }
        }
        return pairTokenizer;
    }

    /** Text of {@code ids}, special tokens included (what {@code /v1/detokenize} returns). */
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    /** With {@code skipSpecialTokens}, as Hugging Face's {@code skip_special_tokens}: special tokens leave no text. */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        long[] kept = Arrays.stream(ids)
                .filter(id -> !skipSpecialTokens || specialIds.isEmpty() || !specialIds.contains(id))
                .asLongStream().toArray();
        return tokenizer.decode(kept, skipSpecialTokens);
    }

    /** One token's own text, for logprob displays; a token holding part of a character shows U+FFFD. */
    public String tokenText(int id) {
        return decode(new int[] {id}, false);
    }

    /** The id of a special (added) token such as {@code <|im_end|>}, when this tokenizer has it. */
    public OptionalInt specialTokenId(String token) {
        int[] ids = encode(token);
        return ids.length == 1 && token.equals(decode(ids, false)) && decode(ids, true).isEmpty()
                ? OptionalInt.of(ids[0]) : OptionalInt.empty();
    }

    @Override
    public synchronized void close() {
        tokenizer.close();
        if (pairTokenizer != null) {
            pairTokenizer.close();
        }
    }
}
