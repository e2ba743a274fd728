package dev.llmplatform.training.pipeline;

import dev.llmplatform.contracts.TrainingSpec;

/** Specs small enough for tests: 1 layer, hidden 32, 2 heads, context 32, a 300-token BPE on 200 synthetic documents. */
public final class PipelineTestSpecs {

    private PipelineTestSpecs() {
    }

    public static TrainingSpec tiny(String model, int steps, int checkpointEvery) {
        return new TrainingSpec(model, new TrainingSpec.Dataset("synthetic", null, 3L, 200),
                new TrainingSpec.TokenizerSpec(300, null), new TrainingSpec.Architecture(1, 32, 2, 0, 32, null),
                steps, 4, 3e-3, 7, checkpointEvery, 10);
    }
}
