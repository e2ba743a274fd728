package dev.llmplatform.training.pipeline;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelPackageWriter;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.model.llama.LlamaWeights;
import dev.llmplatform.onnx.LlamaOnnxWriter;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes trained weights as a model package, {@code <store>/<name>/<version>/}: {@code model.onnx}
 * (with the attention outputs the playground shows), {@code config.json},
 * {@code generation_config.json}, the job's tokenizer files and the manifest. The version is the
 * next integer after the store's latest for that name.
 */
public final class ModelExporter {

    public static final String EVAL_LOSS = "eval_loss";
    public static final String UNIGRAM_EVAL_LOSS = "unigram_eval_loss";
    /** Another writer may take a version number between our look and our move; then try the next. */
    private static final int VERSION_ATTEMPTS = 5;

    private ModelExporter() {
    }

    public static ModelPackage export(ModelStore store, String name, String jobId, LlamaWeights weights,
                                      JobTokenizer tokenizer, Map<String, Double> evalMetrics, String description) {
        ModelConfig config = weights.config();
        RuntimeException last = null;
        for (int attempt = 0; attempt < VERSION_ATTEMPTS; attempt++) {
            String version = nextVersion(store, name);
            try {
                return ModelPackageWriter.write(store, name, version, "decoder", config.parameterCount(), jobId,
                        evalMetrics, description, dir -> {
                            LlamaOnnxWriter.write(weights, dir.resolve(ModelPackage.MODEL), new LlamaOnnxWriter.Options(true));
                            ModelPackageWriter.writeJson(dir.resolve(ModelPackage.CONFIG), config);
                            ModelPackageWriter.writeJson(dir.resolve(ModelPackage.GENERATION_CONFIG), generationConfig(config));
                            copyTokenizer(tokenizer.dir(), dir, config.contextLength());
                        });
            } catch (UncheckedIOException e) {
                if (!Files.exists(store.packageDir(name, version))) {
                    throw e;
                }
                last = e; // lost the race for this version
            }
        }
        throw new IllegalStateException("no free version for model " + name, last);
    }

    /** The package a job already published (its record was delivered again after it finished). */
    public static Optional<ModelPackage> publishedBy(ModelStore store, String name, String jobId) {
        List<String> versions = store.versions(name);
        for (int i = versions.size() - 1; i >= 0; i--) {
            Optional<ModelPackage> found = store.open(name, versions.get(i))
                    .filter(p -> jobId.equals(p.manifest().trainingJob()));
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** One more than the latest numbered version, past any folder already there (a half-copied one, say). */
    static String nextVersion(ModelStore store, String name) {
        long next = 1 + store.versions(name).stream()
                .filter(v -> v.chars().allMatch(Character::isDigit) && v.length() < 18)
                .mapToLong(Long::parseLong).max().orElse(0);
        while (Files.exists(store.packageDir(name, Long.toString(next)))) {
            next++;
        }
        return Long.toString(next);
    }

    /** Sampling defaults for a freshly trained small model: mild temperature, nucleus sampling. */
    static Map<String, Object> generationConfig(ModelConfig config) {
        Map<String, Object> generation = new LinkedHashMap<>();
        generation.put("do_sample", true);
        generation.put("temperature", 0.8);
        generation.put("top_p", 0.95);
        generation.put("bos_token_id", config.bosTokenId());
        generation.put("eos_token_id", config.eosTokenId());
        return generation;
    }

    /** tokenizer_config.json gets this model's context as its {@code model_max_length}. */
    private static void copyTokenizer(Path from, Path to, int context) throws IOException {
        Files.copy(from.resolve(ModelPackage.TOKENIZER), to.resolve(ModelPackage.TOKENIZER));
        Path config = from.resolve(ModelPackage.TOKENIZER_CONFIG);
        if (Files.isRegularFile(config)) {
            ObjectNode json = (ObjectNode) Messages.mapper().readTree(Files.readString(config));
            json.put("model_max_length", context);
            ModelPackageWriter.writeJson(to.resolve(ModelPackage.TOKENIZER_CONFIG), json);
        }
    }
}
