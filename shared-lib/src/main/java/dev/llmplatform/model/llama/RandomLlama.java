package dev.llmplatform.model.llama;

import dev.llmplatform.model.ModelConfig;

/** Seeded random weights for a decoder (same seed, same weights). STUB: implementation in progress. */
public final class RandomLlama {

    private RandomLlama() {
    }

    public static LlamaWeights create(ModelConfig config, long seed) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
