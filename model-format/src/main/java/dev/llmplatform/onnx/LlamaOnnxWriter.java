package dev.llmplatform.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.llama.LlamaWeights;
import dev.llmplatform.onnx.OnnxGraphBuilder.Dim;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.llmplatform.onnx.OnnxGraphBuilder.attr;

/**
 * Writes a decoder (Llama-style, or GPT-2's block: see {@link DecoderSpec}) as an ONNX graph with Optimum's names (inputs {@code input_ids},
 * {@code attention_mask}, {@code position_ids}, {@code past_key_values.{i}.key|value}; outputs
 * {@code logits}, {@code present.{i}.key|value}), opset 17, float32 weights by default or
 * block-quantized int8/int4 linear weights ({@link WeightQuantization}, ONNX Runtime's
 * {@code com.microsoft::MatMulNBits}).
 *
 * <p>Shapes (B = batch_size, S = sequence_length, P = past_sequence_length,
 * T = total_sequence_length = P + S):
 * <ul>
 *   <li>{@code input_ids}, {@code position_ids}: int64 [B, S]; {@code attention_mask}: int64 [B, T],
 *       1 = attend, 0 = padding (sequences may be left-padded; positions are explicit);</li>
 *   <li>{@code past_key_values.{i}.key|value}: float [B, kvHeads, P, headDim], P may be 0;</li>
 *   <li>{@code logits}: float [B, S, vocab]; {@code present.{i}.key|value}: float [B, kvHeads, T, headDim],
 *       past and new concatenated, keys after rotary embedding;</li>
 *   <li>optional {@code attentions.{i}}: float [B, heads, S, T], the softmax probabilities.</li>
 * </ul>
 * Query s (absolute key index P + s) sees key t iff t <= P + s and attention_mask[b, t] = 1. A
 * query that sees nothing (a padding position) gets uniform weights, never NaN.
 *
 * <p>Initializers are named after the Hugging Face modules ({@code model.layers.0.self_attn.q_proj.weight})
 * but hold our {@code [in, out]} layout, i.e. the transpose of PyTorch's {@code Linear.weight}.
 */
public final class LlamaOnnxWriter {

    public static final String PRODUCER = "llm-platform";
    public static final String PRODUCER_VERSION = "0.1.0";
    public static final long OPSET = 17;

    /** Protobuf cannot hold a message of 2 GiB or more in one piece. */
    private static final long MAX_PROTO_BYTES = Integer.MAX_VALUE - (64L << 20);

    /** ONNX Runtime's contrib domain version imported when MatMulNBits is used. */
    public static final long MS_OPSET = 1;

    /**
     * @param attentionOutputs also output {@code attentions.{i}} [batch, heads, seq, total] per layer
     * @param weights          float32 linear weights (default) or block-quantized int8/int4 ones
     *                         (ONNX Runtime's {@code MatMulNBits}: the graph then runs only in ONNX Runtime)
     * @param kv               the fused form's KV buffer element type ({@link KvPrecision}); the plain form's is float32
     */
    public record Options(boolean attentionOutputs, WeightQuantization weights, GraphForm form, KvPrecision kv) {
        public static final Options DEFAULT = new Options(false);

        public Options {
            weights = weights == null ? WeightQuantization.NONE : weights;
            form = form == null ? GraphForm.PLAIN : form;
            kv = kv == null ? KvPrecision.FP32 : kv;
            if (form == GraphForm.FUSED && attentionOutputs) {
                throw new IllegalArgumentException("the fused graph form cannot output attention probabilities");
            }
            if (form == GraphForm.PLAIN && kv != KvPrecision.FP32) {
                throw new IllegalArgumentException("the plain graph form keeps a float32 KV cache");
            }
        }

        public Options(boolean attentionOutputs, WeightQuantization weights, GraphForm form) {
            this(attentionOutputs, weights, form, KvPrecision.FP32);
        }

        public Options(boolean attentionOutputs, WeightQuantization weights) {
            this(attentionOutputs, weights, GraphForm.PLAIN);
        }

        public Options(boolean attentionOutputs) {
            this(attentionOutputs, WeightQuantization.NONE);
        }

        public static Options quantized(WeightQuantization weights) {
            return new Options(false, weights);
        }

        /** The same weights in another graph form. */
        public Options withForm(GraphForm form) {
            return new Options(attentionOutputs, weights, form, kv);
        }

        /** The same graph with another KV buffer element type (fused form only). */
        public Options withKv(KvPrecision kv) {
            return new Options(attentionOutputs, weights, form, kv);
        }
    }

    private LlamaOnnxWriter() {
    }

    public static byte[] toBytes(LlamaWeights weights, Options options) {
        return model(weights, options).toByteArray();
    }

    public static void write(LlamaWeights weights, Path file, Options options) {
        OnnxMl.ModelProto model = model(weights, options);
        try (OutputStream out = Files.newOutputStream(file)) {
            model.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The ModelProto itself, for callers that post-process the graph before writing it. */
    public static OnnxMl.ModelProto model(LlamaWeights weights, Options options) {
        ModelConfig c = weights.config();
        long bytes = 4 * c.parameterCount();
        if (bytes > MAX_PROTO_BYTES) {
            throw new IllegalArgumentException("model of " + bytes + " bytes is too large for a single-file ONNX model");
        }
        return model(DecoderSpec.llama(c), DecoderTensors.of(weights), options, null);
    }

    /**
     * Writes {@code file} with its weights streamed into {@code file + ".data"} beside it (ONNX external
     * data) while the graph is built: each tensor is fetched from {@code tensors}, converted (or quantized)
     * and appended at once, so memory holds one tensor, not the model. The graph file keeps only the
     * nodes and tensors under {@link ExternalData#INLINE_BELOW_BYTES}.
     *
     * @return the bytes of the data file
     */
    public static long writeExternal(DecoderSpec spec, DecoderTensors tensors, Path file, Options options) {
        String location = file.getFileName() + ".data";
        OnnxMl.ModelProto model;
        long dataBytes;
        try (ExternalData data = new ExternalData(file.resolveSibling(location), location)) {
            model = model(spec, tensors, options, data);
            dataBytes = data.size();
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            model.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return dataBytes;
    }

    /**
     * The graph of any decoder {@link DecoderSpec} describes; initializers go to {@code external} when it
     * is not null (see {@link OnnxGraphBuilder#OnnxGraphBuilder(String, ExternalData)}).
     */
    public static OnnxMl.ModelProto model(DecoderSpec spec, DecoderTensors tensors, Options options, ExternalData external) {
        if (options.form() == GraphForm.FUSED) {
            return FusedDecoderGraph.model(spec, tensors, options, external);
        }
        ModelConfig c = spec.config();
        Dim batch = Dim.named("batch_size");
        Dim seq = Dim.named("sequence_length");
        Dim past = Dim.named("past_sequence_length");
        Dim total = Dim.named("total_sequence_length");
        Dim kvHeads = Dim.of(c.kvHeads());
        Dim headDim = Dim.of(c.headDim());

        OnnxGraphBuilder g = new OnnxGraphBuilder(spec.block() == DecoderSpec.Block.GPT2 ? "gpt2_decoder_with_past"
                : "llama_decoder_with_past", external);
        String inputIds = g.input("input_ids", DataType.INT64, batch, seq);
        String attentionMask = g.input("attention_mask", DataType.INT64, batch, total);
        String positionIds = g.input("position_ids", DataType.INT64, batch, seq);
        for (int i = 0; i < c.layers(); i++) {
            g.input("past_key_values." + i + ".key", DataType.FLOAT, batch, kvHeads, past, headDim);
            g.input("past_key_values." + i + ".value", DataType.FLOAT, batch, kvHeads, past, headDim);
        }

        LlamaGraphOps ops = new LlamaGraphOps(g, spec, tensors, options.weights());
        int h = c.hidden();
        TokenEmbedding embedding = TokenEmbedding.gather(g, ops, c, tensors, options.weights(), inputIds);
        String hidden = embedding.hidden();
        LlamaGraphOps.Rotary rotary = null;
        if (spec.block() == DecoderSpec.Block.GPT2) {
            String positions = g.floatInitializer("model.embed_positions.weight",
                    tensors.get("model.embed_positions.weight", c.contextLength(), h), c.contextLength(), h);
            hidden = ops.add("model.embed/Add", hidden, g.node("Gather", "model.embed_positions/Gather",
                    List.of(positions, positionIds), attr("axis", 0)));
        } else {
            rotary = ops.rotary(positionIds);
        }
        String allowed = ops.attentionMask(inputIds, attentionMask);
        for (int i = 0; i < c.layers(); i++) {
            String p = "model.layers." + i;
            String normed = ops.norm(p + ".input_layernorm", hidden);
            String attention = ops.attention(i, p + ".self_attn", normed, rotary, allowed, options.attentionOutputs());
            String afterAttention = ops.add(p + "/attention_residual", hidden, attention);
            String normed2 = ops.norm(p + ".post_attention_layernorm", afterAttention);
            String mlp = ops.mlp(p + ".mlp", normed2);
            hidden = ops.add(p + "/mlp_residual", afterAttention, mlp);
        }
        String last = ops.norm("model.norm", hidden);
        WeightQuantization q = options.weights();
        embedding.lmHead(g, ops, c, tensors, q, last);

        g.output("logits", DataType.FLOAT, batch, seq, Dim.of(c.vocabSize()));
        for (int i = 0; i < c.layers(); i++) {
            g.output("present." + i + ".key", DataType.FLOAT, batch, kvHeads, total, headDim);
            g.output("present." + i + ".value", DataType.FLOAT, batch, kvHeads, total, headDim);
        }
        if (options.attentionOutputs()) {
            for (int i = 0; i < c.layers(); i++) {
                g.output("attentions." + i, DataType.FLOAT, batch, Dim.of(c.heads()), seq, total);
            }
        }
        List<OnnxGraphBuilder.Opset> opsets = q.quantized()
                ? List.of(new OnnxGraphBuilder.Opset("", OPSET), new OnnxGraphBuilder.Opset(LlamaGraphOps.MS_DOMAIN, MS_OPSET))
                : List.of(new OnnxGraphBuilder.Opset("", OPSET));
        return g.build(PRODUCER, PRODUCER_VERSION, opsets, metadata(c, options));
    }

    static Map<String, String> metadata(ModelConfig c, Options options) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("producer", PRODUCER);
        m.put("model_type", c.modelType());
        m.put("architectures", String.join(",", c.architectures()));
        m.put("graph", "decoder-with-past");
        m.put(GraphForm.METADATA_KEY, options.form().label());
        if (options.form() == GraphForm.FUSED) {
            m.put(KvPrecision.METADATA_KEY, options.kv().label());
        }
        m.put("num_hidden_layers", Integer.toString(c.layers()));
        m.put("num_attention_heads", Integer.toString(c.heads()));
        m.put("num_key_value_heads", Integer.toString(c.kvHeads()));
        m.put("head_dim", Integer.toString(c.headDim()));
        m.put("hidden_size", Integer.toString(c.hidden()));
        m.put("vocab_size", Integer.toString(c.vocabSize()));
        m.put("rope_theta", Double.toString(c.ropeTheta()));
        m.put("tie_word_embeddings", Boolean.toString(c.tieWordEmbeddings()));
        m.put("attention_outputs", Boolean.toString(options.attentionOutputs()));
        WeightQuantization q = options.weights();
        m.put("weight_format", q.format().name().toLowerCase(Locale.ROOT));
        if (q.quantized()) {
            m.put("quant_block_size", Integer.toString(q.blockSize()));
            m.put("quant_symmetric", Boolean.toString(q.symmetric()));
            m.put("quant_lm_head", Boolean.toString(q.quantizeLmHead()));
            m.put("quant_lm_head_format", q.lmHead().name().toLowerCase(Locale.ROOT));
            m.put("quant_shared_embedding", Boolean.toString(TokenEmbedding.shared(c, q)));
            m.put("quant_accuracy_level", Integer.toString(q.accuracyLevel()));
        }
        return m;
    }
}
