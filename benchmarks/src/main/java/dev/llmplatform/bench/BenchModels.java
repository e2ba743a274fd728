package dev.llmplatform.bench;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.llama.LlamaWeights;
import dev.llmplatform.model.llama.RandomLlama;
import dev.llmplatform.onnx.GraphForm;
import dev.llmplatform.onnx.KvPrecision;
import dev.llmplatform.onnx.LlamaOnnxWriter;
import dev.llmplatform.onnx.OnnxWeights;
import dev.llmplatform.onnx.WeightQuantization;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The models the benchmarks run: the trained starter package when it is there, and seeded random
 * weights otherwise (no pretrained decoder can be had here), which is fine for speed: the work per
 * token depends only on the shapes.
 */
final class BenchModels {

    static final long SEED = 20261129L;

    /** A model as the engine gets it: one ONNX file and its config. */
    record OnnxModel(String name, ModelConfig config, Path onnx, WeightQuantization quantization, GraphForm form) {
        /** e.g. {@code INT8 fused}. */
        String label() {
            return quantization.format() + " " + form.label();
        }
    }

    private BenchModels() {
    }

    /**
     * GPT-2 small's shape as a Llama: 12 layers, hidden 768, 12 heads, vocab 50257, tied embeddings.
     * SwiGLU has three matrices where GPT-2's MLP has two, so intermediate 2048 (= 8/3 · 768, Llama's
     * rule) keeps GPT-2's 124M parameters; 3072 would make it 152M.
     */
    static ModelConfig gpt2Small(int intermediate) {
        return ModelConfig.llama(12, 12, 12, 768, intermediate, 50257, 1024, 50256, 50256, true);
    }

    /** The shape of the shipped starter model (4 layers, hidden 128, 4 heads on 2 kv heads, ~1k BPE vocab). */
    static ModelConfig starterSized() {
        return ModelConfig.llama(4, 4, 2, 128, 352, 1024, 256, 1, 2, true);
    }

    static LlamaWeights randomWeights(ModelConfig config) {
        return RandomLlama.create(config, SEED);
    }

    /** Weights to benchmark and where they came from. */
    record Source(String name, LlamaWeights weights, String description) {
    }

    /**
     * {@code gpt2}: the GPT-2-small-sized random model. {@code small}: the trained starter package if
     * present (weights read back from its float32 graph), else the launcher's tiny-random, else a
     * starter-sized random model. Anything else: a model package folder.
     */
    static Source load(String model, int intermediate) throws IOException {
        if (model.equals("gpt2")) {
            ModelConfig c = gpt2Small(intermediate);
            return new Source("gpt2-small-llama", randomWeights(c), "GPT-2-small-sized Llama, seeded random weights");
        }
        Optional<Path> dir = model.equals("small") ? packagedSmallModel() : Optional.of(Path.of(model));
        if (dir.isEmpty()) {
            return new Source("starter-sized-random", randomWeights(starterSized()), "starter-sized Llama, seeded random weights");
        }
        ModelConfig c = Messages.mapper().readValue(dir.get().resolve("config.json").toFile(), ModelConfig.class);
        return new Source(dir.get().getParent().getFileName() + "-" + dir.get().getFileName(),
                OnnxWeights.read(dir.get().resolve("model.onnx"), c), "model package " + dir.get() + " (weights read from its graph)");
    }

    /** The first packaged small model that exists: the trained starter, else the launcher's tiny-random. */
    static Optional<Path> packagedSmallModel() {
        for (String dir : List.of("models/starter/1", "data/models/starter/1", "data/models/tiny-random/1")) {
            Path p = Path.of(dir);
            if (Files.isRegularFile(p.resolve("model.onnx")) && Files.isRegularFile(p.resolve("config.json"))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Writes the weights as an ONNX decoder in the given format into {@code dir}. */
    static OnnxModel write(String name, LlamaWeights weights, WeightQuantization q, Path dir) {
        return write(name, weights, q, GraphForm.PLAIN, dir);
    }

    /** Writes the weights as an ONNX decoder in the given format and graph form into {@code dir}. */
    static OnnxModel write(String name, LlamaWeights weights, WeightQuantization q, GraphForm form, Path dir) {
        return write(name, weights, q, form, KvPrecision.FP32, dir);
    }

    /** As above, the fused form's KV cache in {@code kv}. */
    static OnnxModel write(String name, LlamaWeights weights, WeightQuantization q, GraphForm form, KvPrecision kv, Path dir) {
        Path file = dir.resolve(name + "-" + q.format().name().toLowerCase(Locale.ROOT) + "-" + form.label()
                + (kv == KvPrecision.FP32 ? "" : "-kv-" + kv.label()) + ".onnx");
        long t0 = System.nanoTime();
        LlamaOnnxWriter.write(weights, file, LlamaOnnxWriter.Options.quantized(q).withForm(form).withKv(kv));
        try {
            System.out.printf("wrote %s (%d MB) in %.1f s%n", file.getFileName(), Files.size(file) >> 20,
                    (System.nanoTime() - t0) / 1e9);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new OnnxModel(name, weights.config(), file, q, form);
    }

    /** A temporary folder removed when the JVM exits: a GPT-2-sized run leaves about 1 GB of files. */
    static Path tempDir(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not remove " + dir + ": " + e.getMessage());
            }
        }));
        return dir;
    }

    static WeightQuantization quantization(String format, int accuracyLevel) {
        WeightQuantization.Format f = WeightQuantization.Format.valueOf(format.toUpperCase(Locale.ROOT));
        return f == WeightQuantization.Format.FP32 ? WeightQuantization.NONE
                : WeightQuantization.of(f).withAccuracyLevel(accuracyLevel);
    }
}
