package dev.llmplatform.training.pipeline;

import dev.llmplatform.contracts.TrainingSpec;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.training.checkpoint.CheckpointStore;
import dev.llmplatform.training.run.TrainingProgress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainingPipelineTest {

    @TempDir
    Path dir;

    /** Stopped after its step-8 checkpoint, the same job id resumes there and ends as an uninterrupted run ends. */
    @Test
    void shouldResumeAStoppedJobFromItsCheckpointAndPublishTheSameModel() throws IOException {
        TrainingPipeline pipeline = new TrainingPipeline(settings());
        TrainingSpec spec = PipelineTestSpecs.tiny("tiny", 20, 8);
        PipelineResult uninterrupted = pipeline.job("job-a", spec, PipelineListener.NONE).execute();

        PipelineJob[] killed = new PipelineJob[1];
        killed[0] = pipeline.job("job-b", spec, progress -> {
            if (progress.step() == 13) {
                killed[0].cancel(); // stands in for a crash: no checkpoint is written on the way out
            }
        });
        PipelineResult stopped = killed[0].execute();
        assertThat(stopped.status()).isEqualTo(PipelineResult.Status.CANCELLED);
        assertThat(new CheckpointStore(pipeline.jobDir("job-b").resolve("checkpoints"), 2).checkpoints())
                .extracting(CheckpointStore::stepOf).containsExactly(8);

        List<TrainingProgress> steps = new ArrayList<>();
        PipelineResult resumed = pipeline.job("job-b", spec, steps::add).execute();

        assertThat(resumed.status()).isEqualTo(PipelineResult.Status.SUCCEEDED);
        assertThat(resumed.training().resumedFromStep()).isEqualTo(8);
        assertThat(steps.getFirst().step()).isEqualTo(9);
        ModelPackage first = uninterrupted.modelPackage();
        ModelPackage second = resumed.modelPackage();
        assertThat(List.of(first.version(), second.version())).containsExactly("1", "2");
        assertThat(second.manifest().files().get(ModelPackage.MODEL)).isEqualTo(first.manifest().files().get(ModelPackage.MODEL));
        assertThat(second.manifest().trainingJob()).isEqualTo("job-b");
        assertThat(resumed.evalLoss()).isEqualTo(uninterrupted.evalLoss());
        assertThat(Files.exists(pipeline.jobDir("job-b"))).as("a published job's folder is gone").isFalse();
    }

    @Test
    void shouldWriteACompletePackageAndNotPublishTwiceForADeliveredAgainJob() throws IOException {
        TrainingPipeline pipeline = new TrainingPipeline(settings());
        TrainingSpec spec = PipelineTestSpecs.tiny("tiny", 4, 0);

        PipelineResult result = pipeline.job("job-c", spec, PipelineListener.NONE).execute();
        PipelineResult again = pipeline.job("job-c", spec, PipelineListener.NONE).execute();

        ModelPackage published = new ModelStore(dir.resolve("models")).openLatest("tiny").orElseThrow();
        assertThat(published.manifest().files().keySet()).containsExactlyInAnyOrder(ModelPackage.MODEL,
                ModelPackage.CONFIG, ModelPackage.GENERATION_CONFIG, ModelPackage.TOKENIZER, ModelPackage.TOKENIZER_CONFIG);
        assertThat(published.manifest().parameterCount()).isEqualTo(published.decoderConfig().parameterCount());
        assertThat(published.manifest().evalMetrics()).containsOnlyKeys("eval_loss", "unigram_eval_loss");
        assertThat(Files.readString(published.dir().resolve(ModelPackage.TOKENIZER_CONFIG)))
                .contains("chat_template").contains("\"model_max_length\" : 32");
        assertThat(published.generationDefaults().eosTokenId()).isEqualTo(published.decoderConfig().eosTokenId());
        assertThat(again.status()).isEqualTo(PipelineResult.Status.SUCCEEDED);
        assertThat(again.training()).isNull();
        assertThat(again.modelPackage().version()).isEqualTo(result.modelPackage().version()).isEqualTo("1");
    }

    @Test
    void shouldReuseTheTokenizerOfAnotherModelAndTrainOnFiles() throws IOException {
        TrainingPipeline pipeline = new TrainingPipeline(settings());
        pipeline.job("job-d", PipelineTestSpecs.tiny("base", 2, 0), PipelineListener.NONE).execute();
        Path books = Files.createDirectories(dir.resolve("datasets/books"));
        Files.writeString(books.resolve("a.txt"), String.join("\n\n", java.util.Collections.nCopies(200,
                "Tom gave the book to Anna. Now Anna has the book.")));
        TrainingSpec spec = new TrainingSpec("reader", new TrainingSpec.Dataset("files", "books", null, null),
                new TrainingSpec.TokenizerSpec(null, "base"), new TrainingSpec.Architecture(1, 32, 2, 0, 32, null),
                2, 2, 3e-3, 1, 0, 0);

        PipelineResult result = pipeline.job("job-e", spec, PipelineListener.NONE).execute();

        Path baseTokenizer = new ModelStore(dir.resolve("models")).openLatest("base").orElseThrow().tokenizerFile();
        assertThat(result.modelPackage().tokenizerFile()).hasSameTextualContentAs(baseTokenizer);
    }

    @Test
    void shouldFailClearlyWhenTheDatasetIsTooSmallOrEscapesItsRoot() throws IOException {
        TrainingPipeline pipeline = new TrainingPipeline(settings());
        Files.createDirectories(dir.resolve("datasets"));
        Files.writeString(dir.resolve("datasets/short.txt"), "One line.\n\nAnother.");
        Files.writeString(dir.resolve("outside.txt"), "secret\n\nsecret");
        TrainingSpec small = new TrainingSpec("m", new TrainingSpec.Dataset("files", "short.txt", null, null),
                new TrainingSpec.TokenizerSpec(300, null), new TrainingSpec.Architecture(1, 32, 2, 0, 32, null),
                2, 2, 3e-3, 1, 0, 0);
        TrainingSpec escaping = new TrainingSpec("m", new TrainingSpec.Dataset("files", "../outside.txt", null, null),
                small.tokenizer(), small.architecture(), 2, 2, 3e-3, 1, 0, 0);

        assertThatThrownBy(() -> pipeline.job("small", small, PipelineListener.NONE).execute())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too small for context 32");
        assertThatThrownBy(() -> pipeline.job("escaping", escaping, PipelineListener.NONE).execute())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("escapes the dataset root");
        assertThatThrownBy(() -> pipeline.job("../up", small, PipelineListener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("job id");
    }

    private PipelineSettings settings() {
        return new PipelineSettings(dir.resolve("models"), dir.resolve("training"), dir.resolve("datasets"), 1 << 20, 0, 2);
    }
}
