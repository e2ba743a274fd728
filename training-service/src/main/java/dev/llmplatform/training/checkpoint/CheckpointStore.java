package dev.llmplatform.training.checkpoint;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.llama.LlamaWeights;
import dev.llmplatform.model.safetensors.SafetensorsReader;
import dev.llmplatform.model.safetensors.SafetensorsWriter;
import dev.llmplatform.training.loop.OptimizerState;
import dev.llmplatform.training.loop.TrainingConfig;
import dev.llmplatform.training.loop.TrainingPlan;
import dev.llmplatform.training.model.ParameterLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoints of one run, one folder each ({@code step-00000120/}) laid out like a Hugging Face
 * checkpoint: {@code config.json} (the model), {@code trainer_state.json} (step, training settings,
 * data fingerprint, optimiser update count), {@code model.safetensors} (the weights, row-major
 * {@code [in, out]} as in {@code LlamaWeights}) and {@code optimizer.safetensors} (AdamW moments).
 *
 * <p>A checkpoint is written into a hidden temporary folder and renamed into place in one step, so
 * a run killed mid-write leaves the previous checkpoint as the latest complete one. Only the newest
 * {@code keep} are kept.
 */
public final class CheckpointStore {

    public static final String CONFIG_FILE = "config.json";
    public static final String STATE_FILE = "trainer_state.json";
    public static final String MODEL_FILE = "model.safetensors";
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";

    private static final Logger log = LoggerFactory.getLogger(CheckpointStore.class);
    private static final int FORMAT_VERSION = 1;
    private static final Pattern COMPLETE = Pattern.compile("step-(\\d{8})");
    private static final String FIRST_MOMENT = "exp_avg.";
    private static final String SECOND_MOMENT = "exp_avg_sq.";

    /** The small part of a checkpoint, as JSON. */
    record TrainerState(int formatVersion, int step, int optimizerUpdates, String dataFingerprint,
                        TrainingConfig training) {
    }

    private final Path directory;
    private final int keep;

    public CheckpointStore(Path directory, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be >= 1");
        }
        this.directory = directory;
        this.keep = keep;
    }

    public Path directory() {
        return directory;
    }

    /** Writes the checkpoint atomically, drops the oldest beyond {@code keep}, and returns its folder. */
    public Path save(Checkpoint checkpoint) {
        Path target = directory.resolve("step-%08d".formatted(checkpoint.step()));
        Path temporary = null;
        try {
            Files.createDirectories(directory);
            temporary = Files.createTempDirectory(directory, "." + target.getFileName() + ".tmp-");
            writeJson(temporary.resolve(CONFIG_FILE), checkpoint.plan().model());
            writeJson(temporary.resolve(STATE_FILE), new TrainerState(FORMAT_VERSION, checkpoint.step(),
                    checkpoint.optimizer().updates(), checkpoint.dataFingerprint(), checkpoint.plan().training()));
            Map<String, long[]> shapes = ParameterLayout.shapes(checkpoint.plan().model());
            List<SafetensorsWriter.Tensor> model = new ArrayList<>();
            ParameterLayout.flatten(checkpoint.weights()).forEach((name, values) ->
                    model.add(SafetensorsWriter.tensor(name, values, shapes.get(name))));
            SafetensorsWriter.write(temporary.resolve(MODEL_FILE), model,
                    Map.of("format", "llm-platform", "layout", "[in, out]"), true);
            List<SafetensorsWriter.Tensor> moments = new ArrayList<>();
            shapes.forEach((name, shape) -> {
                moments.add(SafetensorsWriter.tensor(FIRST_MOMENT + name, checkpoint.optimizer().firstMoments().get(name), shape));
                moments.add(SafetensorsWriter.tensor(SECOND_MOMENT + name, checkpoint.optimizer().secondMoments().get(name), shape));
            });
            SafetensorsWriter.write(temporary.resolve(OPTIMIZER_FILE), moments, Map.of("optimizer", "AdamW"), true);
            moveIntoPlace(temporary, target);
            temporary = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target, e);
        } finally {
            if (temporary != null) {
                deleteQuietly(temporary);
            }
        }
        prune();
        return target;
    }

    /** The newest checkpoint that loads, if any (an unreadable one is skipped with a warning). */
    public Optional<Checkpoint> latest() {
        List<Path> all = checkpoints();
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                return Optional.of(load(all.get(i)));
            } catch (IOException | RuntimeException e) {
                log.warn("skipping unreadable checkpoint {}: {}", all.get(i), e.toString());
            }
        }
        return Optional.empty();
    }

    /** Complete checkpoint folders, oldest first. */
    public List<Path> checkpoints() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(directory)) {
            return children.filter(p -> Files.isDirectory(p) && COMPLETE.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoints in " + directory, e);
        }
    }

    /** Reads one checkpoint folder. */
    public static Checkpoint load(Path folder) throws IOException {
        ModelConfig config = Messages.mapper().readValue(Files.readString(folder.resolve(CONFIG_FILE)), ModelConfig.class);
        TrainerState state = Messages.mapper().readValue(Files.readString(folder.resolve(STATE_FILE)), TrainerState.class);
        if (state.formatVersion() != FORMAT_VERSION) {
            throw new IOException(folder + ": unsupported checkpoint format " + state.formatVersion());
        }
        Map<String, long[]> shapes = ParameterLayout.shapes(config);
        Map<String, SafetensorsReader.Tensor> model = readAll(folder.resolve(MODEL_FILE));
        Map<String, SafetensorsReader.Tensor> moments = readAll(folder.resolve(OPTIMIZER_FILE));
        Map<String, float[]> weights = new LinkedHashMap<>();
        Map<String, float[]> first = new LinkedHashMap<>();
        Map<String, float[]> second = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> entry : shapes.entrySet()) {
            String name = entry.getKey();
            weights.put(name, values(model, name, entry.getValue(), folder));
            first.put(name, values(moments, FIRST_MOMENT + name, entry.getValue(), folder));
            second.put(name, values(moments, SECOND_MOMENT + name, entry.getValue(), folder));
        }
        LlamaWeights llama = ParameterLayout.assemble(config, weights);
        return new Checkpoint(new TrainingPlan(config, state.training()), state.step(), state.dataFingerprint(),
                llama, new OptimizerState(state.optimizerUpdates(), first, second));
    }

    /** The step a checkpoint folder holds, from its name. */
    public static int stepOf(Path folder) {
        Matcher matcher = COMPLETE.matcher(folder.getFileName().toString());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(folder + " is not a checkpoint folder");
        }
        return Integer.parseInt(matcher.group(1));
    }

    private static Map<String, SafetensorsReader.Tensor> readAll(Path file) throws IOException {
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            return reader.readAll();
        }
    }

    private static float[] values(Map<String, SafetensorsReader.Tensor> tensors, String name, long[] shape, Path folder)
            throws IOException {
        SafetensorsReader.Tensor tensor = tensors.get(name);
        if (tensor == null || !Arrays.equals(tensor.shape(), shape)) {
            throw new IOException(folder + ": tensor " + name + " is missing or has the wrong shape");
        }
        return tensor.values();
    }

    private void prune() {
        List<Path> all = checkpoints();
        for (int i = 0; i < all.size() - keep; i++) {
            deleteQuietly(all.get(i));
        }
    }

    /** Renames the finished folder into place; a folder of the same step (a rerun) is replaced. */
    private static void moveIntoPlace(Path temporary, Path target) throws IOException {
        if (Files.exists(target)) {
            Path old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old-");
            Files.delete(old);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            deleteQuietly(old);
        }
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target);
        }
    }

    private static void writeJson(Path file, Object value) throws IOException {
        Files.writeString(file, Messages.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    private static void deleteQuietly(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            log.warn("cannot delete {}: {}", root, e.toString());
        }
    }
}
