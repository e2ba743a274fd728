package dev.llmplatform.training.export;

import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.llama.LlamaWeights;
import dev.llmplatform.onnx.LlamaOnnxWriter;
import dev.llmplatform.training.loop.TrainingConfig;
import dev.llmplatform.training.loop.TrainingPlan;
import dev.llmplatform.training.model.LlamaModel;
import dev.llmplatform.training.model.TorchRuntime;
import dev.llmplatform.training.run.ProgressListener;
import dev.llmplatform.training.run.TrainingRun;
import dev.llmplatform.training.testing.WordTokens;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The exported graph, run in ONNX Runtime, computes the training engine's logits. */
class OnnxExportTest {

    @Test
    void shouldGiveTheTrainingEnginesLogitsWhenRunInOnnxRuntime() throws OrtException {
        WordTokens.Fixture corpus = WordTokens.synthetic(3, 300, 4, 40);
        ModelConfig config = ModelConfig.llama(2, 4, 2, 64, 160, corpus.vocabulary().size(), 32, 0, 0, false);
        TrainingPlan plan = new TrainingPlan(config, TrainingConfig.defaults(20, 8, 32, 1e-2, 3).withEvaluation(20, 4));
        LlamaWeights trained = new TrainingRun(plan, corpus.data(), null, ProgressListener.NONE, 0).execute().weights();
        int[] tokens = Arrays.copyOfRange(corpus.data().eval(), 0, 32);

        float[][] engine;
        try (NDManager root = TorchRuntime.engine(0).newBaseManager();
             LlamaModel model = LlamaModel.fromLlamaWeights(root, trained)) {
            engine = model.logits(tokens);
        }
        float[][] onnx = runInOnnxRuntime(LlamaOnnxWriter.toBytes(trained, LlamaOnnxWriter.Options.DEFAULT), config, tokens);

        double spread = 0;
        double maxDifference = 0;
        for (int t = 0; t < tokens.length; t++) {
            for (int v = 0; v < config.vocabSize(); v++) {
                spread = Math.max(spread, Math.abs(engine[t][v]));
                maxDifference = Math.max(maxDifference, Math.abs(onnx[t][v] - engine[t][v]));
                assertThat(onnx[t][v]).as("position %d token %d", t, v).isCloseTo(engine[t][v], within(1e-4f));
            }
        }
        System.out.printf("ONNX Runtime vs DJL: max |logit| %.3f, max difference %.2e%n", spread, maxDifference);
        assertThat(spread).as("trained logits far from zero, so equality is not trivial").isGreaterThan(2.0);
    }

    /** One sequence at positions 0..n-1 with an empty KV cache; returns logits [n][vocab]. */
    private static float[][] runInOnnxRuntime(byte[] graph, ModelConfig config, int[] tokens) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long n = tokens.length;
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            try (OrtSession session = env.createSession(graph, options)) {
                long[] ids = Arrays.stream(tokens).asLongStream().toArray();
                long[] ones = new long[tokens.length];
                Arrays.fill(ones, 1);
                long[] positions = LongStream.range(0, n).toArray();
                inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {1, n}));
                inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(ones), new long[] {1, n}));
                inputs.put("position_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(positions), new long[] {1, n}));
                long[] emptyCache = {1, config.kvHeads(), 0, config.headDim()};
                for (int layer = 0; layer < config.layers(); layer++) {
                    for (String part : new String[] {"key", "value"}) {
                        inputs.put("past_key_values." + layer + "." + part,
                                OnnxTensor.createTensor(env, FloatBuffer.allocate(0), emptyCache));
                    }
                }
                try (OrtSession.Result result = session.run(inputs)) {
                    return ((float[][][]) result.get("logits").orElseThrow().getValue())[0];
                }
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }
}
