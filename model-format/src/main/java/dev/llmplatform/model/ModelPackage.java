package dev.llmplatform.model;

import dev.llmplatform.contracts.Messages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One model version on disk, laid out like a Hugging Face / Optimum export:
 * {@code model.onnx}, {@code config.json}, {@code generation_config.json}, {@code tokenizer.json},
 * {@code tokenizer_config.json} and the platform's {@code manifest.json}.
 */
public record ModelPackage(String name, String version, Path dir, Manifest manifest) {

    public static final String MODEL = "model.onnx";
    public static final String CONFIG = "config.json";
    public static final String GENERATION_CONFIG = "generation_config.json";
    public static final String TOKENIZER = "tokenizer.json";
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    public static final String MANIFEST = "manifest.json";

    public static ModelPackage open(String name, String version, Path dir) {
        Path manifestFile = dir.resolve(MANIFEST);
        Manifest manifest = Files.isRegularFile(manifestFile)
                ? Messages.fromJson(read(manifestFile), Manifest.class)
                : new Manifest(name + ":" + version, name, version, "decoder", null, 0, null, null, null, 0);
        return new ModelPackage(name, version, dir, manifest);
    }

    public String kind() {
        return manifest.kind();
    }

    public Path modelFile() {
        return dir.resolve(MODEL);
    }

    public Path tokenizerFile() {
        return dir.resolve(TOKENIZER);
    }

    /** The decoder architecture from {@code config.json}. */
    public ModelConfig decoderConfig() {
        return Messages.fromJson(read(dir.resolve(CONFIG)), ModelConfig.class);
    }

    /**
     * The context length from {@code config.json}'s {@code max_position_embeddings}, read without
     * assuming an architecture (decoders and encoders alike); 0 when the file does not say.
     */
    public int contextLength() {
        Path file = dir.resolve(CONFIG);
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        return Messages.mapper().readTree(read(file)).path("max_position_embeddings").asInt(0);
    }

    public GenerationDefaults generationDefaults() {
        Path file = dir.resolve(GENERATION_CONFIG);
        return Files.isRegularFile(file) ? Messages.fromJson(read(file), GenerationDefaults.class) : GenerationDefaults.NONE;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
