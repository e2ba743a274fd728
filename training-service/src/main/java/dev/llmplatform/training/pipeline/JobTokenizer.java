package dev.llmplatform.training.pipeline;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.TrainingSpec;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.tokenizer.bpe.ByteLevelBpeTrainer;
import dev.llmplatform.tokenizer.bpe.SpecialTokens;
import dev.llmplatform.tokenizer.bpe.TokenizerFiles;
import dev.llmplatform.tokenizer.text.HfTokenizer;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;

/**
 * The tokenizer of one job, kept in the job's folder ({@code tokenizer.json},
 * {@code tokenizer_config.json}): trained on the job's text or copied from another model the first
 * time, read back as it is after a restart. So a resumed job tokenizes exactly as before, even if
 * the model it borrowed from has since got a new version, and its checkpoints stay valid.
 *
 * @param vocabSize the largest token id plus one
 * @param eosId     the end-of-text token, which also separates documents in the token stream
 */
public record JobTokenizer(Path dir, int vocabSize, int bosId, int eosId) {

    /** The job's tokenizer in {@code dir}: made on the first call, the same files afterwards. */
    public static JobTokenizer prepare(Path dir, TrainingSpec.TokenizerSpec spec, List<String> trainingText,
                                       int context, ModelStore store) {
        try {
            if (!Files.isRegularFile(dir.resolve(ModelPackage.TOKENIZER))) {
                Files.createDirectories(dir.getParent());
                Path tmp = Files.createTempDirectory(dir.getParent(), ".tokenizer.tmp-");
                if (spec.vocabSize() != null) {
                    TokenizerFiles files = ByteLevelBpeTrainer.train(trainingText,
                            new ByteLevelBpeTrainer.Settings(spec.vocabSize(), 2, context));
                    files.write(tmp);
                } else {
                    copyFrom(store, spec.reuseModel(), tmp);
                }
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            }
            return open(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the tokenizer in " + dir, e);
        }
    }

    static JobTokenizer open(Path dir) throws IOException {
        JsonNode tokenizer = Messages.mapper().readTree(Files.readString(dir.resolve(ModelPackage.TOKENIZER)));
        Path configFile = dir.resolve(ModelPackage.TOKENIZER_CONFIG);
        JsonNode config = Files.isRegularFile(configFile)
                ? Messages.mapper().readTree(Files.readString(configFile)) : Messages.mapper().createObjectNode();
        int maxId = -1;
        for (JsonNode id : tokenizer.path("model").path("vocab").values()) {
            maxId = Math.max(maxId, id.asInt());
        }
        for (JsonNode added : tokenizer.path("added_tokens").values()) {
            maxId = Math.max(maxId, added.path("id").asInt());
        }
        int eos = tokenId(tokenizer, tokenContent(config.get("eos_token")));
        int bos = tokenId(tokenizer, tokenContent(config.get("bos_token")));
        if (eos < 0) {
            throw new IllegalArgumentException("the tokenizer names no end-of-text token (eos_token in tokenizer_config.json)");
        }
        return new JobTokenizer(dir, maxId + 1, bos < 0 ? eos : bos, eos);
    }

    /** Documents as one stream, each preceded by end-of-text and one more at the end (GPT-2's layout). */
    public int[] encode(List<String> documents, int context) {
        try (HfTokenizer tokenizer = HfTokenizer.load(dir.resolve(ModelPackage.TOKENIZER), context)) {
            int[] stream = new int[1024];
            int size = 0;
            for (String document : documents) {
                int[] ids = tokenizer.encode(document);
                if (size + ids.length + 2 > stream.length) {
                    stream = Arrays.copyOf(stream, Math.max(stream.length * 2, size + ids.length + 2));
                }
                stream[size++] = eosId;
                System.arraycopy(ids, 0, stream, size, ids.length);
                size += ids.length;
            }
            stream[size++] = eosId;
            return Arrays.copyOf(stream, size);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the tokenizer in " + dir, e);
        }
    }

    private static void copyFrom(ModelStore store, String model, Path target) throws IOException {
        ModelPackage source = store.openLatest(model).orElseThrow(() ->
                new IllegalArgumentException("no model '" + model + "' in the store to reuse the tokenizer of"));
        if (!Files.isRegularFile(source.tokenizerFile())) {
            throw new IllegalArgumentException("model " + model + ":" + source.version() + " has no tokenizer.json");
        }
        Files.copy(source.tokenizerFile(), target.resolve(ModelPackage.TOKENIZER));
        Path config = source.dir().resolve(ModelPackage.TOKENIZER_CONFIG);
        if (Files.isRegularFile(config)) {
            Files.copy(config, target.resolve(ModelPackage.TOKENIZER_CONFIG));
        }
    }

    /** {@code "eos_token": "<|endoftext|>"} or {@code {"content": "<|endoftext|>", ...}}; GPT-2's when absent. */
    private static String tokenContent(JsonNode value) {
        if (value != null && value.isString()) {
            return value.stringValue();
        }
        if (value != null && value.path("content").isString()) {
            return value.path("content").stringValue();
        }
        return SpecialTokens.END_OF_TEXT;
    }

    private static int tokenId(JsonNode tokenizer, String content) {
        for (JsonNode added : tokenizer.path("added_tokens").values()) {
            if (content.equals(added.path("content").asString(""))) {
                return added.path("id").asInt();
            }
        }
        JsonNode id = tokenizer.path("model").path("vocab").get(content);
        return id != null && id.isNumber() ? id.asInt() : -1;
    }
}
