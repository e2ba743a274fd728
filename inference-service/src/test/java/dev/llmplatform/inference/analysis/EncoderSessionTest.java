package dev.llmplatform.inference.analysis;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The pretrained all-MiniLM-L6-v2: real sentence semantics, unit vectors, bidirectional attention. */
class EncoderSessionTest {

    private final EncoderSession encoder = MiniLm.session();

    @Test
    void shouldPlaceAParaphraseCloserThanAnUnrelatedSentence() {
        float[][] v = encoder.embed(MiniLm.encode(
                "A dog is running in the park", "A puppy plays outside", "The stock market fell today"));

        double paraphrase = dot(v[0], v[1]);
        double unrelated = dot(v[0], v[2]);
        assertThat(paraphrase).isGreaterThan(unrelated + 0.2);
    }

    @Test
    void shouldReturnUnitLengthVectorsOfTheModelsWidth() {
        float[][] v = encoder.embed(MiniLm.encode("short", "a somewhat longer sentence about embeddings"));

        for (float[] vector : v) {
            assertThat(vector).hasSize(384);
            assertThat(dot(vector, vector)).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void shouldEmbedAPaddedBatchAsItEmbedsEachInputAlone() {
        // 18 inputs of different lengths: padding inside a run, and two runs (at most 16 inputs each).
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 18; i++) {
            texts.add("sentence number " + i + " " + "with more words ".repeat(i % 5));
        }
        float[][] batched = encoder.embed(MiniLm.encode(texts.toArray(String[]::new)));

        for (int i = 0; i < texts.size(); i++) {
            float[] alone = encoder.embed(List.of(MiniLm.encode(texts.get(i))))[0];
            for (int d = 0; d < alone.length; d++) {
                assertThat(batched[i][d]).as("input %d dim %d", i, d).isCloseTo(alone[d], within(1e-4f));
            }
        }
    }

    @Test
    void shouldGiveEveryQueryAProbabilityRowOverKeysOnBothSides() {
        int[] ids = MiniLm.encode("The cat sat on the mat because it was tired");
        int n = ids.length;

        float[][][][] weights = encoder.attention(ids);

        assertThat(encoder.layers()).isEqualTo(6);
        assertThat(weights).hasNumberOfRows(6);
        for (float[][][] layer : weights) {
            assertThat(layer).hasNumberOfRows(12);
            double layerRightMass = 0;
            for (float[][] head : layer) {
                assertThat(head).hasNumberOfRows(n);
                double headRightMass = 0;
                for (int q = 0; q < n; q++) {
                    assertThat(head[q]).hasSize(n);
                    double sum = 0;
                    for (int k = 0; k < n; k++) {
                        assertThat(head[q][k]).isBetween(0f, 1f);
                        sum += head[q][k];
                        if (k > q) {
                            headRightMass += head[q][k];
                        }
                    }
                    // each weight rounded to 4 decimals: the row may be off by n · 0.00005
                    assertThat(sum).isCloseTo(1.0, within(n * 5e-5 + 1e-5));
                }
                layerRightMass += headRightMass;
            }
            // A causal model puts exactly nothing right of any query. Single heads may (MiniLM's layer 0
            // has a previous-token head), so the check is per layer.
            assertThat(layerRightMass / (12 * n)).as("share of a layer's attention looking right").isGreaterThan(0.05);
        }
    }

    @Test
    void shouldRoundAttentionToFourDecimals() {
        float[][][][] weights = encoder.attention(MiniLm.encode("round me"));

        for (float w : weights[3][7][1]) {
            assertThat(Math.abs(w * 10_000 - Math.round(w * 10_000))).isLessThan(1e-3f);
        }
    }

    static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
