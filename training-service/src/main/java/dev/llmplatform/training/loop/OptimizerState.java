package dev.llmplatform.training.loop;

import java.util.Map;

/**
 * AdamW's state as plain arrays: the number of updates applied (for bias correction) and both
 * moments by parameter name. What a checkpoint needs to continue exactly where a run stopped.
 */
public record OptimizerState(int updates, Map<String, float[]> firstMoments, Map<String, float[]> secondMoments) {

    public OptimizerState {
        firstMoments = Map.copyOf(firstMoments);
        secondMoments = Map.copyOf(secondMoments);
    }

    public static OptimizerState empty() {
        return new OptimizerState(0, Map.of(), Map.of());
    }
}
