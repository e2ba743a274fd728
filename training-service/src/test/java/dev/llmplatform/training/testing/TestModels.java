package dev.llmplatform.training.testing;

import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.llama.LlamaWeights;
import dev.llmplatform.training.model.ParameterLayout;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Weights for comparison tests: larger than an initialiser's, so logits differ clearly per token and position. */
public final class TestModels {

    private TestModels() {
    }

    /** Matrices ~ N(0, std²), norm weights ~ 1 ± 0.5, so every tensor's role shows in the logits. */
    public static LlamaWeights random(ModelConfig config, long seed, double std) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, float[]> values = new LinkedHashMap<>();
        ParameterLayout.shapes(config).forEach((name, shape) -> {
            long size = 1;
            for (long dim : shape) {
                size *= dim;
            }
            float[] tensor = new float[Math.toIntExact(size)];
            for (int i = 0; i < tensor.length; i++) {
                tensor[i] = ParameterLayout.isMatrix(shape)
                        ? (float) (random.nextGaussian() * std)
                        : (float) (1 + random.nextDouble(-0.5, 0.5));
            }
            values.put(name, tensor);
        });
        return ParameterLayout.assemble(config, values);
    }

    public static int[] tokens(int count, int vocabSize, long seed) {
        return new SplittableRandom(seed).ints(count, 0, vocabSize).toArray();
    }
}
