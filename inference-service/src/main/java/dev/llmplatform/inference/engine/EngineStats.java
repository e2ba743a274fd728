package dev.llmplatform.inference.engine;

/** A snapshot of an engine's load, for health, metrics and backpressure. */
public record EngineStats(int waiting, int running, long kvReservedBytes, long kvBudgetBytes, long steps,
                          long generatedTokens) {
}
