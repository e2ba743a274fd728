package dev.llmplatform.inference.engine.onnx;

import dev.llmplatform.inference.engine.kv.KvCache;
import dev.llmplatform.inference.testing.TinyLlama;
import dev.llmplatform.model.llama.LlamaReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The ONNX step against full recomputation, the plain-Java reference and single-sequence runs. */
class OnnxDecoderTest {

    private static final double TOLERANCE = 1e-4;
    private static final int[] SEQUENCE = {1, 17, 42, 5, 63, 8, 8, 30, 2, 11, 50, 7};

    private static OnnxDecoder decoder;

    @BeforeAll
    static void load() {
        decoder = TinyLlama.decoder();
    }

    @AfterAll
    static void close() {
        decoder.close();
    }

    @Test
    void shouldReadTheShapeFromTheGraphAndConfig() {
        DecoderGraph graph = decoder.graph();
        assertThat(graph.layers()).isEqualTo(2);
        assertThat(graph.kvHeads()).isEqualTo(2);
        assertThat(graph.headDim()).isEqualTo(8);
        assertThat(graph.vocabSize()).isEqualTo(64);
        assertThat(graph.contextLength()).isEqualTo(64);
        assertThat(decoder.device()).isEqualTo(ExecutionDevice.CPU);
        assertThat(decoder.kvBytesPerToken()).isEqualTo(2L * 2 * 2 * 8 * 4);
    }

    @Test
    void shouldRunOnWhateverAutoFindsWithTheSameLogits() {
        try (OnnxDecoder auto = OnnxDecoder.fromBytes(TinyLlama.onnx(), TinyLlama.CONFIG,
                new DecoderOptions(ExecutionDevice.AUTO, 1, 0))) {
            // The CPU artifact has no CUDA provider: auto must fall back instead of failing.
            assertThat(auto.device()).isIn(ExecutionDevice.CPU, ExecutionDevice.CUDA);
            float[][] logits = auto.step(List.of(auto.newCache(SEQUENCE.length)), List.of(SEQUENCE), true)[0];
            assertThat(maxAbsDiff(logits, forwardAll(SEQUENCE))).isLessThanOrEqualTo(TOLERANCE);
        }
    }

    @Test
    void shouldMatchThePlainJavaReferenceOnAFullForward() {
        float[][] onnx = forwardAll(SEQUENCE);
        float[][] reference = LlamaReference.logits(TinyLlama.WEIGHTS, SEQUENCE);
        assertThat(maxAbsDiff(onnx, reference)).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void shouldDecodeStepByStepLikeOneFullForward() {
        float[][] full = forwardAll(SEQUENCE);
        KvCache cache = decoder.newCache(SEQUENCE.length);
        int prompt = 5;
        float[][] incremental = new float[SEQUENCE.length][];
        float[][] prefill = decoder.step(List.of(cache), List.of(Arrays.copyOf(SEQUENCE, prompt)), true)[0];
        System.arraycopy(prefill, 0, incremental, 0, prompt);
        for (int i = prompt; i < SEQUENCE.length; i++) {
            incremental[i] = decoder.step(List.of(cache), List.of(new int[]{SEQUENCE[i]}), false)[0][0];
        }
        assertThat(cache.length()).isEqualTo(SEQUENCE.length);
        assertThat(maxAbsDiff(incremental, full)).isLessThanOrEqualTo(TOLERANCE);
        assertThat(maxAbsDiff(incremental, LlamaReference.logits(TinyLlama.WEIGHTS, SEQUENCE))).isLessThanOrEqualTo(TOLERANCE);
        // The check has teeth: logits differ clearly from position to position.
        assertThat(maxAbsDiff(new float[][]{full[3]}, new float[][]{full[4]})).isGreaterThan(100 * TOLERANCE);
    }

    @Test
    void shouldGiveEachSequenceOfALeftPaddedBatchTheLogitsItGetsAlone() {
        int[] longPrompt = {3, 9, 27, 81 % 64, 4, 16, 1};
        int[] shortPrompt = {60, 2, 33};
        int[][] next = {{5, 6, 7, 8}, {40, 41, 42, 43}};

        KvCache longCache = decoder.newCache(32);
        KvCache shortCache = decoder.newCache(32);
        decoder.step(List.of(longCache), List.of(longPrompt), false);
        decoder.step(List.of(shortCache), List.of(shortPrompt), false);
        float[][][] batched = new float[2][next[0].length][];
        for (int j = 0; j < next[0].length; j++) {
            float[][][] logits = decoder.step(List.of(longCache, shortCache),
                    List.of(new int[]{next[0][j]}, new int[]{next[1][j]}), false);
            batched[0][j] = logits[0][0];
            batched[1][j] = logits[1][0];
        }
        float[][] longAlone = forwardAll(concat(longPrompt, next[0]));
        float[][] shortAlone = forwardAll(concat(shortPrompt, next[1]));
        assertThat(maxAbsDiff(batched[0], Arrays.copyOfRange(longAlone, longPrompt.length, longAlone.length)))
                .isLessThanOrEqualTo(TOLERANCE);
        assertThat(maxAbsDiff(batched[1], Arrays.copyOfRange(shortAlone, shortPrompt.length, shortAlone.length)))
                .isLessThanOrEqualTo(TOLERANCE);
        assertThat(longCache.length()).isEqualTo(longPrompt.length + 4);
        assertThat(shortCache.length()).isEqualTo(shortPrompt.length + 4);
    }

    @Test
    void shouldGiveTheSameLogitsWhetherThePastIsFedBackOrRebuiltWhenTheBatchChanges() {
        int[] a = {3, 9, 27, 4, 16, 1};
        int[] b = {60, 2, 33};
        int[] c = {7, 7, 12, 50};
        int[] nextA = {5, 6, 7, 8, 9, 10};
        int[] nextB = {40, 41, 42, 43, 44, 45};
        int[] nextC = {20, 21, 22};
        KvCache ca = decoder.newCache(32);
        KvCache cb = decoder.newCache(32);
        KvCache cc = decoder.newCache(32);
        decoder.step(List.of(ca), List.of(a), false);
        decoder.step(List.of(cb), List.of(b), false);
        decoder.step(List.of(cc), List.of(c), false);
        long[] before = decoder.pastReuse();
        float[][] gotA = new float[nextA.length][];
        float[][] gotB = new float[nextB.length][];
        float[][] gotC = new float[nextC.length][];
        // Steps 0-1: {a, b} (the second feeds back); 2: {a, b, c} (rebuilt); 3: {b, c}; 4: {b, c} again; 5: {a, b}.
        int ia = 0;
        int ib = 0;
        int ic = 0;
        List<List<Character>> plan = List.of(List.of('a', 'b'), List.of('a', 'b'), List.of('a', 'b', 'c'),
                List.of('b', 'c'), List.of('b', 'c'), List.of('a', 'b'));
        for (List<Character> batch : plan) {
            List<KvCache> caches = new java.util.ArrayList<>();
            List<int[]> tokens = new java.util.ArrayList<>();
            for (char s : batch) {
                caches.add(s == 'a' ? ca : s == 'b' ? cb : cc);
                tokens.add(new int[]{s == 'a' ? nextA[ia] : s == 'b' ? nextB[ib] : nextC[ic]});
            }
            float[][][] logits = decoder.step(caches, tokens, false);
            for (int i = 0; i < batch.size(); i++) {
                switch (batch.get(i)) {
                    case 'a' -> gotA[ia++] = logits[i][0];
                    case 'b' -> gotB[ib++] = logits[i][0];
                    default -> gotC[ic++] = logits[i][0];
                }
            }
        }
        long[] after = decoder.pastReuse();
        assertThat(after[0] - before[0]).as("steps that fed the presents back").isEqualTo(2);
        assertThat(after[1] - before[1]).as("steps that rebuilt the past").isEqualTo(4);
        assertAlone(a, Arrays.copyOf(nextA, ia), Arrays.copyOf(gotA, ia));
        assertAlone(b, nextB, gotB);
        assertAlone(c, nextC, gotC);
    }

    private static void assertAlone(int[] prompt, int[] next, float[][] got) {
        float[][] alone = forwardAll(concat(prompt, next));
        assertThat(maxAbsDiff(got, Arrays.copyOfRange(alone, prompt.length, prompt.length + got.length)))
                .isLessThanOrEqualTo(TOLERANCE);
    }

    private static float[][] forwardAll(int[] tokens) {
        return decoder.step(List.of(decoder.newCache(tokens.length)), List.of(tokens), true)[0];
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static double maxAbsDiff(float[][] a, float[][] b) {
        assertThat(a.length).isEqualTo(b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i].length).isEqualTo(b[i].length);
            for (int j = 0; j < a[i].length; j++) {
                max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return max;
    }
}
