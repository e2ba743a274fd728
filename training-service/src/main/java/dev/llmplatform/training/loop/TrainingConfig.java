package dev.llmplatform.training.loop;

/**
 * How to train (the model's shape lives in {@code ModelConfig}). Saved in every checkpoint, so a
 * resumed run continues with exactly these settings.
 *
 * @param steps           optimiser steps in the whole run
 * @param context         tokens per training window (at most the model's context length)
 * @param minLearningRate where the cosine decay ends, at the last step
 * @param warmupSteps     steps of linear warm-up from 0 to {@code learningRate}
 * @param weightDecay     AdamW decoupled decay, applied to matrices only
 * @param gradientClip    maximum global L2 norm of all gradients
 * @param seed            weight initialisation and batch sampling (batch i depends on (seed, i) only)
 * @param evalEvery       held-out loss every this many steps (and at the end)
 * @param evalWindows     held-out windows of {@code context} tokens per evaluation
 * @param checkpointEvery checkpoint every this many steps (and at the end); 0 for only at the end
 */
public record TrainingConfig(
        int steps,
        int batchSize,
        int context,
        double learningRate,
        double minLearningRate,
        int warmupSteps,
        double weightDecay,
        double beta1,
        double beta2,
        double epsilon,
        double gradientClip,
        long seed,
        int evalEvery,
        int evalWindows,
        int checkpointEvery) {

    public TrainingConfig {
        require(steps > 0, "steps must be > 0");
        require(batchSize > 0, "batchSize must be > 0");
        require(context > 1, "context must be > 1");
        require(learningRate > 0 && minLearningRate >= 0 && minLearningRate <= learningRate,
                "need 0 <= minLearningRate <= learningRate and learningRate > 0");
        require(warmupSteps >= 0, "warmupSteps must be >= 0");
        require(weightDecay >= 0, "weightDecay must be >= 0");
        require(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "betas must be in [0, 1)");
        require(epsilon > 0 && gradientClip > 0, "epsilon and gradientClip must be > 0");
        require(evalEvery > 0 && evalWindows > 0, "evalEvery and evalWindows must be > 0");
        require(checkpointEvery >= 0, "checkpointEvery must be >= 0");
    }

    /**
     * Settings that suit small decoders: AdamW betas 0.9 / 0.95 and decay 0.1 (as for GPT-3 and Llama),
     * warm-up over 5% of the steps (at most 100), cosine decay to a tenth of the peak, clipping at 1.0,
     * ten evaluations per run, checkpoints only at the end.
     */
    public static TrainingConfig defaults(int steps, int batchSize, int context, double learningRate, long seed) {
        return new TrainingConfig(steps, batchSize, context, learningRate, learningRate / 10,
                Math.max(1, Math.min(100, steps / 20)), 0.1, 0.9, 0.95, 1e-8, 1.0, seed,
                Math.max(1, steps / 10), 32, 0);
    }

    public TrainingConfig withEvaluation(int every, int windows) {
        return new TrainingConfig(steps, batchSize, context, learningRate, minLearningRate, warmupSteps, weightDecay,
                beta1, beta2, epsilon, gradientClip, seed, every, windows, checkpointEvery);
    }

    public TrainingConfig withCheckpointEvery(int every) {
        return new TrainingConfig(steps, batchSize, context, learningRate, minLearningRate, warmupSteps, weightDecay,
                beta1, beta2, epsilon, gradientClip, seed, evalEvery, evalWindows, every);
    }

    public TrainingConfig withSteps(int total) {
        return new TrainingConfig(total, batchSize, context, learningRate, minLearningRate, warmupSteps, weightDecay,
                beta1, beta2, epsilon, gradientClip, seed, evalEvery, evalWindows, checkpointEvery);
    }

    /** Learning rate of the 0-based step: linear warm-up, then cosine decay to {@code minLearningRate}. */
    public double learningRateAt(int step) {
        if (step < warmupSteps) {
            return learningRate * (step + 1) / warmupSteps;
        }
        int decaySteps = Math.max(1, steps - 1 - warmupSteps);
        double progress = Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
        return minLearningRate + 0.5 * (learningRate - minLearningRate) * (1 + Math.cos(Math.PI * progress));
    }

    public long tokensPerStep() {
        return (long) batchSize * context;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("training config: " + message);
        }
    }
}
