package dev.llmplatform.inference.engine;

/**
 * Capacity limits of one engine.
 *
 * @param maxBatchSize       most sequences decoded together in one step
 * @param kvCacheBytes       memory all KV caches may reserve together (the prefix cache included)
 * @param maxWaiting         most requests queued for admission; more are refused (503) so that the
 *                           Kafka adapter pauses its consumer instead of the queue growing without end
 * @param prefillChunkTokens most prompt tokens prefilled per step, over all sequences (0: every new
 *                           prompt whole); chunking bounds a step's cost, so a long prompt being
 *                           admitted delays the running sequences' next token by one chunk, not by the prompt
 * @param prefixCacheBytes   most bytes of the KV budget the prefix cache may hold (0: no prefix cache);
 *                           never more than the sequences leave free, as they take it back when they need it
 * @param prefixBlockTokens  tokens per prefix-cache block: prefixes are reused in whole blocks
 */
public record EngineSettings(int maxBatchSize, long kvCacheBytes, int maxWaiting, int prefillChunkTokens,
                             long prefixCacheBytes, int prefixBlockTokens) {

    public EngineSettings {
        if (maxBatchSize <= 0 || kvCacheBytes <= 0 || maxWaiting <= 0 || prefillChunkTokens < 0) {
            throw new IllegalArgumentException("maxBatchSize, kvCacheBytes and maxWaiting must be > 0, prefillChunkTokens >= 0");
        }
        if (prefixCacheBytes < 0 || prefixBlockTokens <= 0) {
            throw new IllegalArgumentException("prefixCacheBytes must be >= 0 and prefixBlockTokens > 0");
        }
    }

    /** Without a prefix cache. */
    public EngineSettings(int maxBatchSize, long kvCacheBytes, int maxWaiting, int prefillChunkTokens) {
        this(maxBatchSize, kvCacheBytes, maxWaiting, prefillChunkTokens, 0, 16);
    }
}
