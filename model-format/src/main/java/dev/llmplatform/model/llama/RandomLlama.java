package dev.llmplatform.model.llama;

import dev.llmplatform.model.ModelConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded random weights for a decoder (same seed, same weights): matrices drawn from a normal
 * distribution with standard deviation 0.02 (GPT-2 / Llama initialiser), norm weights set to 1.
 * The tensors are drawn in a fixed order from one generator, so the result depends only on the
 * config and the seed.
 */
public final class RandomLlama {

    /** Standard deviation of the matrix initialiser, as in Hugging Face's {@code initializer_range}. */
    public static final double STD = 0.02;

    private RandomLlama() {
    }

    public static LlamaWeights create(ModelConfig config, long seed) {
        return create(config, seed, STD);
    }

    /**
     * Same, with another standard deviation; tests use a larger one so attention is sharp and a
     * wrong mask or rotation changes the logits by far more than rounding does.
     */
    public static LlamaWeights create(ModelConfig config, long seed, double std) {
        SplittableRandom random = new SplittableRandom(seed);
        int h = config.hidden();
        int kv = config.kvHeads() * config.headDim();
        int inter = config.intermediate();
        long vocab = config.vocabSize();

        float[] embedding = normal(random, std, vocab * h);
        List<LlamaWeights.Layer> layers = new ArrayList<>(config.layers());
        for (int i = 0; i < config.layers(); i++) {
            layers.add(new LlamaWeights.Layer(
                    ones(h),
                    normal(random, std, (long) h * h),
                    normal(random, std, (long) h * kv),
                    normal(random, std, (long) h * kv),
                    normal(random, std, (long) h * h),
                    ones(h),
                    normal(random, std, (long) h * inter),
                    normal(random, std, (long) h * inter),
                    normal(random, std, (long) inter * h)));
        }
        float[] lmHead = config.tieWordEmbeddings() ? null : normal(random, std, h * vocab);
        return new LlamaWeights(config, embedding, layers, ones(h), lmHead);
    }

    private static float[] normal(SplittableRandom random, double std, long size) {
        float[] values = new float[Math.toIntExact(size)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
        return values;
    }

    private static float[] ones(int size) {
        float[] values = new float[size];
        Arrays.fill(values, 1f);
        return values;
    }
}
