package dev.llmplatform.model;

import dev.llmplatform.contracts.Messages;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How a version folder of the store is laid out, found from its files alone: no platform file is
 * required from the user. The platform writes what it derives (converted graphs, status, manifest)
 * into {@link #PLATFORM_DIR} beside the user's files, never over them:
 * <pre>
 * &lt;version&gt;/.llm-platform/
 *   manifest.json                 platform metadata of a user's folder (optional; synthesized when absent)
 *   onnx-&lt;fp32|int8|int4&gt;/       a safetensors checkpoint converted to ONNX ({@link #convertedDir})
 *     model.onnx, model.onnx.data
 *   fp32/&lt;variant&gt;/               a float16 ONNX variant converted to float32 at load ({@link #float32Dir})
 *     model.onnx, model.onnx.data, source.json
 * </pre>
 *
 * @param dir    the version folder
 * @param format what the user's files are
 */
public record ModelLayout(Path dir, SourceFormat format) {

    /** The platform's own folder inside a version folder: conversions, status, manifest. */
    public static final String PLATFORM_DIR = ".llm-platform";
    /** Optional settings a user may put beside the model: weight format, ONNX variant ({@link ModelSettings}). */
    public static final String SETTINGS = "llm-platform.json";
    public static final String SAFETENSORS_SINGLE = "model.safetensors";
    public static final String SAFETENSORS_INDEX = "model.safetensors.index.json";
    /** File names of a graph the platform writes into its folder (checkpoint conversion, fp16 → fp32). */
    public static final String CONVERTED_GRAPH = "model.onnx";
    public static final String CONVERTED_DATA = "model.onnx.data";

    public Path platformDir() {
        return dir.resolve(PLATFORM_DIR);
    }

    /**
     * Where a safetensors checkpoint converted with the given weight format lives:
     * {@code <version>/.llm-platform/onnx-<fp32|int8|int4>/}, holding {@link #CONVERTED_GRAPH} and
     * {@link #CONVERTED_DATA}. The converter writes it (atomically: into a temporary sibling, then moved);
     * the engine serves {@code convertedDir(settings().weightFormat())/model.onnx} once it exists.
     */
    public Path convertedDir(String weightFormat) {
        if (!ModelSettings.WEIGHT_FORMATS.contains(weightFormat)) {
            throw new IllegalArgumentException("unknown weight format '" + weightFormat + "': fp32, int8 or int4");
        }
        return platformDir().resolve("onnx-" + weightFormat);
    }

    /**
     * Where this folder's checkpoint is converted as its settings ask: {@code onnx-<conversion id>}
     * ({@link ModelSettings#conversionId()}: {@code onnx-int8}, or {@code onnx-int4-b32-head-int8} with quantization
     * choices), so each choice has its own graph and changing the settings converts again.
     */
    public Path convertedDir() {
        return platformDir().resolve("onnx-" + settings().conversionId());
    }

    /** Where a reduced-precision ONNX variant (e.g. {@code onnx/model_fp16.onnx}) is kept converted to float32. */
    public Path float32Dir(Path sourceGraph) {
        String relative = dir.toAbsolutePath().normalize().relativize(sourceGraph.toAbsolutePath().normalize()).toString();
        String stem = relative.replace('/', '_').replace('\\', '_');
        return platformDir().resolve("fp32").resolve(stem.substring(0, stem.length() - ".onnx".length()));
    }

    /** The user's {@code llm-platform.json}, or {@link ModelSettings#NONE}. */
    public ModelSettings settings() {
        return ModelSettings.read(dir);
    }

    /** Platform metadata: the platform's own {@code manifest.json}, or the one it keeps in {@link #PLATFORM_DIR}. */
    public Path manifestFile() {
        return format == SourceFormat.PLATFORM ? dir.resolve(ModelPackage.MANIFEST) : platformDir().resolve(ModelPackage.MANIFEST);
    }

    /**
     * The graph the engine serves, when it exists: the platform's {@code model.onnx}; for an ONNX export
     * the chosen variant ({@link OnnxVariants}); for a checkpoint its converted graph, empty until the
     * conversion has written it.
     *
     * @throws IllegalArgumentException when {@code llm-platform.json} is unreadable or names a file outside the folder
     */
    public Optional<Path> servedGraph() {
        return switch (format) {
            case PLATFORM -> Optional.of(dir.resolve(ModelPackage.MODEL)).filter(Files::isRegularFile);
            case ONNX -> OnnxVariants.choose(dir, settings());
            case SAFETENSORS -> Optional.of(convertedDir().resolve(CONVERTED_GRAPH))
                    .filter(Files::isRegularFile);
        };
    }

    /**
     * The layout of a folder, or empty when it holds no model this platform can serve (yet): it needs a
     * {@code config.json} and either the platform's manifest, an ONNX graph (top level or under
     * {@code onnx/}), or safetensors weights ({@code model.safetensors}, or an index whose shards are all there).
     */
    public static Optional<ModelLayout> detect(Path dir) {
        if (!Files.isDirectory(dir) || !Files.isRegularFile(dir.resolve(ModelPackage.CONFIG))) {
            return Optional.empty();
        }
        if (Files.isRegularFile(dir.resolve(ModelPackage.MANIFEST))) {
            return Optional.of(new ModelLayout(dir, SourceFormat.PLATFORM));
        }
        if (!OnnxVariants.list(dir).isEmpty()) {
            return Optional.of(new ModelLayout(dir, SourceFormat.ONNX));
        }
        if (Files.isRegularFile(dir.resolve(SAFETENSORS_SINGLE)) || hasEveryShard(dir)) {
            return Optional.of(new ModelLayout(dir, SourceFormat.SAFETENSORS));
        }
        return Optional.empty();
    }

    /** A sharded checkpoint counts once every shard its index names is there (not while it is being copied in). */
    private static boolean hasEveryShard(Path dir) {
        Path index = dir.resolve(SAFETENSORS_INDEX);
        if (!Files.isRegularFile(index)) {
            return false;
        }
        try {
            JsonNode weightMap = Messages.mapper().readTree(Files.readString(index)).path("weight_map");
            if (!weightMap.isObject() || weightMap.isEmpty()) {
                return false;
            }
            for (JsonNode shard : weightMap) {
                Path file = dir.resolve(shard.asString()).normalize();
                if (!file.startsWith(dir.normalize()) || !Files.isRegularFile(file)) {
                    return false;
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
