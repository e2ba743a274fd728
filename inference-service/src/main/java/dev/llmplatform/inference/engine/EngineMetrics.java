package dev.llmplatform.inference.engine;

import dev.llmplatform.contracts.FinishReason;

/**
 * What an engine reports about its own work, for monitoring. Called on the engine thread (and on a
 * submitting thread for immediate refusals), so implementations must be cheap and thread-safe. Load
 * figures that can be read at any time (running, waiting, cache use) come from {@link InferenceEngine#stats()}.
 */
public interface EngineMetrics {

    EngineMetrics NONE = new EngineMetrics() {
    };

    /** A request of this priority left the queue for the batch after waiting this long (its first admission only). */
    default void admitted(int priority, long queueNanos) {
    }

    /** A running sequence of this priority was preempted for a more urgent request; it will recompute its cache. */
    default void preempted(int priority) {
    }

    /** At admission: how many of the prompt's tokens came from the prefix cache (0: a miss). */
    default void prefixLookup(int promptTokens, int cachedTokens) {
    }

    /** A prompt is fully in the cache (counting the tokens that came from the prefix cache). */
    default void promptProcessed(int promptTokens) {
    }

    /** The first token of a request, this long after it was submitted. */
    default void firstToken(long sinceSubmitNanos) {
    }

    /** A later token, this long after the previous one. */
    default void nextToken(long sincePreviousNanos) {
    }

    /** One batched decode step over this many sequences. */
    default void decodeStep(int batchSize) {
    }

    /** A request ended, including one refused at once. */
    default void finished(FinishReason reason) {
    }
}
