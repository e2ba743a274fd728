package dev.llmplatform.inference.analysis;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.util.List;

/** Reads attention-probability outputs {@code [1, heads, query, key]} into {@code [layer][head][query][key]}. */
final class AttentionWeights {

    /** Four decimals: enough to see a pattern, and the JSON stays a few megabytes for 64 tokens. */
    private static final float SCALE = 10_000f;

    private AttentionWeights() {
    }

    static float round(float p) {
        return Math.round(p * SCALE) / SCALE;
    }

    /** One layer's probabilities per named output, in the order given, rounded. */
    static float[][][][] read(OrtSession.Result result, List<String> outputs) {
        float[][][][] layers = new float[outputs.size()][][][];
        for (int l = 0; l < outputs.size(); l++) {
            String name = outputs.get(l);
            OnnxValue value = result.get(name).orElseThrow(() -> new IllegalStateException("no output " + name));
            layers[l] = read((OnnxTensor) value, name);
        }
        return layers;
    }

    private static float[][][] read(OnnxTensor tensor, String name) {
        long[] shape = tensor.getInfo().getShape();
        if (shape.length != 4 || shape[0] != 1) {
            throw new IllegalStateException(name + " should be [1, heads, query, key], is " + java.util.Arrays.toString(shape));
        }
        int heads = (int) shape[1];
        int queries = (int) shape[2];
        int keys = (int) shape[3];
        FloatBuffer data = tensor.getFloatBuffer();
        float[][][] out = new float[heads][queries][keys];
        for (int h = 0; h < heads; h++) {
            for (int q = 0; q < queries; q++) {
                float[] row = out[h][q];
                data.get(row);
                for (int k = 0; k < keys; k++) {
                    row[k] = round(row[k]);
                }
            }
        }
        return out;
    }
}
