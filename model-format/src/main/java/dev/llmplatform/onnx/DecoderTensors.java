package dev.llmplatform.onnx;

import dev.llmplatform.model.llama.LlamaWeights;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the graph writer gets its weights: one tensor at a time, by the graph's own initializer
 * name, when it is about to write it, so a source backed by a memory-mapped checkpoint never holds
 * more than one tensor. Names and layouts (the writer asks for exactly these):
 * <pre>
 * model.embed_tokens.weight                       [vocab, hidden]
 * model.embed_positions.weight                    [positions, hidden]        (GPT-2)
 * model.layers.{i}.input_layernorm.weight|bias    [hidden]                   (bias: GPT-2)
 * model.layers.{i}.self_attn.q_proj.weight        [hidden, heads·headDim]    linear weights are [in, out],
 * model.layers.{i}.self_attn.k_proj|v_proj.weight [hidden, kvHeads·headDim]  the transpose of nn.Linear's
 * model.layers.{i}.self_attn.{q,k,v}_proj.bias    [out]                      (Qwen2, GPT-2)
 * model.layers.{i}.self_attn.q_norm|k_norm.weight [headDim]                  (Qwen3)
 * model.layers.{i}.self_attn.o_proj.weight        [heads·headDim, hidden]    (+ .bias: GPT-2)
 * model.layers.{i}.post_attention_layernorm.weight|bias
 * model.layers.{i}.mlp.gate_proj|up_proj.weight   [hidden, intermediate]     (gate: Llama only)
 * model.layers.{i}.mlp.down_proj.weight           [intermediate, hidden]     (+ biases: GPT-2)
 * model.norm.weight|bias                          [hidden]
 * lm_head.weight                                  [hidden, vocab]            (untied heads only)
 * </pre>
 */
@FunctionalInterface
public interface DecoderTensors {

    /** The tensor's values, row-major in {@code shape}; an exception naming the tensor when it cannot. */
    float[] get(String name, long... shape);

    /**
     * The linear layer {@code prefix} ({@code [k in, n out]}, or {@code lm_head}) already block-quantized for
     * MatMulNBits, when the source holds it so (a quantized graph being rewritten); null to quantize
     * {@code get(prefix + ".weight")} as usual.
     */
    default BlockQuantizedMatrix quantized(String prefix, int k, int n) {
        return null;
    }

    /** The tensors of {@link LlamaWeights} (already in memory) under the graph's names. */
    static DecoderTensors of(LlamaWeights w) {
        Map<String, float[]> byName = new HashMap<>();
        byName.put("model.embed_tokens.weight", w.embedding());
        for (int i = 0; i < w.layers().size(); i++) {
            LlamaWeights.Layer l = w.layers().get(i);
            String p = "model.layers." + i + ".";
            byName.put(p + "input_layernorm.weight", l.inputNorm());
            byName.put(p + "self_attn.q_proj.weight", l.wq());
            byName.put(p + "self_attn.k_proj.weight", l.wk());
            byName.put(p + "self_attn.v_proj.weight", l.wv());
            byName.put(p + "self_attn.o_proj.weight", l.wo());
            byName.put(p + "post_attention_layernorm.weight", l.postAttentionNorm());
            byName.put(p + "mlp.gate_proj.weight", l.wGate());
            byName.put(p + "mlp.up_proj.weight", l.wUp());
            byName.put(p + "mlp.down_proj.weight", l.wDown());
        }
        byName.put("model.norm.weight", w.finalNorm());
        if (w.lmHead() != null) {
            byName.put("lm_head.weight", w.lmHead());
        }
        return (name, shape) -> {
            float[] values = byName.get(name);
            long expected = Arrays.stream(shape).reduce(1, Math::multiplyExact);
            if (values == null || values.length != expected) {
                throw new IllegalArgumentException("LlamaWeights have no tensor " + name + " of shape " + Arrays.toString(shape));
            }
            return values;
        };
    }
}
