package dev.llmplatform.model.llama;

import dev.llmplatform.model.ModelConfig;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RandomLlamaTest {

    private static final ModelConfig CONFIG = ModelConfig.llama(2, 4, 2, 32, 64, 50, 128, 1, 2, false);

    @Test
    void shouldGiveIdenticalWeightsForTheSameSeed() {
        LlamaWeights first = RandomLlama.create(CONFIG, 42);
        LlamaWeights second = RandomLlama.create(CONFIG, 42);

        assertThat(first.embedding()).isEqualTo(second.embedding());
        assertThat(first.lmHead()).isEqualTo(second.lmHead());
        for (int i = 0; i < CONFIG.layers(); i++) {
            LlamaWeights.Layer a = first.layers().get(i);
            LlamaWeights.Layer b = second.layers().get(i);
            assertThat(a.wq()).isEqualTo(b.wq());
            assertThat(a.wk()).isEqualTo(b.wk());
            assertThat(a.wv()).isEqualTo(b.wv());
            assertThat(a.wo()).isEqualTo(b.wo());
            assertThat(a.wGate()).isEqualTo(b.wGate());
            assertThat(a.wUp()).isEqualTo(b.wUp());
            assertThat(a.wDown()).isEqualTo(b.wDown());
        }
    }

    @Test
    void shouldGiveDifferentWeightsForDifferentSeeds() {
        LlamaWeights first = RandomLlama.create(CONFIG, 42);
        LlamaWeights second = RandomLlama.create(CONFIG, 43);

        assertThat(first.embedding()).isNotEqualTo(second.embedding());
        assertThat(first.layers().get(1).wDown()).isNotEqualTo(second.layers().get(1).wDown());
        assertThat(first.lmHead()).isNotEqualTo(second.lmHead());
    }

    @Test
    void shouldDrawMatricesWithStd002AndSetNormsToOne() {
        LlamaWeights weights = RandomLlama.create(CONFIG, 5);

        float[] embedding = weights.embedding();
        double mean = 0;
        double squares = 0;
        for (float v : embedding) {
            mean += v;
            squares += (double) v * v;
        }
        mean /= embedding.length;
        double std = Math.sqrt(squares / embedding.length - mean * mean);
        assertThat(mean).isCloseTo(0, within(0.002));
        assertThat(std).isCloseTo(RandomLlama.STD, within(0.001));
        // Tensors are drawn one after another, so no two are copies of each other.
        assertThat(weights.layers().get(0).wk()).isNotEqualTo(weights.layers().get(0).wv());

        float[] ones = new float[CONFIG.hidden()];
        Arrays.fill(ones, 1f);
        assertThat(weights.finalNorm()).isEqualTo(ones);
        assertThat(weights.layers().get(1).inputNorm()).isEqualTo(ones);
        assertThat(weights.layers().get(1).postAttentionNorm()).isEqualTo(ones);
    }

    @Test
    void shouldLeaveLmHeadNullWhenTied() {
        ModelConfig tied = ModelConfig.llama(1, 2, 2, 8, 16, 10, 32, 1, 2, true);

        assertThat(RandomLlama.create(tied, 1).lmHead()).isNull();
    }
}
