package dev.llmplatform.training.checkpoint;

import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.llama.LlamaWeights;
import dev.llmplatform.training.loop.OptimizerState;
import dev.llmplatform.training.loop.TrainingConfig;
import dev.llmplatform.training.loop.TrainingPlan;
import dev.llmplatform.training.model.ParameterLayout;
import dev.llmplatform.training.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CheckpointStoreTest {

    private static final ModelConfig MODEL = ModelConfig.llama(2, 4, 2, 16, 32, 20, 8, 1, 2, false);
    private static final TrainingPlan PLAN = new TrainingPlan(MODEL,
            TrainingConfig.defaults(100, 4, 8, 1e-3, 9).withCheckpointEvery(10));

    @TempDir
    Path dir;

    @Test
    void shouldLoadExactlyWhatWasSaved() throws IOException {
        Checkpoint saved = checkpoint(30, 1);

        Path folder = new CheckpointStore(dir, 2).save(saved);
        Checkpoint loaded = CheckpointStore.load(folder);

        assertThat(folder.getFileName().toString()).isEqualTo("step-00000030");
        assertThat(folder).isDirectoryContaining(p -> p.getFileName().toString().equals("config.json"));
        assertThat(loaded.plan()).isEqualTo(PLAN);
        assertThat(loaded.step()).isEqualTo(30);
        assertThat(loaded.dataFingerprint()).isEqualTo("data-1");
        assertThat(loaded.optimizer().updates()).isEqualTo(30);
        ParameterLayout.flatten(saved.weights()).forEach((name, values) -> {
            assertThat(ParameterLayout.flatten(loaded.weights()).get(name)).as(name).containsExactly(values);
            assertThat(loaded.optimizer().firstMoments().get(name))
                    .containsExactly(saved.optimizer().firstMoments().get(name));
            assertThat(loaded.optimizer().secondMoments().get(name))
                    .containsExactly(saved.optimizer().secondMoments().get(name));
        });
    }

    @Test
    void shouldKeepOnlyTheNewestCheckpoints() {
        CheckpointStore store = new CheckpointStore(dir, 2);

        for (int step = 10; step <= 40; step += 10) {
            store.save(checkpoint(step, step));
        }

        assertThat(store.checkpoints()).extracting(CheckpointStore::stepOf).containsExactly(30, 40);
        assertThat(store.latest()).hasValueSatisfying(c -> assertThat(c.step()).isEqualTo(40));
    }

    /** A write cut short leaves a hidden temporary folder; a damaged newest one is skipped too. */
    @Test
    void shouldResumeFromTheNewestCompleteCheckpoint() throws IOException {
        CheckpointStore store = new CheckpointStore(dir, 3);
        store.save(checkpoint(10, 1));
        Path damaged = store.save(checkpoint(20, 2));
        Files.writeString(damaged.resolve(CheckpointStore.MODEL_FILE), "truncated");
        Path unfinished = Files.createDirectory(dir.resolve(".step-00000030.tmp-123"));
        Files.writeString(unfinished.resolve(CheckpointStore.CONFIG_FILE), "{}");

        assertThat(store.latest()).hasValueSatisfying(c -> assertThat(c.step()).isEqualTo(10));
    }

    @Test
    void shouldFindNothingInAnEmptyOrMissingFolder() {
        assertThat(new CheckpointStore(dir.resolve("absent"), 1).latest()).isEmpty();
        assertThat(new CheckpointStore(dir, 1).checkpoints()).isEmpty();
    }

    private static Checkpoint checkpoint(int step, long seed) {
        LlamaWeights weights = TestModels.random(MODEL, seed, 0.1);
        Map<String, float[]> first = new LinkedHashMap<>();
        Map<String, float[]> second = new LinkedHashMap<>();
        ParameterLayout.flatten(TestModels.random(MODEL, seed + 1, 0.01)).forEach(first::put);
        ParameterLayout.flatten(TestModels.random(MODEL, seed + 2, 0.001)).forEach(second::put);
        return new Checkpoint(PLAN, step, "data-" + seed, weights, new OptimizerState(step, first, second));
    }
}
