package dev.llmplatform.training.run;

/**
 * Progress after one optimiser step.
 *
 * @param step            steps completed so far (1-based), counting those before a resume
 * @param loss            training loss of this step's batch (nats/token)
 * @param evalLoss        latest held-out loss (nats/token); NaN until the first evaluation
 * @param evaluated       whether {@code evalLoss} was computed at this step
 * @param tokensPerSecond training throughput of this run so far (evaluation and checkpoints excluded)
 * @param learningRate    the rate this step used
 * @param gradientNorm    global gradient norm before clipping
 */
public record TrainingProgress(
        int step,
        int totalSteps,
        double loss,
        double evalLoss,
        boolean evaluated,
        double tokensPerSecond,
        double learningRate,
        double gradientNorm) {
}
