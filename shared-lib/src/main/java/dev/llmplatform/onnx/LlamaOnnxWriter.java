package dev.llmplatform.onnx;

import dev.llmplatform.model.llama.LlamaWeights;

import java.nio.file.Path;

/**
 * Writes a Llama-style decoder as an ONNX graph with Optimum's names (inputs {@code input_ids},
 * {@code attention_mask}, {@code position_ids}, {@code past_key_values.{i}.key|value}; outputs
 * {@code logits}, {@code present.{i}.key|value}). STUB: API fixed, implementation in progress.
 */
public final class LlamaOnnxWriter {

    /** @param attentionOutputs also output {@code attentions.{i}} [batch, heads, seq, total] per layer */
    public record Options(boolean attentionOutputs) {
        public static final Options DEFAULT = new Options(false);
    }

    private LlamaOnnxWriter() {
    }

    public static byte[] toBytes(LlamaWeights weights, Options options) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public static void write(LlamaWeights weights, Path file, Options options) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
