package dev.llmplatform.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * How a version folder of the store is laid out, found from its files alone: no platform file is
 * required from the user. The platform writes what it derives (converted graphs, status, manifest)
 * into {@link #PLATFORM_DIR} beside the user's files, never over them.
 *
 * @param dir    the version folder
 * @param format what the user's files are
 */
public record ModelLayout(Path dir, SourceFormat format) {

    /** The platform's own folder inside a version folder: conversions, status, manifest. */
    public static final String PLATFORM_DIR = ".llm-platform";
    /** Optional settings a user may put beside the model: weight format, ONNX variant, parsers. */
    public static final String SETTINGS = "llm-platform.json";
    public static final String SAFETENSORS_SINGLE = "model.safetensors";
    public static final String SAFETENSORS_INDEX = "model.safetensors.index.json";

    public Path platformDir() {
        return dir.resolve(PLATFORM_DIR);
    }

    /**
     * The layout of a folder, or empty when it holds no model this platform can serve (yet): it needs a
     * {@code config.json} and either the platform's manifest with a graph, an ONNX graph (top level or
     * under {@code onnx/}), or safetensors weights.
     */
    public static Optional<ModelLayout> detect(Path dir) {
        if (!Files.isDirectory(dir) || !Files.isRegularFile(dir.resolve(ModelPackage.CONFIG))) {
            return Optional.empty();
        }
        if (Files.isRegularFile(dir.resolve(ModelPackage.MANIFEST))) {
            return Optional.of(new ModelLayout(dir, SourceFormat.PLATFORM));
        }
        if (hasOnnxGraph(dir) || hasOnnxGraph(dir.resolve("onnx"))) {
            return Optional.of(new ModelLayout(dir, SourceFormat.ONNX));
        }
        if (Files.isRegularFile(dir.resolve(SAFETENSORS_SINGLE)) || Files.isRegularFile(dir.resolve(SAFETENSORS_INDEX))) {
            return Optional.of(new ModelLayout(dir, SourceFormat.SAFETENSORS));
        }
        return Optional.empty();
    }

    private static boolean hasOnnxGraph(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> {
                String n = f.getFileName().toString();
                return n.startsWith("model") && n.endsWith(".onnx") && Files.isRegularFile(f);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
