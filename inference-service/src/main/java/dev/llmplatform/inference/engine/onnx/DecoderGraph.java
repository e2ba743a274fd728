package dev.llmplatform.inference.engine.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.llmplatform.model.ModelConfig;

import java.util.Map;

/**
 * The shape of a decoder graph with Optimum's names, read from the graph's own input and output
 * metadata and checked against {@code config.json}: dimensions the graph leaves symbolic come from
 * the config, dimensions it fixes must agree with it.
 *
 * @param contextLength     most positions a sequence may hold (config's {@code max_position_embeddings})
 * @param hasUseCacheBranch Optimum's merged decoders take a {@code use_cache_branch} flag
 * @param fused             the fused form ({@code seqlens_k}, {@code total_sequence_length}, one KV buffer
 *                          shared by past and present: {@code dev.llmplatform.onnx.GraphForm#FUSED})
 * @param hasLogitsToKeep   the graph takes {@code num_logits_to_keep} (the fused form): logits for the last positions only
 * @param hasPositionIds    the graph takes {@code position_ids} (always in the plain form; in the fused form
 *                          only for learned positions)
 * @param kvElementBytes    bytes of one past/present element: 4 (float32), or 2 (float16: only the fused form,
 *                          {@code dev.llmplatform.onnx.KvPrecision#FP16})
 */
public record DecoderGraph(int layers, int kvHeads, int headDim, int vocabSize, int contextLength,
                           boolean hasUseCacheBranch, boolean fused, boolean hasPositionIds,
                           boolean hasLogitsToKeep, int kvElementBytes) {

    public static final String SEQLENS_K = "seqlens_k";
    public static final String TOTAL_SEQUENCE_LENGTH = "total_sequence_length";
    public static final String NUM_LOGITS_TO_KEEP = "num_logits_to_keep";

    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String POSITION_IDS = "position_ids";
    public static final String USE_CACHE_BRANCH = "use_cache_branch";
    public static final String LOGITS = "logits";

    public static String pastKey(int layer) {
        return "past_key_values." + layer + ".key";
    }

    public static String pastValue(int layer) {
        return "past_key_values." + layer + ".value";
    }

    public static String presentKey(int layer) {
        return "present." + layer + ".key";
    }

    public static String presentValue(int layer) {
        return "present." + layer + ".value";
    }

    static DecoderGraph read(OrtSession session, ModelConfig config) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        boolean fused = inputs.containsKey(SEQLENS_K);
        String[] required = fused ? new String[]{INPUT_IDS, SEQLENS_K, TOTAL_SEQUENCE_LENGTH}
                : new String[]{INPUT_IDS, ATTENTION_MASK, POSITION_IDS};
        for (String name : required) {
            require(inputs.containsKey(name), "graph has no input '" + name + "'");
        }
        require(outputs.containsKey(LOGITS), "graph has no output '" + LOGITS + "'");
        int layers = 0;
        while (inputs.containsKey(pastKey(layers))) {
            layers++;
        }
        require(layers > 0, "graph has no past_key_values inputs: export it with past (text-generation-with-past)");
        require(layers == config.layers(), "graph has " + layers + " layers, config.json says " + config.layers());

        TensorInfo past = tensor(inputs.get(pastKey(0)), pastKey(0));
        boolean half = fused && past.type == OnnxJavaType.FLOAT16;
        require(past.type == OnnxJavaType.FLOAT || half, "past_key_values must be float32 (or float16 in the fused form), graph has "
                + past.type);
        long[] pastShape = past.getShape();
        require(pastShape.length == 4, "past_key_values must be [batch, kv_heads, past, head_dim]");
        int kvHeads = agree(pastShape[1], config.kvHeads(), "kv heads");
        int headDim = agree(pastShape[3], config.headDim(), "head dim");
        long[] logitsShape = tensor(outputs.get(LOGITS), LOGITS).getShape();
        int vocab = agree(logitsShape[logitsShape.length - 1], config.vocabSize(), "vocab size");
        for (int l = 0; l < layers; l++) {
            require(inputs.containsKey(pastValue(l)), "graph has no input '" + pastValue(l) + "'");
            require(outputs.containsKey(presentKey(l)) && outputs.containsKey(presentValue(l)),
                    "graph has no present." + l + " outputs");
        }
        return new DecoderGraph(layers, kvHeads, headDim, vocab, config.contextLength(),
                inputs.containsKey(USE_CACHE_BRANCH), fused, inputs.containsKey(POSITION_IDS),
                inputs.containsKey(NUM_LOGITS_TO_KEEP), half ? Short.BYTES : Float.BYTES);
    }

    private static TensorInfo tensor(NodeInfo node, String name) {
        if (!(node.getInfo() instanceof TensorInfo info)) {
            throw new IllegalArgumentException("graph " + name + " is not a tensor");
        }
        return info;
    }

    /** A fixed graph dimension must equal the config's; a symbolic one (negative) takes the config's. */
    private static int agree(long graphDim, int configDim, String what) {
        if (graphDim > 0 && graphDim != configDim) {
            throw new IllegalArgumentException("graph " + what + " " + graphDim + " differs from config.json " + configDim);
        }
        return configDim;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("decoder graph: " + message);
        }
    }
}
