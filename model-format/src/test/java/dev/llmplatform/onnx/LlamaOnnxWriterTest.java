package dev.llmplatform.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.llama.LlamaReference;
import dev.llmplatform.model.llama.LlamaWeights;
import dev.llmplatform.model.llama.RandomLlama;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LlamaOnnxWriterTest {

    private static final float TOLERANCE = 1e-4f;
    private static final int[] TOKENS = {3, 17, 42, 8, 0, 49, 25, 11};

    /** 2 layers, hidden 32, 4 heads sharing 2 kv heads (GQA), head dim 8, vocab 50. */
    static ModelConfig tinyConfig(boolean tied) {
        return ModelConfig.llama(2, 4, 2, 32, 64, 50, 128, 1, 2, tied);
    }

    /**
     * Weights with std 0.3 and uneven norm weights: attention is sharp, so a wrong mask, rotation
     * or head mapping moves the logits far beyond the tolerance (with std 0.02 it is nearly uniform).
     */
    static LlamaWeights sharpWeights(boolean tied, long seed) {
        LlamaWeights weights = RandomLlama.create(tinyConfig(tied), seed, 0.3);
        SplittableRandom random = new SplittableRandom(seed);
        List<float[]> norms = new ArrayList<>(List.of(weights.finalNorm()));
        weights.layers().forEach(l -> norms.addAll(List.of(l.inputNorm(), l.postAttentionNorm())));
        for (float[] norm : norms) {
            for (int i = 0; i < norm.length; i++) {
                norm[i] = (float) random.nextDouble(0.5, 1.5);
            }
        }
        return weights;
    }

    static OrtDecoder decoder(LlamaWeights weights, LlamaOnnxWriter.Options options) throws OrtException {
        ModelConfig c = weights.config();
        return new OrtDecoder(LlamaOnnxWriter.toBytes(weights, options), c.layers(), c.kvHeads(), c.headDim());
    }

    @ParameterizedTest(name = "tied head = {0}")
    @ValueSource(booleans = {true, false})
    void shouldMatchReferenceLogitsInOnnxRuntime(boolean tied) throws OrtException {
        LlamaWeights weights = sharpWeights(tied, 7);
        float[][] expected = LlamaReference.logits(weights, TOKENS);

        try (OrtDecoder ort = decoder(weights, LlamaOnnxWriter.Options.DEFAULT)) {
            OrtDecoder.Step step = ort.run(new long[][] {longs(TOKENS)}, new long[][] {ones(TOKENS.length)},
                    new long[][] {range(0, TOKENS.length)}, ort.emptyCache(1));

            assertClose(expected, step.logits()[0], "logits");
            assertThat(step.present().length()).isEqualTo(TOKENS.length);
            assertThat(step.present().keys().getFirst()).hasSize(2 * TOKENS.length * 8);
        }
    }

    @Test
    void shouldDecodeWithKvCacheLikeOneFullPass() throws OrtException {
        LlamaWeights weights = sharpWeights(false, 11);
        float[][] expected = LlamaReference.logits(weights, TOKENS);

        try (OrtDecoder ort = decoder(weights, LlamaOnnxWriter.Options.DEFAULT)) {
            OrtDecoder.Step full = ort.run(new long[][] {longs(TOKENS)}, new long[][] {ones(TOKENS.length)},
                    new long[][] {range(0, TOKENS.length)}, ort.emptyCache(1));
            // A 3-token prefill, a 2-token chunk on top of a cache, then one token at a time.
            int[] chunkEnds = {3, 5, 6, 7, 8};
            OrtDecoder.Cache cache = ort.emptyCache(1);
            int start = 0;
            for (int end : chunkEnds) {
                OrtDecoder.Step step = ort.run(new long[][] {longs(Arrays.copyOfRange(TOKENS, start, end))},
                        new long[][] {ones(end)}, new long[][] {range(start, end)}, cache);
                assertClose(Arrays.copyOfRange(expected, start, end), step.logits()[0], "logits of tokens " + start + ".." + end);
                cache = step.present();
                start = end;
            }
            assertThat(cache.length()).isEqualTo(TOKENS.length);
            for (int layer = 0; layer < 2; layer++) {
                assertClose(full.present().keys().get(layer), cache.keys().get(layer), "present key of layer " + layer);
                assertClose(full.present().values().get(layer), cache.values().get(layer), "present value of layer " + layer);
            }
        }
    }

    @Test
    void shouldBatchLeftPaddedSequencesLikeEachAlone() throws OrtException {
        LlamaWeights weights = sharpWeights(true, 13);
        int[] a = {5, 9, 31, 2, 44, 19, 7};
        int[] b = {21, 3, 38, 12, 40};
        int pad = 3;

        try (OrtDecoder ort = decoder(weights, LlamaOnnxWriter.Options.DEFAULT)) {
            // Prefill: b is left-padded with token 0; its padding positions are 0, its real tokens 0..2.
            long[][] ids = {longs(Arrays.copyOf(a, 5)), {0, 0, 0, b[0], b[1]}};
            long[][] mask = {ones(5), {0, 0, 0, 1, 1}};
            long[][] positions = {range(0, 5), {0, 0, 0, 0, 1}};
            OrtDecoder.Step step = ort.run(ids, mask, positions, ort.emptyCache(2));
            assertFinite(step.logits());
            assertClose(LlamaReference.logits(weights, Arrays.copyOf(a, 5)), step.logits()[0], "a prefill");
            assertClose(LlamaReference.logits(weights, Arrays.copyOf(b, 2)),
                    Arrays.copyOfRange(step.logits()[1], pad, 5), "b prefill");

            // Decode steps: both sequences grow by one token; b's padding stays in the cache, masked.
            long[] rowA = ones(5);
            long[] rowB = {0, 0, 0, 1, 1};
            for (int i = 5; i < a.length; i++) {
                int bLength = i - pad;
                rowA = append(rowA, 1);
                rowB = append(rowB, 1);
                step = ort.run(new long[][] {{a[i]}, {b[bLength]}}, new long[][] {rowA, rowB},
                        new long[][] {{i}, {bLength}}, step.present());
                float[][] expectedA = LlamaReference.logits(weights, Arrays.copyOf(a, i + 1));
                float[][] expectedB = LlamaReference.logits(weights, Arrays.copyOf(b, bLength + 1));
                assertClose(new float[][] {expectedA[i]}, step.logits()[0], "a at " + i);
                assertClose(new float[][] {expectedB[bLength]}, step.logits()[1], "b at " + bLength);
            }
        }
    }

    @Test
    void shouldOutputAttentionProbabilitiesWhenRequested() throws OrtException {
        LlamaWeights weights = sharpWeights(false, 17);
        int[] tokens = {4, 8, 15, 16, 23};
        LlamaReference.Forward reference = LlamaReference.forward(weights, Arrays.copyOf(tokens, 4));

        try (OrtDecoder ort = decoder(weights, new LlamaOnnxWriter.Options(true))) {
            // Row 1 is left-padded by one and has one token fewer.
            long[][] mask = {ones(4), {0, 1, 1, 1}};
            OrtDecoder.Step prefill = ort.run(new long[][] {longs(Arrays.copyOf(tokens, 4)), {0, 4, 8, 15}}, mask,
                    new long[][] {range(0, 4), {0, 0, 1, 2}}, ort.emptyCache(2));
            assertThat(prefill.attentions()).hasSize(2);
            for (int layer = 0; layer < 2; layer++) {
                float[][][][] probs = prefill.attentions().get(layer);
                for (int head = 0; head < 4; head++) {
                    assertClose(reference.attentions()[layer][head], probs[0][head], "attentions of layer " + layer);
                    // Query 0 of row 1 is padding and sees no key: its weights must still be finite.
                    assertFinite(new float[][][] {probs[1][head]});
                    for (int s = 1; s < 4; s++) {
                        float[] row = probs[1][head][s];
                        assertThat(row[0]).as("padding key").isZero();
                        for (int t = s + 1; t < 4; t++) {
                            assertThat(row[t]).as("future key").isZero();
                        }
                        assertThat(sum(row)).isCloseTo(1f, within(1e-5f));
                    }
                }
            }
            OrtDecoder.Step next = ort.run(new long[][] {{tokens[4]}, {tokens[3]}},
                    new long[][] {ones(5), {0, 1, 1, 1, 1}}, new long[][] {{4}, {3}}, prefill.present());
            float[][][][] probs = next.attentions().getFirst();
            assertThat(probs[0][0][0]).hasSize(5);
            assertThat(probs[1][2][0][0]).isZero();
            assertThat(sum(probs[1][2][0])).isCloseTo(1f, within(1e-5f));
        }
    }

    @Test
    void shouldDeclareOptimumNamesAndProducerMetadata(@TempDir Path dir) throws Exception {
        LlamaWeights weights = sharpWeights(true, 1);
        Path file = dir.resolve("model.onnx");
        LlamaOnnxWriter.write(weights, file, LlamaOnnxWriter.Options.DEFAULT);
        assertArrayEquals(LlamaOnnxWriter.toBytes(weights, LlamaOnnxWriter.Options.DEFAULT), Files.readAllBytes(file));

        try (OrtDecoder ort = new OrtDecoder(Files.readAllBytes(file), 2, 2, 8)) {
            OrtSession session = ort.session();
            assertThat(session.getInputNames()).containsExactlyInAnyOrder("input_ids", "attention_mask", "position_ids",
                    "past_key_values.0.key", "past_key_values.0.value", "past_key_values.1.key", "past_key_values.1.value");
            assertThat(session.getOutputNames()).isEqualTo(Set.of("logits", "present.0.key", "present.0.value",
                    "present.1.key", "present.1.value"));
            assertThat(session.getMetadata().getProducerName()).isEqualTo("llm-platform");
            assertThat(session.getMetadata().getCustomMetadata()).containsEntry("num_key_value_heads", "2");
        }
    }

    static void assertClose(float[][] expected, float[][] actual, String what) {
        assertThat(actual.length).as(what + " rows").isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertClose(expected[i], actual[i], what + " row " + i);
        }
    }

    static void assertClose(float[] expected, float[] actual, String what) {
        assertThat(actual.length).as(what + " length").isEqualTo(expected.length);
        float maxDiff = 0;
        for (int i = 0; i < expected.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(maxDiff <= TOLERANCE, what + ": max abs diff " + maxDiff);
    }

    private static void assertFinite(float[][][] values) {
        for (float[][] matrix : values) {
            for (float[] row : matrix) {
                for (float v : row) {
                    assertTrue(Float.isFinite(v), "non-finite value");
                }
            }
        }
    }

    private static float sum(float[] row) {
        float s = 0;
        for (float v : row) {
            s += v;
        }
        return s;
    }

    static long[] longs(int[] values) {
        return Arrays.stream(values).asLongStream().toArray();
    }

    static long[] ones(int n) {
        long[] out = new long[n];
        Arrays.fill(out, 1);
        return out;
    }

    static long[] range(int from, int to) {
        long[] out = new long[to - from];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i;
        }
        return out;
    }

    private static long[] append(long[] row, long value) {
        long[] out = Arrays.copyOf(row, row.length + 1);
        out[row.length] = value;
        return out;
    }
}
