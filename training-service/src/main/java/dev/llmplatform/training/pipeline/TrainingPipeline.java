package dev.llmplatform.training.pipeline;

import dev.llmplatform.contracts.TrainingSpec;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.training.corpus.Datasets;
import dev.llmplatform.training.corpus.TextFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A training job from spec to published model package, without Kafka or Spring: dataset → tokenizer
 * → token streams → {@code TrainingRun} (checkpointed in the job's folder, so running the same job
 * id again resumes it) → unigram baseline → model package in the store. The service's Kafka adapter
 * and the starter-model program both drive it.
 *
 * <pre>{@code
 * PipelineResult result = pipeline.job(jobId, spec, listener).execute();
 * }</pre>
 */
public final class TrainingPipeline {

    private static final Logger log = LoggerFactory.getLogger(TrainingPipeline.class);

    private final PipelineSettings settings;
    private final ModelStore store;
    private final Datasets datasets;

    public TrainingPipeline(PipelineSettings settings) {
        this.settings = settings;
        this.store = new ModelStore(settings.modelStore());
        this.datasets = new Datasets(new TextFiles(settings.datasetRoot(), settings.maxDatasetBytes()));
    }

    /** A job ready to {@link PipelineJob#execute() execute}; the same id continues where an earlier attempt stopped. */
    public PipelineJob job(String jobId, TrainingSpec spec, PipelineListener listener) {
        return new PipelineJob(this, jobDir(jobId), jobId, spec, listener);
    }

    /** Where a job keeps its tokenizer and checkpoints while it is unfinished. */
    public Path jobDir(String jobId) {
        Path root = settings.trainingDir().toAbsolutePath().normalize();
        Path dir = root.resolve(ModelStore.requireSafeName(jobId, "job id")).normalize();
        if (!dir.startsWith(root) || dir.equals(root)) {
            throw new IllegalArgumentException("job folder escapes the training directory");
        }
        return dir;
    }

    /** Deletes a job's folder: done when the job has ended for good (published, cancelled or failed). */
    public void discard(String jobId) {
        Path dir = jobDir(jobId);
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            log.warn("cannot delete job folder {}: {}", dir, e.toString());
        }
    }

    public ModelStore store() {
        return store;
    }

    PipelineSettings settings() {
        return settings;
    }

    Datasets datasets() {
        return datasets;
    }
}
