package dev.llmplatform.onnx;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.llmplatform.model.ModelConfig;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static dev.llmplatform.onnx.OnnxGraphBuilder.attr;
import static dev.llmplatform.onnx.OnnxGraphBuilder.attrInts;

/**
 * The building blocks of a decoder graph in opset 17 primitives: RMSNorm and LayerNorm, rotary
 * positions, the padding-aware causal mask, grouped-query attention with a KV cache (optional q/k/v
 * biases and per-head q/k RMSNorm), SwiGLU and GELU MLPs. Weights are fetched from
 * {@link DecoderTensors} by initializer name right before they are written, one at a time. Value
 * names follow the module path ({@code model.layers.0.self_attn/...}) so a graph viewer reads like
 * the PyTorch model.
 */
final class LlamaGraphOps {

    /** Score given to masked keys: the lowest float, as Hugging Face does, so a fully masked row stays finite. */
    static final float MASKED_SCORE = -Float.MAX_VALUE;

    /** sqrt(2 / pi), the constant of GELU's tanh approximation. */
    private static final float GELU_SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);

    /** cos and sin of the rotary angles, each [batch, 1, seq, headDim], shared by all layers. */
    record Rotary(String cos, String sin) {
    }

    /** ONNX Runtime's contrib operator domain, where MatMulNBits lives. */
    static final String MS_DOMAIN = "com.microsoft";

    private final OnnxGraphBuilder g;
    private final DecoderSpec spec;
    private final ModelConfig config;
    private final DecoderTensors tensors;
    private final WeightQuantization quantization;
    private String eps;

    LlamaGraphOps(OnnxGraphBuilder g, DecoderSpec spec, DecoderTensors tensors, WeightQuantization quantization) {
        this.g = g;
        this.spec = spec;
        this.config = spec.config();
        this.tensors = tensors;
        this.quantization = quantization;
    }

    /** The block's normalisation of the last axis (RMSNorm, or LayerNorm with bias for GPT-2). */
    String norm(String prefix, String x) {
        return spec.block() == DecoderSpec.Block.GPT2 ? layerNorm(prefix, x) : rmsNorm(prefix, x, config.hidden());
    }

    /** x / sqrt(mean(x², last axis) + eps) * weight, in the pattern ONNX Runtime fuses into one kernel. */
    String rmsNorm(String prefix, String x, int width) {
        String w = g.floatInitializer(prefix + ".weight", tensors.get(prefix + ".weight", width), width);
        if (eps == null) {   // defined on first use: the fused form has no RMSNorm of its own
            eps = g.floatScalar("const.rms_norm_eps", (float) (double) config.rmsNormEps());
        }
        String two = g.isDefined("const.two") ? "const.two" : g.floatScalar("const.two", 2f);
        String squared = op("Pow", prefix + "/Pow", x, two);
        String mean = g.node("ReduceMean", prefix + "/ReduceMean", List.of(squared), attrInts("axes", -1), attr("keepdims", 1));
        String rms = op("Sqrt", prefix + "/Sqrt", op("Add", prefix + "/Add", mean, eps));
        return op("Mul", prefix + "/Mul", op("Div", prefix + "/Div", x, rms), w);
    }

    /** ONNX LayerNormalization (opset 17) over the last axis with weight and bias. */
    String layerNorm(String prefix, String x) {
        int h = config.hidden();
        String w = g.floatInitializer(prefix + ".weight", tensors.get(prefix + ".weight", h), h);
        String b = g.floatInitializer(prefix + ".bias", tensors.get(prefix + ".bias", h), h);
        return g.node("LayerNormalization", prefix + "/LayerNormalization", List.of(x, w, b),
                attr("axis", -1), attr("epsilon", (float) (double) config.rmsNormEps()));
    }

    /**
     * y = x · W (+ b) for the [in, out] weight {@code prefix.weight}; block-quantized (MatMulNBits)
     * when the options say so. The bias {@code prefix.bias} [out] is added when {@code bias} is set.
     */
    String linear(String prefix, String x, int in, int out, boolean bias) {
        String y;
        if (quantization.quantized()) {
            BlockQuantizedMatrix q = tensors.quantized(prefix, in, out);
            if (q == null) {
                q = BlockQuantizedMatrix.quantizeInOut(tensors.get(prefix + ".weight", in, out), in, out,
                        quantization.format().bits(), quantization.blockSize(), quantization.symmetric());
            }
            y = matMulNBits(prefix + "/MatMulNBits", prefix, x, q);
        } else {
            float[] weight = tensors.get(prefix + ".weight", in, out);
            y = op("MatMul", prefix + "/MatMul", x, g.floatInitializer(prefix + ".weight", weight, in, out));
        }
        if (!bias) {
            return y;
        }
        String b = g.floatInitializer(prefix + ".bias", tensors.get(prefix + ".bias", out), out);
        return op("Add", prefix + "/Add_bias", y, b);
    }

    /**
     * One MatMul over several linear layers of the same input side by side ({@code parts}, each [in, outs[i]]),
     * as initializer {@code name.weight}: the weights are read once per step instead of once per layer, and a
     * quantized kernel quantizes the activations once. The caller splits the output.
     */
    String linearConcat(String name, List<String> parts, String x, int in, int[] outs, boolean bias) {
        int total = 0;
        for (int out : outs) {
            total += out;
        }
        String y;
        if (quantization.quantized()) {
            List<BlockQuantizedMatrix> blocks = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                BlockQuantizedMatrix q = tensors.quantized(parts.get(i), in, outs[i]);
                blocks.add(q != null ? q : BlockQuantizedMatrix.quantizeInOut(tensors.get(parts.get(i) + ".weight", in, outs[i]),
                        in, outs[i], quantization.format().bits(), quantization.blockSize(), quantization.symmetric()));
            }
            y = matMulNBits(name + "/MatMulNBits", name, x, BlockQuantizedMatrix.concatColumns(blocks));
        } else {
            float[] w = new float[in * total];
            int column = 0;
            for (int i = 0; i < parts.size(); i++) {
                float[] part = tensors.get(parts.get(i) + ".weight", in, outs[i]);
                for (int row = 0; row < in; row++) {
                    System.arraycopy(part, row * outs[i], w, row * total + column, outs[i]);
                }
                column += outs[i];
            }
            y = op("MatMul", name + "/MatMul", x, g.floatInitializer(name + ".weight", w, in, total));
        }
        if (!bias) {
            return y;
        }
        float[] b = new float[total];
        int at = 0;
        for (int i = 0; i < parts.size(); i++) {
            System.arraycopy(tensors.get(parts.get(i) + ".bias", outs[i]), 0, b, at, outs[i]);
            at += outs[i];
        }
        return op("Add", name + "/Add_bias", y, g.floatInitializer(name + ".bias", b, total));
    }

    /**
     * y = x · dequantize(q) as one {@code com.microsoft::MatMulNBits} node; initializers are named
     * like ONNX Runtime's own quantizer names them ({@code <module>.weight_Q4}, {@code _scales}, {@code _zero_points}).
     */
    String matMulNBits(String output, String prefix, String x, BlockQuantizedMatrix q) {
        return matMulNBits(output, x, nbitsInitializers(prefix, q), q);
    }

    /** The initializers of a MatMulNBits weight: packed codes [N, kBlocks, blob], scales [N·kBlocks], zero points if any. */
    List<String> nbitsInitializers(String prefix, BlockQuantizedMatrix q) {
        String base = prefix + ".weight_Q" + q.bits();
        String b = g.rawInitializer(base, DataType.UINT8, ByteBuffer.wrap(q.packed()), q.packed().length,
                q.n(), q.kBlocks(), q.blobSize());
        String scales = g.floatInitializer(base + "_scales", q.scales(), q.scales().length);
        if (q.zeroPoints() == null) {
            return List.of(b, scales);
        }
        return List.of(b, scales, g.rawInitializer(base + "_zero_points", DataType.UINT8, ByteBuffer.wrap(q.zeroPoints()),
                q.zeroPoints().length, q.zeroPoints().length));
    }

    /** y = x · dequantize(q) over initializers already written ({@link #nbitsInitializers}). */
    String matMulNBits(String output, String x, List<String> weights, BlockQuantizedMatrix q) {
        List<String> inputs = new ArrayList<>(List.of(x));
        inputs.addAll(weights);
        return g.node(MS_DOMAIN, "MatMulNBits", List.of(output), inputs,
                attr("K", q.k()), attr("N", q.n()), attr("bits", q.bits()), attr("block_size", q.blockSize()),
                attr("accuracy_level", quantization.accuracyLevel())).getFirst();
    }

    /** Angles position · inv_freq for the Hugging Face rotate-half layout, computed from position_ids in the graph. */
    Rotary rotary(String positionIds) {
        float[] invFreq = spec.invFreq();
        String p = "model.rotary_emb";
        String freq = g.floatInitializer(p + ".inv_freq", invFreq, invFreq.length);
        String positions = g.node("Cast", p + "/Cast", List.of(positionIds), attr("to", DataType.FLOAT.getNumber()));
        String column = op("Unsqueeze", p + "/Unsqueeze", positions, g.int64s(p + ".axes_last", -1));
        String angles = op("Mul", p + "/Mul", column, freq);
        String both = g.node("Concat", p + "/Concat", List.of(angles, angles), attr("axis", -1));
        String headAxis = g.int64s(p + ".axes_head", 1);
        String cos = op("Unsqueeze", p + "/cos", op("Cos", p + "/Cos", both), headAxis);
        String sin = op("Unsqueeze", p + "/sin", op("Sin", p + "/Sin", both), headAxis);
        return new Rotary(cos, sin);
    }

    /**
     * Which keys each query may see, [batch, 1, seq, total] bool: key t is visible to query s
     * iff t <= past + s and attention_mask[b, t] is 1. Built from the input shapes, so no length
     * is fixed in the graph.
     */
    String attentionMask(String inputIds, String attentionMask) {
        String p = "model.attention_mask";
        String one = g.int64Initializer(p + ".one", new long[] {1});
        String zero = g.int64Initializer(p + ".zero", new long[] {0});
        String seq = g.node("Gather", p + "/seq_len", List.of(op("Shape", p + "/ids_shape", inputIds), one), attr("axis", 0));
        String total = g.node("Gather", p + "/total_len", List.of(op("Shape", p + "/mask_shape", attentionMask), one),
                attr("axis", 0));
        String past = op("Sub", p + "/past_len", total, seq);
        String keys = op("Unsqueeze", p + "/keys", op("Range", p + "/key_index", zero, total, one), g.int64s(p + ".axes_0", 0));
        String queries = op("Unsqueeze", p + "/queries", op("Range", p + "/query_position", past, total, one),
                g.int64s(p + ".axes_1", 1));
        String causal = op("LessOrEqual", p + "/causal", keys, queries);
        String notPadding = g.node("Cast", p + "/not_padding", List.of(attentionMask), attr("to", DataType.BOOL.getNumber()));
        String padding4d = op("Unsqueeze", p + "/not_padding_4d", notPadding, g.int64s(p + ".axes_1_2", 1, 2));
        return op("And", p + "/allowed", causal, padding4d);
    }

    /**
     * Self-attention of one layer. Writes {@code present.{i}.key|value} (keys after rotation,
     * kv heads not repeated) and, when asked, {@code attentions.{i}}; returns the projected output.
     *
     * @param rotary null for models with learned absolute positions (GPT-2)
     */
    String attention(int layerIndex, String prefix, String x, Rotary rotary, String allowed, boolean attentionOutput) {
        int h = config.hidden();
        int headDim = config.headDim();
        String q = heads(prefix + ".q", linear(prefix + ".q_proj", x, h, spec.qDim(), spec.qkvBias()), config.heads());
        String k = heads(prefix + ".k", linear(prefix + ".k_proj", x, h, spec.kvDim(), spec.qkvBias()), config.kvHeads());
        String v = heads(prefix + ".v", linear(prefix + ".v_proj", x, h, spec.kvDim(), spec.qkvBias()), config.kvHeads());
        if (spec.qkNorm()) {
            q = rmsNorm(prefix + ".q_norm", q, headDim);
            k = rmsNorm(prefix + ".k_norm", k, headDim);
        }
        if (rotary != null) {
            q = rotate(prefix + ".q", q, rotary);
            k = rotate(prefix + ".k", k, rotary);
        }

        String presentKey = g.node("Concat", "present." + layerIndex + ".key",
                List.of("past_key_values." + layerIndex + ".key", k), attr("axis", 2));
        String presentValue = g.node("Concat", "present." + layerIndex + ".value",
                List.of("past_key_values." + layerIndex + ".value", v), attr("axis", 2));
        String keys = repeatKv(prefix + ".k", presentKey);
        String values = repeatKv(prefix + ".v", presentValue);

        String keysT = g.node("Transpose", prefix + "/k_transposed", List.of(keys), attrInts("perm", 0, 1, 3, 2));
        String scale = g.floatScalar(prefix + ".scale", (float) (1.0 / Math.sqrt(headDim)));
        String scores = op("Mul", prefix + "/scores", op("MatMul", prefix + "/qk", q, keysT), scale);
        String masked = op("Where", prefix + "/masked_scores", allowed, scores, maskedScore());
        String probsName = attentionOutput ? "attentions." + layerIndex : prefix + "/probs";
        String probs = g.node("Softmax", probsName, List.of(masked), attr("axis", -1));
        String context = op("MatMul", prefix + "/context", probs, values);
        String merged = g.node("Transpose", prefix + "/context_transposed", List.of(context), attrInts("perm", 0, 2, 1, 3));
        String flat = op("Reshape", prefix + "/context_merged", merged, g.int64s(prefix + ".merged_shape", 0, 0, spec.qDim()));
        return linear(prefix + ".o_proj", flat, spec.qDim(), h, spec.outputBias());
    }

    /** The block's MLP: SwiGLU (silu(x · gate) * (x · up)) · down, or GPT-2's gelu_new(x · up + b) · down + b. */
    String mlp(String prefix, String x) {
        int h = config.hidden();
        int inter = spec.intermediate();
        boolean bias = spec.mlpBias();
        if (spec.block() == DecoderSpec.Block.GPT2) {
            String up = linear(prefix + ".up_proj", x, h, inter, bias);
            return linear(prefix + ".down_proj", geluTanh(prefix + "/act", up), inter, h, bias);
        }
        String gate = linear(prefix + ".gate_proj", x, h, inter, bias);
        String silu = op("Mul", prefix + "/silu", gate, op("Sigmoid", prefix + "/Sigmoid", gate));
        String up = linear(prefix + ".up_proj", x, h, inter, bias);
        return linear(prefix + ".down_proj", op("Mul", prefix + "/gated", silu, up), inter, h, bias);
    }

    /** GELU, tanh approximation (Hugging Face's gelu_new): 0.5·x·(1 + tanh(sqrt(2/pi)·(x + 0.044715·x³))). */
    String geluTanh(String prefix, String x) {
        String cubeCoefficient = constant("const.gelu_cube", 0.044715f);
        String sqrt2OverPi = constant("const.gelu_sqrt_2_over_pi", GELU_SQRT_2_OVER_PI);
        String half = constant("const.half", 0.5f);
        String one = constant("const.one", 1f);
        String cube = op("Mul", prefix + "/x3", op("Mul", prefix + "/x2", x, x), x);
        String inner = op("Add", prefix + "/inner", x, op("Mul", prefix + "/cubic", cube, cubeCoefficient));
        String tanh = op("Tanh", prefix + "/Tanh", op("Mul", prefix + "/scaled", inner, sqrt2OverPi));
        return op("Mul", prefix + "/gelu", op("Mul", prefix + "/half_x", x, half), op("Add", prefix + "/one_plus", tanh, one));
    }

    String add(String name, String a, String b) {
        return op("Add", name, a, b);
    }

    /** [batch, seq, n·headDim] → [batch, n, seq, headDim]. */
    private String heads(String prefix, String x, int n) {
        String shape = g.int64s(prefix + ".heads_shape", 0, 0, n, config.headDim());
        String split = op("Reshape", prefix + "/Reshape", x, shape);
        return g.node("Transpose", prefix + "/Transpose", List.of(split), attrInts("perm", 0, 2, 1, 3));
    }

    /** x·cos + rotate_half(x)·sin, where rotate_half(x) = concat(-x2, x1). */
    private String rotate(String prefix, String x, Rotary rotary) {
        List<String> halves = g.node("", "Split", List.of(prefix + "/x1", prefix + "/x2"), List.of(x), attr("axis", -1));
        String negated = op("Neg", prefix + "/Neg", halves.get(1));
        String rotatedHalf = g.node("Concat", prefix + "/rotate_half", List.of(negated, halves.get(0)), attr("axis", -1));
        return op("Add", prefix + "/rope", op("Mul", prefix + "/Mul_cos", x, rotary.cos()),
                op("Mul", prefix + "/Mul_sin", rotatedHalf, rotary.sin()));
    }

    /** [batch, kvHeads, total, headDim] → [batch, heads, total, headDim]: each kv head serves heads/kvHeads query heads. */
    private String repeatKv(String prefix, String x) {
        int group = config.heads() / config.kvHeads();
        if (group == 1) {
            return x;
        }
        String unsqueezed = op("Unsqueeze", prefix + "/repeat_unsqueeze", x, g.int64s(prefix + ".repeat_axis", 2));
        String expanded = op("Expand", prefix + "/repeat_expand", unsqueezed,
                g.int64s(prefix + ".repeat_shape", 1, 1, group, 1, 1));
        return op("Reshape", prefix + "/repeated", expanded,
                g.int64s(prefix + ".repeated_shape", 0, config.heads(), -1, config.headDim()));
    }

    private String maskedScore() {
        return constant("const.masked_score", MASKED_SCORE);
    }

    private String constant(String name, float value) {
        return g.isDefined(name) ? name : g.floatScalar(name, value);
    }

    private String op(String opType, String output, String... inputs) {
        return g.node(opType, output, List.of(inputs));
    }
}
