package dev.llmplatform.inference.engine;

/**
 * A snapshot of an engine's load, for health, metrics and backpressure.
 *
 * @param kvReservedBytes  bytes of the KV budget in use: running sequences' reservations and the prefix cache
 * @param prefixCacheBytes of which the prefix cache holds this many (given back whenever a sequence needs them)
 */
public record EngineStats(int waiting, int running, long kvReservedBytes, long kvBudgetBytes, long prefixCacheBytes,
                          long steps, long generatedTokens) {

    /** Share of the budget that running sequences hold (the evictable prefix cache left out), 0..1. */
    public double kvUsageRatio() {
        return Math.clamp((double) (kvReservedBytes - prefixCacheBytes) / kvBudgetBytes, 0.0, 1.0);
    }
}
