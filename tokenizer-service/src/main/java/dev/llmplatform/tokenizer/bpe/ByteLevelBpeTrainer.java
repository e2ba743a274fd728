package dev.llmplatform.tokenizer.bpe;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Trains a GPT-2 style byte-level BPE tokenizer and writes it in Hugging Face's format.
 * Ids 0..3 are {@link SpecialTokens}, 4..259 the 256 bytes, then one id per learned merge.
 * Text is split with the same GPT-2 pattern the ByteLevel pre-tokenizer applies at encode time,
 * so merges never cross the pieces the tokenizer will see. Same corpus and settings, same files.
 *
 * <pre>{@code
 * TokenizerFiles files = ByteLevelBpeTrainer.train(documents, 2048);
 * files.write(packageDir);
 * }</pre>
 */
public final class ByteLevelBpeTrainer {

    /** Special tokens plus the byte alphabet: the smallest possible vocabulary. */
    public static final int MIN_VOCAB_SIZE = SpecialTokens.ALL.size() + 256;

    private static final Pattern SPECIAL_TOKEN = Pattern.compile(
            String.join("|", SpecialTokens.ALL.stream().map(Pattern::quote).toList()));

    /**
     * @param vocabSize      target vocabulary size, special tokens included
     * @param minFrequency   a pair seen fewer times than this is not merged (2 avoids memorising one-off strings)
     * @param modelMaxLength context length written to {@code tokenizer_config.json}
     */
    public record Settings(int vocabSize, int minFrequency, int modelMaxLength) {
        public Settings {
            if (vocabSize < MIN_VOCAB_SIZE) {
                throw new IllegalArgumentException("vocabSize must be at least " + MIN_VOCAB_SIZE + ", was " + vocabSize);
            }
            if (minFrequency < 1) {
                throw new IllegalArgumentException("minFrequency must be >= 1");
            }
            if (modelMaxLength < 1) {
                throw new IllegalArgumentException("modelMaxLength must be >= 1");
            }
        }

        public static Settings of(int vocabSize) {
            return new Settings(vocabSize, 2, 2048);
        }
    }

    private ByteLevelBpeTrainer() {
    }

    public static TokenizerFiles train(Iterable<String> corpus, int vocabSize) {
        return train(corpus, Settings.of(vocabSize));
    }

    public static TokenizerFiles train(Iterable<String> corpus, Settings settings) {
        Map<String, long[]> wordCounts = countWords(corpus);
        List<String> initial = new ArrayList<>(SpecialTokens.ALL);
        int[] byteToId = new int[256];
        for (int b : ByteLevelAlphabet.bytesInAlphabetOrder()) {
            byteToId[b] = initial.size();
            initial.add(String.valueOf(ByteLevelAlphabet.charOf(b)));
        }
        int[][] words = new int[wordCounts.size()][];
        long[] freqs = new long[wordCounts.size()];
        int w = 0;
        for (Map.Entry<String, long[]> entry : wordCounts.entrySet()) {
            byte[] bytes = entry.getKey().getBytes(StandardCharsets.UTF_8);
            int[] ids = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                ids[i] = byteToId[bytes[i] & 0xFF];
            }
            words[w] = ids;
            freqs[w++] = entry.getValue()[0];
        }
        MergeLearner learner = new MergeLearner(initial, words, freqs);
        learner.learn(settings.vocabSize(), settings.minFrequency());
        List<String> vocabulary = learner.vocabulary();
        List<MergeLearner.Merge> merges = learner.merges();
        return new TokenizerFiles(HfTokenizerJson.tokenizerJson(vocabulary, merges),
                HfTokenizerJson.tokenizerConfigJson(settings.modelMaxLength()), vocabulary.size(), merges.size());
    }

    /** Distinct pre-tokenized pieces and their counts; special-token literals are cut out, never learned. */
    private static Map<String, long[]> countWords(Iterable<String> corpus) {
        Map<String, long[]> counts = new HashMap<>();
        for (String document : corpus) {
            for (String part : SPECIAL_TOKEN.split(document, -1)) {
                ByteLevelPreTokenizer.split(part, piece -> counts.computeIfAbsent(piece, p -> new long[1])[0]++);
            }
        }
        return counts;
    }
}
