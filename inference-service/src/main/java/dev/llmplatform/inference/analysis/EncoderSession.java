package dev.llmplatform.inference.analysis;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.inference.engine.onnx.ExecutionDevice;
import dev.llmplatform.onnx.GraphOutputs;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A BERT-style encoder (all-MiniLM-L6-v2 by default): sentence embeddings and bidirectional
 * attention maps; for a cross-encoder (a classification head with one output, {@code logits [batch, 1]}),
 * the relevance logit of each text pair. Two sessions on one graph: the plain one, fully optimised, for embeddings; and
 * one whose per-layer {@code Softmax} outputs (the attention probabilities) are added as graph
 * outputs, for maps. Keeping them apart means an embeddings batch never holds every layer's
 * {@code [batch, heads, seq, seq]} probabilities until the end of its run. Safe to share between threads.
 */
public final class EncoderSession implements AutoCloseable {

    public static final String LAST_HIDDEN_STATE = "last_hidden_state";
    public static final String LOGITS = "logits";
    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String TOKEN_TYPE_IDS = "token_type_ids";
    /** Inputs per graph run: bounds the activations of a 64-input request. */
    static final int MAX_BATCH = 16;

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession embeddings;
    private final OrtSession attention;
    private final List<String> attentionOutputs;
    private final String hiddenOutput;
    private final boolean tokenTypes;
    private final ExecutionDevice device;

    private EncoderSession(OrtSession embeddings, OrtSession attention, List<String> attentionOutputs,
                           ExecutionDevice device) {
        this.embeddings = embeddings;
        this.attention = attention;
        this.attentionOutputs = List.copyOf(attentionOutputs);
        this.device = device;
        Set<String> outputs = embeddings.getOutputNames();
        this.hiddenOutput = outputs.contains(LAST_HIDDEN_STATE) ? LAST_HIDDEN_STATE : outputs.iterator().next();
        Set<String> inputs = embeddings.getInputNames();
        if (!inputs.contains(INPUT_IDS) || !inputs.contains(ATTENTION_MASK)) {
            throw new IllegalArgumentException("encoder graph needs inputs input_ids and attention_mask, has " + inputs);
        }
        this.tokenTypes = inputs.contains(TOKEN_TYPE_IDS);
    }

    /** Loads the graph, and a copy of it that also outputs each layer's attention probabilities. */
    public static EncoderSession open(Path modelFile, DecoderOptions options) {
        OnnxMl.ModelProto model = GraphOutputs.read(modelFile);
        List<String> softmax = GraphOutputs.nodeOutputs(model, "Softmax");
        if (softmax.isEmpty()) {
            throw new IllegalArgumentException("encoder graph " + modelFile + " has no Softmax nodes to read attention from");
        }
        byte[] augmented = GraphOutputs.withOutputs(model, softmax, OnnxMl.TensorProto.DataType.FLOAT).toByteArray();
        model = null; // the parsed copy is large; let it go before the runtime makes its own
        var plain = AnalysisSessions.open((env, so) -> env.createSession(modelFile.toString(), so), options,
                "encoder " + modelFile);
        OrtSession withAttention = null;
        try {
            withAttention = AnalysisSessions.open((env, so) -> env.createSession(augmented, so),
                    new DecoderOptions(plain.device(), options.intraOpThreads(), options.cudaDeviceId())
                            .withSpinning(options.spinning()),
                    "encoder " + modelFile + " with attention outputs").session();
            return new EncoderSession(plain.session(), withAttention, softmax, plain.device());
        } catch (RuntimeException e) {
            closeQuietly(plain.session());
            if (withAttention != null) {
                closeQuietly(withAttention);
            }
            throw e;
        }
    }

    /** Layers whose attention maps {@link #attention} returns. */
    public int layers() {
        return attentionOutputs.size();
    }

    public ExecutionDevice device() {
        return device;
    }

    /**
     * One unit-length vector per input: the mean of the last hidden states over the input's own
     * tokens (padding masked out), then L2-normalised, as sentence-transformers does.
     *
     * @param inputs token ids of each input, special tokens included
     */
    public float[][] embed(List<int[]> inputs) {
        float[][] vectors = new float[inputs.size()][];
        for (int from = 0; from < inputs.size(); from += MAX_BATCH) {
            List<int[]> batch = inputs.subList(from, Math.min(inputs.size(), from + MAX_BATCH));
            float[][] pooled = embedBatch(batch);
            System.arraycopy(pooled, 0, vectors, from, pooled.length);
        }
        return vectors;
    }

    /**
     * A cross-encoder's logit for each input, in order: the graph's {@code logits} output ({@code [batch, 1]}) for
     * text pairs encoded as one sequence each, with their token types.
     *
     * @param inputs  token ids of each pair ({@code [CLS] a [SEP] b [SEP]})
     * @param typeIds the segment of each token (0 first text, 1 second), as long as its input
     */
    public float[] logits(List<int[]> inputs, List<int[]> typeIds) {
        if (!embeddings.getOutputNames().contains(LOGITS)) {
            throw new IllegalArgumentException("the graph has no output 'logits' (outputs " + embeddings.getOutputNames()
                    + "): it is not a cross-encoder");
        }
        float[] logits = new float[inputs.size()];
        for (int from = 0; from < inputs.size(); from += MAX_BATCH) {
            int to = Math.min(inputs.size(), from + MAX_BATCH);
            float[] batch = logitsBatch(inputs.subList(from, to), typeIds.subList(from, to));
            System.arraycopy(batch, 0, logits, from, batch.length);
        }
        return logits;
    }

    private float[] logitsBatch(List<int[]> batch, List<int[]> typeIds) {
        int length = batch.stream().mapToInt(ids -> ids.length).max().orElseThrow();
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            putInputs(inputs, batch, typeIds, length);
            try (OrtSession.Result result = embeddings.run(inputs, Set.of(LOGITS))) {
                OnnxTensor out = (OnnxTensor) result.get(LOGITS).orElseThrow();
                long[] shape = out.getInfo().getShape();
                if (shape.length != 2 || shape[0] != batch.size() || shape[1] != 1) {
                    throw new IllegalArgumentException("a cross-encoder's logits must be [batch, 1], got "
                            + java.util.Arrays.toString(shape));
                }
                float[] logits = new float[batch.size()];
                out.getFloatBuffer().get(logits);
                return logits;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("cross-encoder run failed: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** {@code [layer][head][query][key]} for one sequence, rounded to 4 decimals; every query sees every key. */
    public float[][][][] attention(int[] ids) {
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            putInputs(inputs, List.of(ids), null, ids.length);
            try (OrtSession.Result result = attention.run(inputs, new LinkedHashSet<>(attentionOutputs))) {
                return AttentionWeights.read(result, attentionOutputs);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("encoder attention run failed: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private float[][] embedBatch(List<int[]> batch) {
        int length = batch.stream().mapToInt(ids -> ids.length).max().orElseThrow();
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            putInputs(inputs, batch, null, length);
            try (OrtSession.Result result = embeddings.run(inputs, Set.of(hiddenOutput))) {
                OnnxTensor hidden = (OnnxTensor) result.get(hiddenOutput).orElseThrow();
                long[] shape = hidden.getInfo().getShape();
                return meanPoolAndNormalise(hidden.getFloatBuffer(), batch, length, (int) shape[2]);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("encoder run failed: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * Sequences padded on the right with id 0, attention mask 0 and token type 0; token types as given, or all 0
     * (one segment) when {@code typeIds} is null. A graph without {@code token_type_ids} gets none.
     */
    private void putInputs(Map<String, OnnxTensor> inputs, List<int[]> batch, List<int[]> typeIds, int length)
            throws OrtException {
        long[] ids = new long[batch.size() * length];
        long[] mask = new long[ids.length];
        long[] types = new long[ids.length];
        for (int b = 0; b < batch.size(); b++) {
            int[] tokens = batch.get(b);
            for (int t = 0; t < tokens.length; t++) {
                ids[b * length + t] = tokens[t];
                mask[b * length + t] = 1;
                types[b * length + t] = typeIds == null ? 0 : typeIds.get(b)[t];
            }
        }
        long[] shape = {batch.size(), length};
        inputs.put(INPUT_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
        inputs.put(ATTENTION_MASK, OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
        if (tokenTypes) {
            inputs.put(TOKEN_TYPE_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape));
        }
    }

    static float[][] meanPoolAndNormalise(FloatBuffer hidden, List<int[]> batch, int length, int dim) {
        float[][] vectors = new float[batch.size()][dim];
        double[] sum = new double[dim];
        for (int b = 0; b < batch.size(); b++) {
            java.util.Arrays.fill(sum, 0);
            int tokens = batch.get(b).length;
            for (int t = 0; t < tokens; t++) {
                int offset = (b * length + t) * dim;
                for (int d = 0; d < dim; d++) {
                    sum[d] += hidden.get(offset + d);
                }
            }
            double norm = 0;
            for (int d = 0; d < dim; d++) {
                sum[d] /= tokens;
                norm += sum[d] * sum[d];
            }
            // sentence-transformers' Normalize divides by max(norm, 1e-12)
            norm = Math.max(Math.sqrt(norm), 1e-12);
            for (int d = 0; d < dim; d++) {
                vectors[b][d] = (float) (sum[d] / norm);
            }
        }
        return vectors;
    }

    @Override
    public void close() {
        closeQuietly(attention);
        closeQuietly(embeddings);
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            // closing at shutdown: nothing left to do with the error
        }
    }
}
