package dev.llmplatform.model.llama;

/**
 * Plain-Java forward pass of a Llama-style decoder: slow and obvious, the oracle the ONNX
 * graph and the engine are tested against. STUB: API fixed, implementation in progress.
 */
public final class LlamaReference {

    private LlamaReference() {
    }

    /** Logits for every position of one sequence: [tokens.length][vocab]. Positions are 0..n-1. */
    public static float[][] logits(LlamaWeights weights, int[] tokens) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
