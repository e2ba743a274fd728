package dev.llmplatform.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The ONNX graphs of an export folder and which one is served. {@code optimum-cli export onnx} writes
 * {@code model.onnx} (older versions {@code decoder_model_merged.onnx}) at the top;
 * onnx-community repositories put several variants side by side under {@code onnx/}
 * ({@code model.onnx}, {@code model_fp16.onnx}, {@code model_int8.onnx}, {@code model_uint8.onnx},
 * {@code model_quantized.onnx}, {@code model_q4.onnx}, {@code model_q4f16.onnx}, {@code model_bnb4.onnx}).
 *
 * <p>Default choice, best first (top level before {@code onnx/} at equal rank): full-precision
 * {@code model.onnx} (exact, and the fastest kernels on CPU), then the merged decoder of older exports,
 * then 8-bit ({@code int8}, {@code uint8}, {@code quantized}), then 4-bit ({@code q4}, {@code bnb4}),
 * then float16 ({@code fp16}, {@code q4f16}: converted to float32 at load, so they cost the memory of
 * fp32), then any other {@code *.onnx} by name. A user overrides it with {@code llm-platform.json}'s
 * {@code onnx_file}.
 */
public final class OnnxVariants {

    /** The folder under which onnx-community repositories put their graphs. */
    public static final String ONNX_DIR = "onnx";

    private OnnxVariants() {
    }

    /** Every ONNX graph of the folder (top level and {@code onnx/}), as paths relative to it, best first. */
    public static List<String> list(Path versionDir) {
        List<String> found = new ArrayList<>();
        addGraphs(versionDir, "", found);
        addGraphs(versionDir.resolve(ONNX_DIR), ONNX_DIR + "/", found);
        found.sort(Comparator.comparingInt(OnnxVariants::rank)
                .thenComparing(p -> p.startsWith(ONNX_DIR + "/"))
                .thenComparing(Comparator.naturalOrder()));
        return found;
    }

    /**
     * The graph to serve: the user's {@code onnx_file} when set (it must stay inside the folder and
     * exist), else the best of {@link #list}. Empty when the folder has no graph.
     *
     * @throws IllegalArgumentException when the user's choice escapes the folder or does not exist
     */
    public static Optional<Path> choose(Path versionDir, ModelSettings settings) {
        if (settings.onnxFile() != null) {
            return Optional.of(resolveChoice(versionDir, settings.onnxFile()));
        }
        return list(versionDir).stream().findFirst().map(versionDir::resolve);
    }

    static Path resolveChoice(Path versionDir, String choice) {
        String where = ModelLayout.SETTINGS + ": onnx_file '" + choice + "'";
        Path relative;
        try {
            relative = Path.of(choice);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + " is not a path");
        }
        Path base = versionDir.toAbsolutePath().normalize();
        Path file = base.resolve(relative).normalize();
        if (relative.isAbsolute() || !file.startsWith(base) || file.equals(base)
                || file.startsWith(base.resolve(ModelLayout.PLATFORM_DIR))) {
            throw new IllegalArgumentException(where + " must name a file inside the model folder");
        }
        if (!file.getFileName().toString().endsWith(".onnx")) {
            throw new IllegalArgumentException(where + " is not an .onnx file");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(where + " does not exist");
        }
        return file;
    }

    /** Whether a file name is one of the ONNX decoder graphs an export folder may hold. */
    static boolean isGraphName(String name) {
        return name.endsWith(".onnx") && (name.startsWith("model") || name.startsWith("decoder_model_merged"));
    }

    /** Lower is better; see the class comment. */
    static int rank(String relativePath) {
        String name = relativePath.substring(relativePath.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        String stem = name.substring(0, name.length() - ".onnx".length());
        return switch (stem) {
            case "model" -> 0;
            case "decoder_model_merged" -> 1;
            case "model_int8", "model_uint8", "model_quantized" -> 2;
            case "model_q4", "model_bnb4", "model_int4" -> 3;
            case "model_fp16", "model_q4f16", "decoder_model_merged_fp16" -> 4;
            default -> 5;
        };
    }

    private static void addGraphs(Path dir, String prefix, List<String> into) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(Files::isRegularFile)
                    .map(f -> f.getFileName().toString())
                    .filter(OnnxVariants::isGraphName)
                    .forEach(name -> into.add(prefix + name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
