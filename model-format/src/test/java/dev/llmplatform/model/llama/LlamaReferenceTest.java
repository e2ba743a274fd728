package dev.llmplatform.model.llama;

import dev.llmplatform.model.ModelConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Checks the reference against facts that do not come from the reference itself. */
class LlamaReferenceTest {

    private static final int[] TOKENS = {3, 17, 42, 8, 0, 49};

    @Test
    void shouldRotateDimensionIWithIPlusHalfHeadDim() {
        // Head dim 4: pairs (0,2) and (1,3); at position 1 they turn by 1 rad and theta^(-1/2) rad.
        double[][] x = {{0, 0, 0, 0}, {1, 0, 0, 0}, {0, 1, 0, 0}};
        double[][] atPositionOne = {x[0], x[1]};
        LlamaReference.rope(atPositionOne, 1, 4, 10000);
        assertThat(atPositionOne[1]).containsExactly(new double[] {Math.cos(1), 0, Math.sin(1), 0}, within(1e-12));

        double[][] second = {x[0], x[2].clone()};
        LlamaReference.rope(second, 1, 4, 10000);
        assertThat(second[1]).containsExactly(new double[] {0, Math.cos(0.01), 0, Math.sin(0.01)}, within(1e-12));
    }

    @Test
    void shouldMakeRotatedDotProductsDependOnlyOnRelativePosition() {
        double[] q = {0.3, -1.2, 0.7, 2.0, 0.1, 0.5, -0.4, 0.9};
        double[] k = {1.1, 0.2, -0.6, 0.4, -1.5, 0.8, 0.3, -0.2};

        assertThat(rotatedDot(q, 5, k, 2)).isCloseTo(rotatedDot(q, 13, k, 10), within(1e-9));
        assertThat(rotatedDot(q, 5, k, 2)).isNotCloseTo(rotatedDot(q, 5, k, 3), within(1e-3));
    }

    @Test
    void shouldNormaliseByRootMeanSquare() {
        double[][] out = LlamaReference.rmsNorm(new double[][] {{3, 4}}, new float[] {1, 2}, 0);

        double rms = Math.sqrt(12.5);
        assertThat(out[0]).containsExactly(new double[] {3 / rms, 8 / rms}, within(1e-12));
    }

    @Test
    void shouldNotLetEarlierPositionsSeeLaterTokens() {
        LlamaWeights weights = RandomLlama.create(ModelConfig.llama(2, 4, 2, 32, 64, 50, 128, 1, 2, false), 3);
        float[][] full = LlamaReference.logits(weights, TOKENS);
        int[] changedTail = TOKENS.clone();
        changedTail[5] = 1;
        float[][] changed = LlamaReference.logits(weights, changedTail);

        for (int t = 0; t < 5; t++) {
            assertThat(changed[t]).containsExactly(full[t]);
        }
        assertThat(changed[5]).isNotEqualTo(full[5]);
    }

    @Test
    void shouldGiveEachKvHeadToConsecutiveQueryHeads() {
        // GQA with 2 kv heads for 4 query heads equals full multi-head attention whose kv heads 0,1,2,3
        // are copies of GQA heads 0,0,1,1.
        ModelConfig gqa = ModelConfig.llama(2, 4, 2, 32, 64, 50, 128, 1, 2, false);
        ModelConfig mha = ModelConfig.llama(2, 4, 4, 32, 64, 50, 128, 1, 2, false);
        LlamaWeights grouped = RandomLlama.create(gqa, 9);
        List<LlamaWeights.Layer> layers = new ArrayList<>();
        for (LlamaWeights.Layer l : grouped.layers()) {
            layers.add(new LlamaWeights.Layer(l.inputNorm(), l.wq(), repeatHeads(l.wk()), repeatHeads(l.wv()), l.wo(),
                    l.postAttentionNorm(), l.wGate(), l.wUp(), l.wDown()));
        }
        LlamaWeights full = new LlamaWeights(mha, grouped.embedding(), layers, grouped.finalNorm(), grouped.lmHead());

        float[][] expected = LlamaReference.logits(full, TOKENS);
        float[][] actual = LlamaReference.logits(grouped, TOKENS);
        for (int t = 0; t < TOKENS.length; t++) {
            assertThat(actual[t]).containsExactly(expected[t], within(1e-6f));
        }
    }

    @Test
    void shouldUseTransposedEmbeddingAsTiedHead() {
        ModelConfig tiedConfig = ModelConfig.llama(1, 4, 2, 32, 64, 50, 128, 1, 2, true);
        ModelConfig untiedConfig = ModelConfig.llama(1, 4, 2, 32, 64, 50, 128, 1, 2, false);
        LlamaWeights tied = RandomLlama.create(tiedConfig, 4);
        float[] transposed = new float[32 * 50];
        for (int v = 0; v < 50; v++) {
            for (int j = 0; j < 32; j++) {
                transposed[j * 50 + v] = tied.embedding()[v * 32 + j];
            }
        }
        LlamaWeights untied = new LlamaWeights(untiedConfig, tied.embedding(), tied.layers(), tied.finalNorm(), transposed);

        float[][] expected = LlamaReference.logits(untied, TOKENS);
        float[][] actual = LlamaReference.logits(tied, TOKENS);
        for (int t = 0; t < TOKENS.length; t++) {
            assertThat(actual[t]).containsExactly(expected[t], within(1e-6f));
        }
    }

    @Test
    void shouldGiveAttentionRowsThatSumToOneOverPastKeysOnly() {
        LlamaWeights weights = RandomLlama.create(ModelConfig.llama(1, 4, 2, 32, 64, 50, 128, 1, 2, false), 8);
        float[][] probs = LlamaReference.forward(weights, TOKENS).attentions()[0][3];

        for (int s = 0; s < TOKENS.length; s++) {
            double sum = 0;
            for (int t = 0; t < TOKENS.length; t++) {
                sum += probs[s][t];
                if (t > s) {
                    assertThat(probs[s][t]).isZero();
                }
            }
            assertThat(sum).isCloseTo(1, within(1e-6));
        }
        assertThat(probs[0][0]).isEqualTo(1f);
    }

    /** Duplicates each 8-wide kv-head block of a [32, 16] matrix into a [32, 32] matrix: heads 0,0,1,1. */
    private static float[] repeatHeads(float[] w) {
        float[] out = new float[32 * 32];
        for (int row = 0; row < 32; row++) {
            for (int head = 0; head < 4; head++) {
                System.arraycopy(w, row * 16 + (head / 2) * 8, out, row * 32 + head * 8, 8);
            }
        }
        return out;
    }

    private static double rotatedDot(double[] q, int qPosition, double[] k, int kPosition) {
        double[][] qs = new double[qPosition + 1][];
        double[][] ks = new double[kPosition + 1][];
        Arrays.setAll(qs, i -> q.clone());
        Arrays.setAll(ks, i -> k.clone());
        LlamaReference.rope(qs, 1, q.length, 10000);
        LlamaReference.rope(ks, 1, k.length, 10000);
        double dot = 0;
        for (int j = 0; j < q.length; j++) {
            dot += qs[qPosition][j] * ks[kPosition][j];
        }
        return dot;
    }
}
