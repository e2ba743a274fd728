package dev.llmplatform.training.loop;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.training.model.LlamaModel;
import dev.llmplatform.training.model.ParameterLayout;
import dev.llmplatform.training.model.TorchRuntime;
import dev.llmplatform.training.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** AdamW in NDArrays against the textbook update written out in plain Java doubles. */
class AdamWTest {

    private static final ModelConfig CONFIG = ModelConfig.llama(1, 2, 1, 16, 32, 12, 8, 0, 0, false);
    private final TrainingConfig settings = TrainingConfig.defaults(10, 2, 8, 1e-2, 1);

    @Test
    void shouldMatchTextbookAdamWWithGlobalNormClippingOverTwoUpdates() {
        Engine engine = TorchRuntime.engine(0);
        TorchRuntime.disableGradientsOnThisThread();
        try (NDManager root = engine.newBaseManager();
             LlamaModel model = LlamaModel.fromLlamaWeights(root, TestModels.random(CONFIG, 3, 0.3));
             AdamW adamW = new AdamW(model, settings)) {
            Map<String, double[]> params = snapshot(model);
            Map<String, double[]> m = zerosLike(params);
            Map<String, double[]> v = zerosLike(params);
            for (int t = 1; t <= 2; t++) {
                Map<String, double[]> grads = backward(engine, model, t);
                double norm = Math.sqrt(grads.values().stream().flatMapToDouble(Arrays::stream)
                        .map(g -> g * g).sum());
                double clipTo = norm / 2; // forces clipping: every gradient is halved
                double lr = 0.01;

                double reported = adamW.update(model, lr, clipTo);

                assertThat(reported).isCloseTo(norm, within(1e-4 * norm));
                double scale = clipTo / (norm + 1e-6);
                for (String name : params.keySet()) {
                    boolean decays = ParameterLayout.isMatrix(model.parameters().get(name).getShape().getShape());
                    double[] p = params.get(name);
                    for (int i = 0; i < p.length; i++) {
                        double g = grads.get(name)[i] * scale;
                        m.get(name)[i] = 0.9 * m.get(name)[i] + 0.1 * g;
                        v.get(name)[i] = 0.95 * v.get(name)[i] + 0.05 * g * g;
                        double mHat = m.get(name)[i] / (1 - Math.pow(0.9, t));
                        double vHat = v.get(name)[i] / (1 - Math.pow(0.95, t));
                        p[i] = p[i] * (decays ? 1 - lr * 0.1 : 1) - lr * mHat / (Math.sqrt(vHat) + 1e-8);
                    }
                }
                Map<String, double[]> actual = snapshot(model);
                for (String name : params.keySet()) {
                    double[] expected = params.get(name);
                    for (int i = 0; i < expected.length; i++) {
                        assertThat(actual.get(name)[i]).as("%s[%d] after update %d", name, i, t)
                                .isCloseTo(expected[i], within(2e-6));
                    }
                    params.put(name, actual.get(name)); // continue from the engine's float32 values
                }
            }
            model.parameters().values().forEach(p ->
                    assertThat(p.getGradient().abs().max().getFloat()).as("gradients zeroed").isZero());
            assertThat(adamW.state().updates()).isEqualTo(2);
        }
    }

    private static Map<String, double[]> backward(Engine engine, LlamaModel model, int seed) {
        try (NDManager step = model.newStep()) {
            NDArray inputs = step.create(toLongs(TestModels.tokens(16, 12, seed)), new Shape(2, 8));
            NDArray targets = step.create(toLongs(TestModels.tokens(16, 12, seed + 100)), new Shape(2, 8));
            try (GradientCollector collector = engine.newGradientCollector()) {
                collector.backward(model.loss(inputs, targets));
            }
            Map<String, double[]> grads = new LinkedHashMap<>();
            model.parameters().forEach((name, p) -> grads.put(name, toDoubles(p.getGradient().toFloatArray())));
            return grads;
        }
    }

    private static Map<String, double[]> snapshot(LlamaModel model) {
        Map<String, double[]> values = new LinkedHashMap<>();
        model.parameters().forEach((name, p) -> values.put(name, toDoubles(p.toFloatArray())));
        return values;
    }

    private static Map<String, double[]> zerosLike(Map<String, double[]> values) {
        Map<String, double[]> zeros = new LinkedHashMap<>();
        values.forEach((name, v) -> zeros.put(name, new double[v.length]));
        return zeros;
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static long[] toLongs(int[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
