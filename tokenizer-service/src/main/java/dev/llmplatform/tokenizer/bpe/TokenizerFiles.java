package dev.llmplatform.tokenizer.bpe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A trained tokenizer as the two Hugging Face files a model package holds.
 *
 * @param tokenizerJson       {@code tokenizer.json}
 * @param tokenizerConfigJson {@code tokenizer_config.json}
 * @param vocabSize           tokens in the vocabulary, special tokens included (may be below the
 *                            requested size when the corpus ran out of pairs worth merging)
 * @param mergeCount          learned merges
 */
public record TokenizerFiles(String tokenizerJson, String tokenizerConfigJson, int vocabSize, int mergeCount) {

    public static final String TOKENIZER_JSON = "tokenizer.json";
    public static final String TOKENIZER_CONFIG_JSON = "tokenizer_config.json";

    /** Writes both files into {@code dir} (created if missing) and returns the tokenizer.json path. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(TOKENIZER_CONFIG_JSON), tokenizerConfigJson, StandardCharsets.UTF_8);
        return Files.writeString(dir.resolve(TOKENIZER_JSON), tokenizerJson, StandardCharsets.UTF_8);
    }
}
