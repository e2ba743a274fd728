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

/** Test driver for a decoder graph in ONNX Runtime: feeds inputs from plain arrays, returns plain arrays. */
final class OrtDecoder implements AutoCloseable {

    /** Per-layer KV cache, each tensor flat [batch, kvHeads, length, headDim]. */
    record Cache(int batch, int length, List<float[]> keys, List<float[]> values) {
    }

    /** One run's results; attentions[layer] is [batch][heads][seq][total], empty when the graph has none. */
    record Step(float[][][] logits, Cache present, List<float[][][][]> attentions) {
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
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            session = env.createSession(model, options);
        }
    }

    OrtSession session() {
        return session;
    }

    Cache emptyCache(int batch) {
        List<float[]> empty = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            empty.add(new float[0]);
        }
        return new Cache(batch, 0, empty, empty);
    }

    Step run(long[][] inputIds, long[][] attentionMask, long[][] positionIds, Cache past) throws OrtException {
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
