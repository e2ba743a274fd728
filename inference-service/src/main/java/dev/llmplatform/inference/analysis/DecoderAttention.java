package dev.llmplatform.inference.analysis;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.llmplatform.inference.engine.onnx.DecoderGraph;
import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.model.ModelConfig;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Attention maps of a decoder: one forward pass over a prompt with an empty past, reading the
 * graph's {@code attentions.{i}} outputs (written by the project's ONNX writer when asked). No
 * sampling, no KV cache kept. The engine's decoder does not hand these outputs out, so this opens
 * its own session on the package's graph. Safe to share between threads.
 */
public final class DecoderAttention implements AutoCloseable {

    public static String attentions(int layer) {
        return "attentions." + layer;
    }

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final ModelConfig config;
    private final List<String> outputs;
    private final boolean useCacheBranch;

    private DecoderAttention(OrtSession session, ModelConfig config) {
        this.session = session;
        this.config = config;
        Set<String> names = session.getOutputNames();
        List<String> found = new ArrayList<>();
        while (names.contains(attentions(found.size()))) {
            found.add(attentions(found.size()));
        }
        this.outputs = List.copyOf(found);
        this.useCacheBranch = session.getInputNames().contains(DecoderGraph.USE_CACHE_BRANCH);
    }

    public static DecoderAttention open(Path modelFile, ModelConfig config, DecoderOptions options) {
        var opened = AnalysisSessions.open((env, so) -> env.createSession(modelFile.toString(), so), options,
                "decoder " + modelFile + " (attention maps)");
        try {
            return new DecoderAttention(opened.session(), config);
        } catch (RuntimeException e) {
            try {
                opened.session().close();
            } catch (OrtException ignored) {
                // already failing
            }
            throw new IllegalStateException("cannot read decoder graph " + modelFile + ": " + e.getMessage(), e);
        }
    }

    /** False for graphs exported without {@code attentions.*} outputs: they cannot draw a map. */
    public boolean hasAttentionOutputs() {
        return outputs.size() == config.layers();
    }

    public int contextLength() {
        return config.contextLength();
    }

    /** {@code [layer][head][query][key]}, rounded to 4 decimals; causal, so keys after the query get 0. */
    public float[][][][] attention(int[] ids) {
        if (!hasAttentionOutputs()) {
            throw new IllegalStateException("the decoder graph has no attentions.* outputs");
        }
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            putInputs(inputs, ids);
            try (OrtSession.Result result = session.run(inputs, new LinkedHashSet<>(outputs))) {
                return AttentionWeights.read(result, outputs);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("decoder attention run failed: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** The prompt at positions 0..n-1 and an empty past ({@code [1, kv_heads, 0, head_dim]}) for every layer. */
    private void putInputs(Map<String, OnnxTensor> inputs, int[] ids) throws OrtException {
        long[] tokens = new long[ids.length];
        long[] positions = new long[ids.length];
        long[] mask = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            tokens[i] = ids[i];
            positions[i] = i;
            mask[i] = 1;
        }
        long[] shape = {1, ids.length};
        inputs.put(DecoderGraph.INPUT_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(tokens), shape));
        inputs.put(DecoderGraph.POSITION_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(positions), shape));
        inputs.put(DecoderGraph.ATTENTION_MASK, OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
        long[] pastShape = {1, config.kvHeads(), 0, config.headDim()};
        for (int l = 0; l < config.layers(); l++) {
            inputs.put(DecoderGraph.pastKey(l), OnnxTensor.createTensor(env, emptyFloats(), pastShape));
            inputs.put(DecoderGraph.pastValue(l), OnnxTensor.createTensor(env, emptyFloats(), pastShape));
        }
        if (useCacheBranch) {
            inputs.put(DecoderGraph.USE_CACHE_BRANCH, OnnxTensor.createTensor(env, new boolean[]{false}));
        }
    }

    private static java.nio.FloatBuffer emptyFloats() {
        return ByteBuffer.allocateDirect(0).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // closing at shutdown: nothing left to do with the error
        }
    }
}
