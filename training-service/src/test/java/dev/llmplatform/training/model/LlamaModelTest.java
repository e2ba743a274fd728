package dev.llmplatform.training.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.llama.LlamaReference;
import dev.llmplatform.model.llama.LlamaWeights;
import dev.llmplatform.training.testing.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LlamaModelTest {

    private static Engine engine;

    @BeforeAll
    static void loadEngine() {
        engine = TorchRuntime.engine(0);
    }

    @Test
    void shouldMatchReferenceLogitsWithGroupedQueryAttentionAndSeparateHead() {
        ModelConfig config = ModelConfig.llama(2, 4, 2, 64, 96, 50, 24, 1, 2, false);
        assertMatchesReference(TestModels.random(config, 11, 0.2), TestModels.tokens(24, 50, 3));
    }

    @Test
    void shouldMatchReferenceLogitsWithTiedEmbedding() {
        ModelConfig config = ModelConfig.llama(2, 4, 4, 32, 64, 40, 16, 1, 2, true);
        assertMatchesReference(TestModels.random(config, 12, 0.2), TestModels.tokens(16, 40, 4));
    }

    @Test
    void shouldRoundTripLlamaWeightsExactly() {
        LlamaWeights weights = TestModels.random(ModelConfig.llama(1, 2, 1, 16, 32, 10, 8, 0, 0, false), 13, 0.1);
        try (NDManager root = engine.newBaseManager(); LlamaModel model = LlamaModel.fromLlamaWeights(root, weights)) {
            LlamaWeights back = model.toLlamaWeights();
            ParameterLayout.flatten(weights).forEach((name, values) ->
                    assertThat(ParameterLayout.flatten(back).get(name)).as(name).containsExactly(values));
        }
    }

    /** Backward agrees with central differences of the double-precision reference loss. */
    @Test
    void shouldComputeGradientsThatMatchFiniteDifferencesOfTheReference() {
        ModelConfig config = ModelConfig.llama(2, 4, 2, 32, 48, 24, 8, 0, 0, false);
        LlamaWeights weights = TestModels.random(config, 21, 0.1);
        int[][] inputs = {TestModels.tokens(8, 24, 5), TestModels.tokens(8, 24, 6)};
        int[][] targets = {TestModels.tokens(8, 24, 7), TestModels.tokens(8, 24, 8)};
        Map<String, float[]> gradients = new LinkedHashMap<>();
        double loss;
        try (NDManager root = engine.newBaseManager(); LlamaModel model = LlamaModel.fromLlamaWeights(root, weights)) {
            try (NDManager step = model.newStep()) {
                NDArray in = step.create(toLongs(inputs), new Shape(2, 8));
                NDArray out = step.create(toLongs(targets), new Shape(2, 8));
                try (GradientCollector collector = engine.newGradientCollector()) {
                    NDArray lossArray = model.loss(in, out);
                    collector.backward(lossArray);
                    loss = lossArray.getFloat();
                }
                model.parameters().forEach((name, p) -> gradients.put(name, p.getGradient().toFloatArray()));
            }
        }
        assertThat(loss).isCloseTo(referenceLoss(weights, inputs, targets), within(1e-5));

        Map<String, float[]> random = new LinkedHashMap<>();
        SplittableRandom generator = new SplittableRandom(9);
        gradients.forEach((name, g) -> {
            float[] r = new float[g.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = (float) generator.nextGaussian();
            }
            random.put(name, r);
        });
        for (Map<String, float[]> direction : List.of(gradients, random)) {
            double norm = Math.sqrt(direction.values().stream().mapToDouble(LlamaModelTest::sumOfSquares).sum());
            double epsilon = 1e-3;
            double numeric = (referenceLoss(shift(weights, direction, epsilon / norm), inputs, targets)
                    - referenceLoss(shift(weights, direction, -epsilon / norm), inputs, targets)) / (2 * epsilon);
            double analytic = dot(gradients, direction) / norm;
            assertThat(Math.abs(analytic)).isGreaterThan(1e-3);
            assertThat(numeric).isCloseTo(analytic, within(0.01 * Math.abs(analytic)));
        }
    }

    /** DESIGN §7 pitfall 1: a Java-number scalar freed by the GC before backward corrupts the gradients. */
    @Test
    void shouldKeepGradientsIntactWhenTheGarbageCollectorRunsBeforeBackward() {
        LlamaWeights weights = TestModels.random(ModelConfig.llama(2, 4, 2, 32, 48, 24, 8, 0, 0, true), 31, 0.1);
        int[][] inputs = {TestModels.tokens(8, 24, 1)};
        int[][] targets = {TestModels.tokens(8, 24, 2)};

        Map<String, float[]> undisturbed = gradients(weights, inputs, targets, false);
        Map<String, float[]> afterGc = gradients(weights, inputs, targets, true);

        undisturbed.forEach((name, expected) -> assertThat(afterGc.get(name)).as(name).containsExactly(expected));
    }

    private static Map<String, float[]> gradients(LlamaWeights weights, int[][] inputs, int[][] targets, boolean gc) {
        Map<String, float[]> gradients = new LinkedHashMap<>();
        try (NDManager root = engine.newBaseManager(); LlamaModel model = LlamaModel.fromLlamaWeights(root, weights);
             NDManager step = model.newStep()) {
            NDArray in = step.create(toLongs(inputs), new Shape(inputs.length, inputs[0].length));
            NDArray out = step.create(toLongs(targets), new Shape(targets.length, targets[0].length));
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDArray loss = model.loss(in, out);
                if (gc) {
                    for (int i = 0; i < 3; i++) {
                        System.gc();
                    }
                }
                collector.backward(loss);
            }
            model.parameters().forEach((name, p) -> gradients.put(name, p.getGradient().toFloatArray()));
        }
        return gradients;
    }

    private static void assertMatchesReference(LlamaWeights weights, int[] tokens) {
        float[][] expected = LlamaReference.logits(weights, tokens);
        float[][] actual;
        try (NDManager root = engine.newBaseManager(); LlamaModel model = LlamaModel.fromLlamaWeights(root, weights)) {
            actual = model.logits(tokens);
        }
        double maxLogit = 0;
        double maxDifference = 0;
        for (int t = 0; t < tokens.length; t++) {
            for (int v = 0; v < expected[t].length; v++) {
                maxLogit = Math.max(maxLogit, Math.abs(expected[t][v]));
                maxDifference = Math.max(maxDifference, Math.abs(actual[t][v] - expected[t][v]));
                assertThat(actual[t][v]).as("position %d token %d", t, v).isCloseTo(expected[t][v], within(1e-4f));
            }
        }
        System.out.printf("DJL vs reference: max |logit| %.3f, max difference %.2e%n", maxLogit, maxDifference);
        assertThat(maxLogit).as("logits large enough for the comparison to mean something").isGreaterThan(1.0);
    }

    /** Mean next-token cross-entropy from the reference's logits, in double. */
    private static double referenceLoss(LlamaWeights weights, int[][] inputs, int[][] targets) {
        double sum = 0;
        int count = 0;
        for (int row = 0; row < inputs.length; row++) {
            float[][] logits = LlamaReference.logits(weights, inputs[row]);
            for (int t = 0; t < logits.length; t++) {
                double max = Double.NEGATIVE_INFINITY;
                for (float logit : logits[t]) {
                    max = Math.max(max, logit);
                }
                double z = 0;
                for (float logit : logits[t]) {
                    z += Math.exp(logit - max);
                }
                sum -= logits[t][targets[row][t]] - max - Math.log(z);
                count++;
            }
        }
        return sum / count;
    }

    private static LlamaWeights shift(LlamaWeights weights, Map<String, float[]> direction, double scale) {
        Map<String, float[]> shifted = new LinkedHashMap<>();
        ParameterLayout.flatten(weights).forEach((name, values) -> {
            float[] d = direction.get(name);
            float[] moved = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                moved[i] = (float) (values[i] + scale * d[i]);
            }
            shifted.put(name, moved);
        });
        return ParameterLayout.assemble(weights.config(), shifted);
    }

    private static double dot(Map<String, float[]> a, Map<String, float[]> b) {
        double sum = 0;
        for (Map.Entry<String, float[]> entry : a.entrySet()) {
            float[] other = b.get(entry.getKey());
            for (int i = 0; i < other.length; i++) {
                sum += (double) entry.getValue()[i] * other[i];
            }
        }
        return sum;
    }

    private static double sumOfSquares(float[] values) {
        double sum = 0;
        for (float value : values) {
            sum += (double) value * value;
        }
        return sum;
    }

    private static long[] toLongs(int[][] rows) {
        long[] flat = new long[rows.length * rows[0].length];
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < rows[r].length; c++) {
                flat[r * rows[r].length + c] = rows[r][c];
            }
        }
        return flat;
    }
}
