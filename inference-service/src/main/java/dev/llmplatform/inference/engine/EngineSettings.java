package dev.llmplatform.inference.engine;

/**
 * Capacity limits of one engine.
 *
 * @param maxBatchSize       most sequences decoded together in one step
 * @param kvCacheBytes       memory all KV caches may reserve together
 * @param maxWaiting         most requests queued for admission; more are refused (503) so that the
 *                           Kafka adapter pauses its consumer instead of the queue growing without end
 * @param prefillChunkTokens prompt tokens fed per step for one sequence (0: the whole prompt at once);
 *                           chunking keeps long prompts from stalling the running sequences
 */
public record EngineSettings(int maxBatchSize, long kvCacheBytes, int maxWaiting, int prefillChunkTokens) {

    public EngineSettings {
        if (maxBatchSize <= 0 || kvCacheBytes <= 0 || maxWaiting <= 0 || prefillChunkTokens < 0) {
            throw new IllegalArgumentException("maxBatchSize, kvCacheBytes and maxWaiting must be > 0, prefillChunkTokens >= 0");
        }
    }
}
