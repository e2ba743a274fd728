package dev.llmplatform.training.pipeline;

import java.nio.file.Path;

/**
 * Where a pipeline reads and writes, and how hard it works.
 *
 * @param trainingDir     one folder per job ({@code <jobId>/tokenizer}, {@code <jobId>/checkpoints}) while it runs
 * @param datasetRoot     the only folder {@code files} datasets may be read from
 * @param maxDatasetBytes the most text one {@code files} dataset may hold
 * @param threads         PyTorch intra-op threads; 0 keeps the process setting
 * @param checkpointKeep  newest checkpoints kept per job
 */
public record PipelineSettings(Path modelStore, Path trainingDir, Path datasetRoot, long maxDatasetBytes, int threads,
                               int checkpointKeep) {

    public PipelineSettings {
        if (maxDatasetBytes < 1 || threads < 0 || checkpointKeep < 1) {
            throw new IllegalArgumentException("need maxDatasetBytes >= 1, threads >= 0, checkpointKeep >= 1");
        }
    }
}
