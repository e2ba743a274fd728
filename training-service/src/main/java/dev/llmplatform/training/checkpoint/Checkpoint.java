package dev.llmplatform.training.checkpoint;

import dev.llmplatform.model.llama.LlamaWeights;
import dev.llmplatform.training.loop.OptimizerState;
import dev.llmplatform.training.loop.TrainingPlan;

import java.util.Objects;

/**
 * A run's whole state after {@code step} completed steps: what to train (the plan, with the seed
 * that also fixes every later batch), on which data (its fingerprint), the weights and AdamW's
 * moments. Loading one needs nothing else.
 */
public record Checkpoint(TrainingPlan plan, int step, String dataFingerprint, LlamaWeights weights,
                         OptimizerState optimizer) {

    public Checkpoint {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(dataFingerprint, "dataFingerprint");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(optimizer, "optimizer");
        if (step < 0 || step > plan.training().steps()) {
            throw new IllegalArgumentException("step " + step + " outside 0.." + plan.training().steps());
        }
    }

    /** Refuses to continue a run with another plan or other data: the result would match neither. */
    public void requireResumableBy(TrainingPlan other, String otherDataFingerprint) {
        if (!plan.equals(other)) {
            throw new IllegalStateException("checkpoint at step " + step + " was written by another plan: " + plan);
        }
        if (!dataFingerprint.equals(otherDataFingerprint)) {
            throw new IllegalStateException("checkpoint at step " + step + " was trained on other data");
        }
    }
}
