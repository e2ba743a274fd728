package dev.llmplatform.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.onnx.OnnxGraphBuilder.Dim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.llmplatform.onnx.OnnxGraphBuilder.attr;

/**
 * The {@link GraphForm#FUSED} decoder graph, laid out as ONNX Runtime GenAI's model builder writes it for
 * CPU: per layer one {@code com.microsoft::GroupQueryAttention} (rotary inside for Llama blocks) and the
 * residual adds folded into {@code SkipSimplifiedLayerNormalization} (RMSNorm) or
 * {@code SkipLayerNormalization} (GPT-2). q, k and v are one MatMul (packed into the kernel's query input),
 * and so are SwiGLU's gate and up ({@code qkv_proj}, {@code gate_up_proj}: the source's matrices side by side,
 * quantized ones byte for byte), as the builder packs them; the other linear layers, GPT-2's MLP and the
 * quantization are the plain form's ({@link LlamaGraphOps}).
 *
 * <p>Inputs and outputs (B = batch_size, S = sequence_length, M = max_sequence_length, the KV buffer's length):
 * <ul>
 *   <li>{@code input_ids}: int64 [B, S]; {@code position_ids}: int64 [B, S], only for learned positions (GPT-2);</li>
 *   <li>{@code seqlens_k}: int32 [B], each row's length after this step minus one (past + S - 1);
 *       {@code total_sequence_length}: int32 scalar, the longest row's past + S;</li>
 *   <li>{@code past_key_values.{i}.key|value}: float [B, kvHeads, M, headDim], each row's past at positions
 *       {@code [0, past)} (right-padded), keys after rotation;</li>
 *   <li>{@code num_logits_to_keep}: int64 scalar K, 1..S: logits only for the last K positions (a prompt
 *       needs only its last; the LM head over every prompt position is about a third of a prefill's work);</li>
 *   <li>{@code logits}: float [B, K, vocab]; {@code present.{i}.key|value}: float [B, kvHeads, M, headDim].
 *       Bound to the same memory as the past, the kernel writes each row's S new positions at
 *       {@code [past, past + S)} in place and copies nothing else.</li>
 * </ul>
 * ONNX Runtime's CPU kernel takes S > 1 with a past (a prompt chunk after a cached prefix) only for B = 1,
 * and needs a head dimension that is a multiple of 16 for its rotary (of 8 without).
 *
 * <p>With {@link KvPrecision#FP16} past and present are float16, and so is the attention op (its one type T
 * covers query, past and present): q|k|v are cast to float16 before it, the rotary tables are float16, and its
 * output is cast back to float32 before {@code o_proj}. ONNX Runtime 1.28's CPU kernel runs it.
 */
final class FusedDecoderGraph {

    static final String SEQLENS_K = "seqlens_k";
    static final String TOTAL_SEQUENCE_LENGTH = "total_sequence_length";
    static final String NUM_LOGITS_TO_KEEP = "num_logits_to_keep";

    private FusedDecoderGraph() {
    }

    static OnnxMl.ModelProto model(DecoderSpec spec, DecoderTensors tensors, LlamaOnnxWriter.Options options,
                                   ExternalData external) {
        ModelConfig c = spec.config();
        boolean gpt2 = spec.block() == DecoderSpec.Block.GPT2;
        int headMultiple = gpt2 ? 8 : 16;
        if (c.headDim() % headMultiple != 0) {
            throw new IllegalArgumentException("the fused graph form needs a head dimension that is a multiple of "
                    + headMultiple + " (ONNX Runtime's GroupQueryAttention), got " + c.headDim());
        }
        Dim batch = Dim.named("batch_size");
        Dim seq = Dim.named("sequence_length");
        Dim maxSeq = Dim.named("max_sequence_length");
        Dim kvHeads = Dim.of(c.kvHeads());
        Dim headDim = Dim.of(c.headDim());

        OnnxGraphBuilder g = new OnnxGraphBuilder(gpt2 ? "gpt2_decoder_fused" : "llama_decoder_fused", external);
        String inputIds = g.input("input_ids", DataType.INT64, batch, seq);
        String positionIds = gpt2 ? g.input("position_ids", DataType.INT64, batch, seq) : null;
        g.input(SEQLENS_K, DataType.INT32, batch);
        g.input(TOTAL_SEQUENCE_LENGTH, DataType.INT32);
        String keep = g.input(NUM_LOGITS_TO_KEEP, DataType.INT64);
        DataType kvType = options.kv().onnxType();
        for (int i = 0; i < c.layers(); i++) {
            g.input("past_key_values." + i + ".key", kvType, batch, kvHeads, maxSeq, headDim);
            g.input("past_key_values." + i + ".value", kvType, batch, kvHeads, maxSeq, headDim);
        }

        LlamaGraphOps ops = new LlamaGraphOps(g, spec, tensors, options.weights());
        Layers layers = new Layers(g, spec, tensors, ops, options.kv());
        int h = c.hidden();
        TokenEmbedding embedding = TokenEmbedding.gather(g, ops, c, tensors, options.weights(), inputIds);
        String hidden = embedding.hidden();
        if (gpt2) {
            String positions = g.floatInitializer("model.embed_positions.weight",
                    tensors.get("model.embed_positions.weight", c.contextLength(), h), c.contextLength(), h);
            hidden = ops.add("model.embed/Add", hidden, g.node("Gather", "model.embed_positions/Gather",
                    List.of(positions, positionIds), attr("axis", 0)));
        } else {
            layers.rotaryCaches();
        }

        // The residual stream: each Skip…Normalization adds the sublayer's output to it and normalises the sum.
        String residual = hidden;
        String normed = layers.norm("model.layers.0.input_layernorm", hidden);
        String last = null;
        for (int i = 0; i < c.layers(); i++) {
            String p = "model.layers." + i;
            String attention = layers.attention(i, p + ".self_attn", normed);
            String[] post = layers.skipNorm(p + ".post_attention_layernorm", attention, residual, true);
            String mlp = layers.mlp(p + ".mlp", post[0]);
            boolean lastLayer = i == c.layers() - 1;
            String[] next = layers.skipNorm(lastLayer ? "model.norm" : "model.layers." + (i + 1) + ".input_layernorm",
                    mlp, post[1], !lastLayer);
            normed = next[0];
            residual = next[1];
            last = next[0];
        }
        embedding.lmHead(g, ops, c, tensors, options.weights(), lastPositions(g, last, keep));

        g.output("logits", DataType.FLOAT, batch, Dim.named("logits_to_keep"), Dim.of(c.vocabSize()));
        for (int i = 0; i < c.layers(); i++) {
            g.output("present." + i + ".key", kvType, batch, kvHeads, maxSeq, headDim);
            g.output("present." + i + ".value", kvType, batch, kvHeads, maxSeq, headDim);
        }
        List<OnnxGraphBuilder.Opset> opsets = List.of(new OnnxGraphBuilder.Opset("", LlamaOnnxWriter.OPSET),
                new OnnxGraphBuilder.Opset(LlamaGraphOps.MS_DOMAIN, LlamaOnnxWriter.MS_OPSET));
        Map<String, String> metadata = LlamaOnnxWriter.metadata(c, options);
        return g.build(LlamaOnnxWriter.PRODUCER, LlamaOnnxWriter.PRODUCER_VERSION, opsets, metadata);
    }

    /** hidden[:, S - keep:, :] */
    private static String lastPositions(OnnxGraphBuilder g, String hidden, String keep) {
        String p = "model.logits_to_keep";
        String start = g.node("Unsqueeze", p + "/start", List.of(g.node("Neg", p + "/Neg", List.of(keep)),
                g.int64s(p + ".axes_0", 0)));
        return g.node("Slice", p + "/Slice", List.of(hidden, start, g.int64s(p + ".end", Long.MAX_VALUE),
                g.int64s(p + ".axes_seq", 1)));
    }

    /** The fused form's own nodes: norms, attention and the rotary tables. */
    private static final class Layers {
        private final OnnxGraphBuilder g;
        private final DecoderSpec spec;
        private final ModelConfig config;
        private final DecoderTensors tensors;
        private final LlamaGraphOps ops;
        private final KvPrecision kv;
        private String cos;
        private String sin;

        Layers(OnnxGraphBuilder g, DecoderSpec spec, DecoderTensors tensors, LlamaGraphOps ops, KvPrecision kv) {
            this.g = g;
            this.spec = spec;
            this.config = spec.config();
            this.tensors = tensors;
            this.ops = ops;
            this.kv = kv;
        }

        private boolean half() {
            return kv == KvPrecision.FP16;
        }

        /** {@code x} in the attention op's type: float16 when the cache is. */
        private String toKv(String prefix, String x) {
            return half() && !x.isEmpty() ? g.node("Cast", prefix + "/Cast_fp16", List.of(x),
                    attr("to", DataType.FLOAT16.getNumber())) : x;
        }

        /** A rotary table in the attention op's type (the kernel takes cos/sin of the query's type). */
        private String table(String name, float[] values, int rows, int cols) {
            if (!half()) {
                return g.floatInitializer(name, values, rows, cols);
            }
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(values.length * 2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                bytes.putShort(Float.floatToFloat16(v));
            }
            return g.rawInitializer(name, DataType.FLOAT16, bytes.flip(), values.length, rows, cols);
        }

        private boolean gpt2() {
            return spec.block() == DecoderSpec.Block.GPT2;
        }

        /**
         * cos and sin of position · inv_freq, [contextLength, headDim / 2], for the kernel's rotate-half
         * rotary. The angle is rounded to float before cos/sin, as the plain graph's Mul then Cos does.
         */
        void rotaryCaches() {
            float[] invFreq = spec.invFreq();
            int positions = config.contextLength();
            float[] cosTable = new float[positions * invFreq.length];
            float[] sinTable = new float[positions * invFreq.length];
            for (int p = 0; p < positions; p++) {
                for (int i = 0; i < invFreq.length; i++) {
                    float angle = (float) p * invFreq[i];
                    cosTable[p * invFreq.length + i] = (float) Math.cos(angle);
                    sinTable[p * invFreq.length + i] = (float) Math.sin(angle);
                }
            }
            cos = table("model.rotary_emb.cos_cache", cosTable, positions, invFreq.length);
            sin = table("model.rotary_emb.sin_cache", sinTable, positions, invFreq.length);
        }

        /** The first layer's input norm: nothing to add to it yet. */
        String norm(String prefix, String x) {
            if (gpt2()) {
                return ops.layerNorm(prefix, x);
            }
            return simplifiedNorm(prefix, x, config.hidden());
        }

        /** RMSNorm as ONNX Runtime's {@code SimplifiedLayerNormalization} over the last axis of width {@code width}. */
        private String simplifiedNorm(String prefix, String x, int width) {
            String w = g.floatInitializer(prefix + ".weight", tensors.get(prefix + ".weight", width), width);
            return g.node("SimplifiedLayerNormalization", prefix + "/SimplifiedLayerNormalization", List.of(x, w),
                    attr("axis", -1), attr("epsilon", epsilon()));
        }

        /**
         * norm(x + residual) in one kernel; returns the normalised sum and, when {@code keepSum}, the sum
         * itself (the next residual).
         */
        String[] skipNorm(String prefix, String x, String residual, boolean keepSum) {
            int h = config.hidden();
            String w = g.floatInitializer(prefix + ".weight", tensors.get(prefix + ".weight", h), h);
            List<String> inputs = new ArrayList<>(List.of(x, residual, w));
            String op = "SkipSimplifiedLayerNormalization";
            if (gpt2()) {
                inputs.add(g.floatInitializer(prefix + ".bias", tensors.get(prefix + ".bias", h), h));
                op = "SkipLayerNormalization";
            }
            String out = prefix + "/" + op;
            String sum = keepSum ? prefix + "/residual" : "";
            List<String> outputs = keepSum ? List.of(out, "", "", sum) : List.of(out);
            g.node(LlamaGraphOps.MS_DOMAIN, op, outputs, inputs, attr("epsilon", epsilon()));
            return new String[]{out, sum};
        }

        /**
         * One {@code GroupQueryAttention} over the q/k/v projections ([B, S, heads · headDim]); Qwen3's
         * per-head q/k RMSNorm runs first, on a [B, S, heads, headDim] view, as it precedes the rotation.
         */
        String attention(int layer, String prefix, String x) {
            int h = config.hidden();
            String qkv = ops.linearConcat(prefix + ".qkv_proj",
                    List.of(prefix + ".q_proj", prefix + ".k_proj", prefix + ".v_proj"), x, h,
                    new int[]{spec.qDim(), spec.kvDim(), spec.kvDim()}, spec.qkvBias());
            // Packed q|k|v goes to the kernel as one input; Qwen3's q/k norm needs them apart first.
            String q = qkv;
            String k = "";
            String v = "";
            if (spec.qkNorm()) {
                List<String> split = g.node("", "Split", List.of(prefix + "/q", prefix + "/k", prefix + "/v"),
                        List.of(qkv, g.int64s(prefix + ".qkv_split", spec.qDim(), spec.kvDim(), spec.kvDim())),
                        attr("axis", -1));
                q = headNorm(prefix + ".q_norm", split.get(0), config.heads(), spec.qDim());
                k = headNorm(prefix + ".k_norm", split.get(1), config.kvHeads(), spec.kvDim());
                v = split.get(2);
            }
            boolean rotary = !gpt2();
            q = toKv(prefix + "/q", q);
            k = toKv(prefix + "/k", k);
            v = toKv(prefix + "/v", v);
            List<String> inputs = new ArrayList<>(List.of(q, k, v, "past_key_values." + layer + ".key",
                    "past_key_values." + layer + ".value", SEQLENS_K, TOTAL_SEQUENCE_LENGTH));
            if (rotary) {
                inputs.add(cos);
                inputs.add(sin);
            }
            String context = g.node(LlamaGraphOps.MS_DOMAIN, "GroupQueryAttention",
                    List.of(prefix + "/GroupQueryAttention", "present." + layer + ".key", "present." + layer + ".value"),
                    inputs, attr("num_heads", config.heads()), attr("kv_num_heads", config.kvHeads()),
                    attr("do_rotary", rotary ? 1 : 0), attr("rotary_interleaved", 0),
                    attr("scale", (float) (1.0 / Math.sqrt(config.headDim())))).getFirst();
            if (half()) {
                context = g.node("Cast", prefix + "/Cast_fp32", List.of(context), attr("to", DataType.FLOAT.getNumber()));
            }
            return ops.linear(prefix + ".o_proj", context, spec.qDim(), h, spec.outputBias());
        }

        /** GPT-2's MLP as in the plain form; SwiGLU with gate and up in one MatMul, split after it. */
        String mlp(String prefix, String x) {
            if (gpt2()) {
                return ops.mlp(prefix, x);
            }
            int h = config.hidden();
            int inter = spec.intermediate();
            String gateUp = ops.linearConcat(prefix + ".gate_up_proj", List.of(prefix + ".gate_proj", prefix + ".up_proj"),
                    x, h, new int[]{inter, inter}, spec.mlpBias());
            List<String> halves = g.node("", "Split", List.of(prefix + "/gate", prefix + "/up"),
                    List.of(gateUp, g.int64s(prefix + ".gate_up_split", inter, inter)), attr("axis", -1));
            String gate = halves.get(0);
            String silu = g.node("Mul", prefix + "/silu", List.of(gate, g.node("Sigmoid", prefix + "/Sigmoid", List.of(gate))));
            String gated = g.node("Mul", prefix + "/gated", List.of(silu, halves.get(1)));
            return ops.linear(prefix + ".down_proj", gated, inter, h, spec.mlpBias());
        }

        private String headNorm(String prefix, String x, int heads, int width) {
            String split = g.node("Reshape", prefix + "/split_heads",
                    List.of(x, g.int64s(prefix + ".heads_shape", 0, 0, heads, config.headDim())));
            String normed = simplifiedNorm(prefix, split, config.headDim());
            return g.node("Reshape", prefix + "/merge_heads", List.of(normed, g.int64s(prefix + ".merged_shape", 0, 0, width)));
        }

        private float epsilon() {
            return (float) (double) config.rmsNormEps();
        }
    }
}
