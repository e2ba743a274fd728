package dev.llmplatform.training.run;

import dev.llmplatform.model.llama.LlamaWeights;

import java.time.Duration;

/**
 * How a run ended.
 *
 * @param steps           steps completed (equals the plan's steps when {@link Status#COMPLETED})
 * @param weights         the weights after the last completed step
 * @param evalLoss        held-out loss of those weights when completed; else the latest one (NaN if none)
 * @param finalLoss       training loss of the last step (NaN if this run made none)
 * @param tokensPerSecond training throughput of this run (evaluation and checkpoints excluded)
 * @param resumedFromStep the checkpoint step this run started from (0 for a fresh start)
 */
public record TrainingResult(
        Status status,
        int steps,
        LlamaWeights weights,
        double evalLoss,
        double finalLoss,
        double tokensPerSecond,
        int resumedFromStep,
        Duration elapsed) {

    public enum Status { COMPLETED, CANCELLED }
}
