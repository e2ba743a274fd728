package dev.llmplatform.training.loop;

import dev.llmplatform.contracts.TrainingSpec;
import dev.llmplatform.model.ModelConfig;

import java.util.Objects;

/** Everything a run needs besides its data: the architecture and how to train it. */
public record TrainingPlan(ModelConfig model, TrainingConfig training) {

    public TrainingPlan {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(training, "training");
        if (training.context() > model.contextLength()) {
            throw new IllegalArgumentException("training context " + training.context()
                    + " exceeds the model's context length " + model.contextLength());
        }
        if (model.headDim() % 2 != 0) {
            throw new IllegalArgumentException("rotary positions need an even head dimension, got " + model.headDim());
        }
    }

    /**
     * The plan for a job: the spec's architecture with a tied LM head, for a vocabulary the
     * tokenizer has already fixed, and {@link TrainingConfig#defaults} with the spec's steps, batch,
     * learning rate, seed, evaluation and checkpoint intervals.
     */
    public static TrainingPlan fromSpec(TrainingSpec spec, int vocabSize, int bosTokenId, int eosTokenId) {
        TrainingSpec.Architecture a = spec.architecture();
        int kvHeads = a.kvHeads() > 0 ? a.kvHeads() : a.heads();
        int intermediate = a.intermediate() != null ? a.intermediate() : defaultIntermediate(a.hidden());
        ModelConfig model = ModelConfig.llama(a.layers(), a.heads(), kvHeads, a.hidden(), intermediate,
                vocabSize, a.context(), bosTokenId, eosTokenId, true);
        TrainingConfig training = TrainingConfig.defaults(spec.steps(), spec.batchSize(), a.context(),
                spec.learningRate(), spec.seed());
        if (spec.evalEvery() > 0) {
            training = training.withEvaluation(spec.evalEvery(), training.evalWindows());
        }
        return new TrainingPlan(model, training.withCheckpointEvery(Math.max(0, spec.checkpointEvery())));
    }

    /** SwiGLU's usual width: 8/3 of the hidden size (same parameters as a 4x GELU MLP), rounded up to 32. */
    public static int defaultIntermediate(int hidden) {
        int raw = (int) Math.ceil(hidden * 8.0 / 3.0);
        return (raw + 31) / 32 * 32;
    }
}
