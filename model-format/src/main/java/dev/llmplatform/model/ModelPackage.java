package dev.llmplatform.model;

import dev.llmplatform.contracts.Messages;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One model version on disk, laid out like a Hugging Face / Optimum export: {@code config.json},
 * {@code generation_config.json}, {@code tokenizer.json}, {@code tokenizer_config.json} and a graph,
 * in one of the layouts {@link ModelLayout#detect} accepts: the platform's own package (with its
 * {@code manifest.json}), an ONNX export, or a safetensors checkpoint the platform converts.
 *
 * @param manifest the platform's {@code manifest.json}; for a user's folder the one in
 *                 {@code .llm-platform/} when present, else synthesized from the folder
 */
public record ModelPackage(String name, String version, Path dir, Manifest manifest) {

    public static final String MODEL = "model.onnx";
    public static final String CONFIG = "config.json";
    public static final String GENERATION_CONFIG = "generation_config.json";
    public static final String TOKENIZER = "tokenizer.json";
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    public static final String MANIFEST = "manifest.json";
    /** Hugging Face's "no limit" {@code model_max_length} is int(1e30); anything this large says nothing. */
    private static final double NO_MAX_LENGTH = 1e18;

    public static ModelPackage open(String name, String version, Path dir) {
        ModelLayout layout = layoutOf(dir);
        Path manifestFile = layout.manifestFile();
        Manifest manifest = Files.isRegularFile(manifestFile)
                ? Messages.fromJson(read(manifestFile), Manifest.class)
                : synthesize(name, version, layout);
        return new ModelPackage(name, version, dir, manifest);
    }

    /** What the folder holds; a folder without config.json (an old or partial package) counts as the platform's. */
    public ModelLayout layout() {
        return layoutOf(dir);
    }

    public SourceFormat format() {
        return layout().format();
    }

    public String kind() {
        return manifest.kind();
    }

    /**
     * The graph actually served, when there is one: the platform's {@code model.onnx}; an ONNX export's
     * chosen variant (see {@link OnnxVariants}); a checkpoint's converted graph under
     * {@code .llm-platform/onnx-<weights>/} (empty until converted).
     *
     * @throws IllegalArgumentException when {@code llm-platform.json} is unreadable or its {@code onnx_file}
     *                                  is refused (outside the folder, missing)
     */
    public Optional<Path> servedGraph() {
        return layout().servedGraph();
    }

    /**
     * The graph to serve.
     *
     * @throws ModelNotReadyException   when there is none yet (a checkpoint not converted yet), with a message
     *                                  naming what is missing
     * @throws IllegalArgumentException as {@link #servedGraph()}
     */
    public Path modelFile() {
        ModelLayout layout = layout();
        return layout.servedGraph().orElseThrow(() -> new ModelNotReadyException(switch (layout.format()) {
            case SAFETENSORS -> "model " + name + ":" + version + " is a safetensors checkpoint not converted to ONNX yet ("
                    + dir.relativize(layout.convertedDir().resolve(ModelLayout.CONVERTED_GRAPH))
                    + " does not exist)";
            case ONNX -> "model " + name + ":" + version + " has no ONNX graph";
            case PLATFORM -> "model " + name + ":" + version + " has no " + MODEL;
        }));
    }

    public Path tokenizerFile() {
        return dir.resolve(TOKENIZER);
    }

    /**
     * The decoder architecture from {@code config.json}, as the package serves it: the context length
     * bounded by {@code tokenizer_config.json}'s {@code model_max_length} when that is smaller, and the
     * end-of-sequence ids of {@code config.json} and {@code generation_config.json} together (every one
     * of them ends generation, as in Hugging Face's {@code generate}).
     */
    public ModelConfig decoderConfig() {
        ModelConfig config = ModelConfig.parse(read(dir.resolve(CONFIG)), CONFIG);
        Set<Integer> eos = new LinkedHashSet<>(config.eosTokenIds());
        eos.addAll(generationDefaults().eosTokenIds());
        return config.withContextLength(bounded(config.contextLength())).withEosTokenIds(List.copyOf(eos));
    }

    /**
     * The context length from {@code config.json}'s {@code max_position_embeddings} (or GPT-2's
     * {@code n_positions}), read without assuming an architecture (decoders and encoders alike), bounded
     * by the tokenizer's {@code model_max_length} when smaller; 0 when the config does not say.
     */
    public int contextLength() {
        Path file = dir.resolve(CONFIG);
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        JsonNode config = Messages.mapper().readTree(read(file));
        int positions = config.path("max_position_embeddings").asInt(config.path("n_positions").asInt(0));
        return positions <= 0 ? 0 : bounded(positions);
    }

    public GenerationDefaults generationDefaults() {
        Path file = dir.resolve(GENERATION_CONFIG);
        return Files.isRegularFile(file) ? Messages.fromJson(read(file), GenerationDefaults.class) : GenerationDefaults.NONE;
    }

    private int bounded(int positions) {
        Path file = dir.resolve(TOKENIZER_CONFIG);
        if (!Files.isRegularFile(file)) {
            return positions;
        }
        JsonNode max = Messages.mapper().readTree(read(file)).path("model_max_length");
        double limit = max.isNumber() ? max.asDouble() : 0;
        return limit >= 1 && limit < NO_MAX_LENGTH && limit < positions ? (int) limit : positions;
    }

    private static ModelLayout layoutOf(Path dir) {
        return ModelLayout.detect(dir).orElseGet(() -> new ModelLayout(dir, SourceFormat.PLATFORM));
    }

    /**
     * Metadata of a user's folder that has none: its kind from config.json ({@link ModelKind#of}), a decoder's size
     * from config.json, its time from the folder.
     */
    private static Manifest synthesize(String name, String version, ModelLayout layout) {
        String kind = ModelKind.DECODER;
        long parameters = 0;
        try {
            String config = read(layout.dir().resolve(CONFIG));
            kind = ModelKind.of(Messages.mapper().readTree(config));
            if (kind.equals(ModelKind.DECODER)) {
                parameters = ModelConfig.parse(config, CONFIG).parameterCount();
            }
        } catch (RuntimeException e) {
            // a config the Llama reader cannot take still serves if its graph loads; the size is then unknown
        }
        long created;
        try {
            created = Files.getLastModifiedTime(layout.dir()).toMillis();
        } catch (IOException e) {
            created = 0;
        }
        String description = switch (layout.format()) {
            case ONNX -> "ONNX export";
            case SAFETENSORS -> "Hugging Face checkpoint (safetensors)";
            case PLATFORM -> null;
        };
        return new Manifest(name + ":" + version, name, version, kind, null, parameters, null, null,
                description, created);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
