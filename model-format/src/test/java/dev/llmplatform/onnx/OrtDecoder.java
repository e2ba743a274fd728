package dev.llmplatform.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Test driver for a decoder graph in ONNX Runtime: feeds inputs from plain arrays, returns plain arrays.
 * Public so the converter's tests (another package) drive their graphs the same way.
 */
public final class OrtDecoder implements AutoCloseable {

    /** Per-layer KV cache, each tensor flat [batch, kvHeads, length, headDim]. */
    public record Cache(int batch, int length, List<float[]> keys, List<float[]> values) {
    }

    /** One run's results; attentions[layer] is [batch][heads][seq][total], empty when the graph has none. */
    public record Step(float[][][] logits, Cache present, List<float[][][][]> attentions) {
    }

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final int layers;
    private final int kvHeads;
    private final int headDim;

    OrtDecoder(byte[] model, int layers, int kvHeads, int headDim) throws OrtException {
        this.layers = layers;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        try (OrtSession.SessionOptions options = options()) {
            session = env.createSession(model, options);
        }
    }

    /** A graph from a file; external data ({@code model.onnx.data}) is found beside it. */
    public OrtDecoder(java.nio.file.Path model, int layers, int kvHeads, int headDim) throws OrtException {
        this.layers = layers;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        try (OrtSession.SessionOptions options = options()) {
            session = env.createSession(model.toString(), options);
        }
    }

    private static OrtSession.SessionOptions options() throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        return options;
    }

    /**
     * Greedy decoding with the KV cache: the prompt in one run, then one token per run. Returns the
     * logits row each choice was made from (row 0: last prompt position) and the chosen ids.
     */
    public Greedy greedy(int[] prompt, int steps) throws OrtException {
        long[] ids = new long[prompt.length];
        long[] positions = new long[prompt.length];
        for (int i = 0; i < prompt.length; i++) {
            ids[i] = prompt[i];
            positions[i] = i;
        }
        Cache cache = emptyCache(1);
        float[][] rows = new float[steps][];
        int[] chosen = new int[steps];
        for (int s = 0; s < steps; s++) {
            long[] mask = new long[cache.length() + ids.length];
            java.util.Arrays.fill(mask, 1);
            Step step = run(new long[][] {ids}, new long[][] {mask}, new long[][] {positions}, cache);
            float[] last = step.logits()[0][ids.length - 1];
            rows[s] = last;
            chosen[s] = argmax(last);
            cache = step.present();
            ids = new long[] {chosen[s]};
            positions = new long[] {cache.length()};
        }
        return new Greedy(chosen, rows);
    }

    /** Ids chosen greedily and the logits rows they were chosen from. */
    public record Greedy(int[] ids, float[][] logits) {
    }

    public static int argmax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }

    OrtSession session() {
        return session;
    }

    public Cache emptyCache(int batch) {
        List<float[]> empty = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            empty.add(new float[0]);
        }
        return new Cache(batch, 0, empty, empty);
    }

    public Step run(long[][] inputIds, long[][] attentionMask, long[][] positionIds, Cache past) throws OrtException {
        int batch = inputIds.length;
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", longs(inputIds));
            inputs.put("attention_mask", longs(attentionMask));
            inputs.put("position_ids", longs(positionIds));
            long[] pastShape = {batch, kvHeads, past.length(), headDim};
            for (int i = 0; i < layers; i++) {
                // With an empty cache these are zero-size tensors [batch, kvHeads, 0, headDim].
                inputs.put("past_key_values." + i + ".key", floats(past.keys().get(i), pastShape));
                inputs.put("past_key_values." + i + ".value", floats(past.values().get(i), pastShape));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                float[][][] logits = (float[][][]) result.get("logits").orElseThrow().getValue();
                List<float[]> keys = new ArrayList<>();
                List<float[]> values = new ArrayList<>();
                List<float[][][][]> attentions = new ArrayList<>();
                for (int i = 0; i < layers; i++) {
                    keys.add(flat(result, "present." + i + ".key"));
                    values.add(flat(result, "present." + i + ".value"));
                    Optional<ai.onnxruntime.OnnxValue> attention = result.get("attentions." + i);
                    if (attention.isPresent()) {
                        attentions.add((float[][][][]) attention.get().getValue());
                    }
                }
                long total = ((OnnxTensor) result.get("present.0.key").orElseThrow()).getInfo().getShape()[2];
                return new Step(logits, new Cache(batch, (int) total, keys, values), attentions);
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private OnnxTensor longs(long[][] rows) throws OrtException {
        int width = rows[0].length;
        LongBuffer data = LongBuffer.allocate(rows.length * width);
        for (long[] row : rows) {
            data.put(row);
        }
        return OnnxTensor.createTensor(env, data.flip(), new long[] {rows.length, width});
    }

    private OnnxTensor floats(float[] data, long[] shape) throws OrtException {
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
    }

    private static float[] flat(OrtSession.Result result, String name) {
        FloatBuffer buffer = ((OnnxTensor) result.get(name).orElseThrow()).getFloatBuffer();
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
