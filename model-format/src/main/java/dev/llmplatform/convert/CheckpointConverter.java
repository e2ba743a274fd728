package dev.llmplatform.convert;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.safetensors.SafetensorsCheckpoint;
import dev.llmplatform.onnx.DecoderSpec;
import dev.llmplatform.onnx.LlamaOnnxWriter;
import dev.llmplatform.onnx.WeightQuantization;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Converts a Hugging Face checkpoint folder ({@code config.json} + {@code model.safetensors} or
 * sharded {@code model-*.safetensors} with {@code model.safetensors.index.json}; F32, F16 or BF16) into
 * a decoder graph with Optimum's names: {@code model.onnx} plus its weights in {@code model.onnx.data}.
 * Families and their mapping: {@link Architecture}. No Spring; safe to call from any thread, one
 * conversion per call.
 *
 * <p>Streaming: tensors are memory-mapped and converted one at a time straight into
 * {@code model.onnx.data}, so the heap holds one tensor (the embedding is the largest; a 0.5B model
 * converts in 1.5 GB of heap). The checkpoint's files are only read (the output may be a subfolder
 * of the checkpoint folder, not the folder itself). The output is written into a
 * temporary folder beside {@code outputDir} and moved into place at the end: {@code outputDir} itself
 * when it does not exist yet, otherwise the two files into it, {@code model.onnx} last, so a reader
 * that sees {@code model.onnx} sees its data complete.
 *
 * <p>Every refusal (unknown family or rope scaling, missing/misshapen/corrupt tensor, bad config)
 * is a {@link CheckpointException} whose message names the file or field; failing to write the output
 * is an {@link UncheckedIOException}.
 */
public final class CheckpointConverter {

    public static final String CONFIG_FILE = "config.json";
    public static final String MODEL_FILE = "model.onnx";
    public static final String DATA_FILE = "model.onnx.data";

    public ConversionResult convert(Path checkpointDir, Path outputDir, WeightFormat format, ConversionProgress progress) {
        return convert(checkpointDir, outputDir, format, format.quantization(), progress);
    }

    /**
     * As above with the quantization spelled out (block size, zero points, the LM head's format):
     * {@code quantization}'s format must be {@code format}'s.
     */
    public ConversionResult convert(Path checkpointDir, Path outputDir, WeightFormat format, WeightQuantization quantization,
                                    ConversionProgress progress) {
        if (quantization.format().bits() != format.quantization().format().bits()) {
            throw new IllegalArgumentException("quantization " + quantization.label() + " is not weight format " + format.id());
        }
        long start = System.nanoTime();
        Path source = checkpointDir.toAbsolutePath().normalize();
        Path target = outputDir.toAbsolutePath().normalize();
        if (target.equals(source)) {
            throw new IllegalArgumentException("output folder " + target + " is the checkpoint folder, which the converter "
                    + "never writes to (a subfolder such as .llm-platform/onnx-int8 is fine)");
        }
        progress.update(0, "reading " + CONFIG_FILE);
        JsonNode raw = readConfig(source);
        Architecture family = Architecture.of(raw);
        ModelConfig config = modelConfig(source, raw);
        List<String> notes = new ArrayList<>();
        DecoderSpec spec;
        try {
            spec = family.spec(config, raw, notes);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source.resolve(CONFIG_FILE) + ": " + e.getMessage(), e);
        }
        LlamaOnnxWriter.Options options = LlamaOnnxWriter.Options.quantized(quantization);
        // A quantized copy of a tied embedding reads the embedding twice (once when it is shared with the head).
        boolean quantizedTiedHead = config.tieWordEmbeddings() && options.weights().quantized()
                && options.weights().quantizeLmHead() && !options.weights().sharesEmbedding(config);

        progress.update(0.01, "checking tensors");
        try (SafetensorsCheckpoint checkpoint = openCheckpoint(source)) {
            CheckpointTensors tensors = new CheckpointTensors(checkpoint, family, spec, quantizedTiedHead, progress);
            tensors.validate();
            Path temporary = createTemporary(target);
            try {
                long dataBytes = LlamaOnnxWriter.writeExternal(spec, tensors, temporary.resolve(MODEL_FILE), options);
                progress.update(0.97, "moving into place");
                moveIntoPlace(temporary, target);
                temporary = null;
                progress.update(1, "done");
                String architecture = raw.path("architectures").path(0).asString(family.architectureName());
                return new ConversionResult(architecture, family, tensors.parameterCount(), format,
                        target.resolve(MODEL_FILE), target.resolve(DATA_FILE), dataBytes,
                        Duration.ofNanos(System.nanoTime() - start), List.copyOf(notes));
            } finally {
                if (temporary != null) {
                    deleteQuietly(temporary);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close checkpoint " + source, e);
        }
    }

    private static JsonNode readConfig(Path dir) {
        Path file = dir.resolve(CONFIG_FILE);
        try {
            JsonNode raw = Messages.mapper().readTree(Files.readString(file));
            if (raw == null || !raw.isObject()) {
                throw new CheckpointException(file + ": not a JSON object");
            }
            return raw;
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file + ": not found (a Hugging Face checkpoint folder has a config.json)", e);
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot read: " + e.getMessage(), e);
        } catch (JacksonException e) {
            throw new CheckpointException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static ModelConfig modelConfig(Path dir, JsonNode raw) {
        try {
            return Messages.mapper().treeToValue(raw, ModelConfig.class);
        } catch (JacksonException | IllegalArgumentException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            String message = root.getMessage() == null ? e.getMessage() : root.getMessage();
            throw new CheckpointException(message.startsWith(CONFIG_FILE) ? message
                    : dir.resolve(CONFIG_FILE) + ": " + message, e);
        }
    }

    private static SafetensorsCheckpoint openCheckpoint(Path dir) {
        try {
            return SafetensorsCheckpoint.open(dir);
        } catch (IOException e) {
            throw new CheckpointException(e.getMessage(), e);
        }
    }

    private static Path createTemporary(Path target) {
        try {
            Files.createDirectories(target.getParent());
            return Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".converting-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder beside " + target, e);
        }
    }

    private static void moveIntoPlace(Path temporary, Path target) {
        try {
            if (!Files.exists(target)) {
                move(temporary, target);
                return;
            }
            move(temporary.resolve(DATA_FILE), target.resolve(DATA_FILE));
            move(temporary.resolve(MODEL_FILE), target.resolve(MODEL_FILE));
            Files.delete(temporary);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move the converted model into " + target, e);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort: a leftover hidden temporary folder is harmless
        }
    }
}
