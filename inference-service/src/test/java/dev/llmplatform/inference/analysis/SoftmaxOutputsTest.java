package dev.llmplatform.inference.analysis;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.llmplatform.onnx.GraphOutputs;
import org.junit.jupiter.api.Test;

import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Exposing MiniLM's Softmax outputs: one per layer in layer order, shaped [batch, heads, seq, seq],
 * and the hidden states stay exactly what the untouched graph computes (no optimisation changed by it).
 */
class SoftmaxOutputsTest {

    @Test
    void shouldExposeOneAttentionOutputPerLayerWithoutChangingTheHiddenStates() throws Exception {
        OnnxMl.ModelProto model = GraphOutputs.read(MiniLm.files().resolve("model.onnx"));
        List<String> softmax = GraphOutputs.nodeOutputs(model, "Softmax");
        assertThat(softmax).hasSize(6);
        for (int layer = 0; layer < softmax.size(); layer++) {
            assertThat(softmax.get(layer)).contains("layer." + layer + "/");
        }
        byte[] augmented = GraphOutputs.withOutputs(model, softmax, OnnxMl.TensorProto.DataType.FLOAT).toByteArray();

        int[] ids = MiniLm.encode("Attention is all you need");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        try (OrtSession plain = env.createSession(MiniLm.files().resolve("model.onnx").toString(), options);
             OrtSession withAttention = env.createSession(augmented, options)) {
            Map<String, OnnxTensor> inputs = inputs(env, ids);
            try (OrtSession.Result a = plain.run(inputs); OrtSession.Result b = withAttention.run(inputs)) {
                float[] hiddenA = floats(a.get(EncoderSession.LAST_HIDDEN_STATE).orElseThrow());
                float[] hiddenB = floats(b.get(EncoderSession.LAST_HIDDEN_STATE).orElseThrow());
                assertThat(hiddenB).hasSameSizeAs(hiddenA);
                for (int i = 0; i < hiddenA.length; i++) {
                    assertThat(hiddenB[i]).isCloseTo(hiddenA[i], within(1e-4f));
                }
                for (String name : softmax) {
                    assertThat(((OnnxTensor) b.get(name).orElseThrow()).getInfo().getShape())
                            .containsExactly(1, 12, ids.length, ids.length);
                }
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }
    }

    private static float[] floats(ai.onnxruntime.OnnxValue value) {
        var buffer = ((OnnxTensor) value).getFloatBuffer();
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    private static Map<String, OnnxTensor> inputs(OrtEnvironment env, int[] ids) throws Exception {
        long[] tokens = new long[ids.length];
        long[] mask = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            tokens[i] = ids[i];
            mask[i] = 1;
        }
        long[] shape = {1, ids.length};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        inputs.put(EncoderSession.INPUT_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(tokens), shape));
        inputs.put(EncoderSession.ATTENTION_MASK, OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
        inputs.put(EncoderSession.TOKEN_TYPE_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), shape));
        return inputs;
    }
}
