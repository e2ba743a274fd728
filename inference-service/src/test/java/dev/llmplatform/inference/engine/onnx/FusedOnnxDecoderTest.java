package dev.llmplatform.inference.engine.onnx;

import dev.llmplatform.inference.engine.kv.KvCache;
import dev.llmplatform.inference.engine.kv.KvCacheBudget;
import dev.llmplatform.inference.engine.kv.PrefixCache;
import dev.llmplatform.inference.testing.TinyFused;
import dev.llmplatform.inference.testing.TinyFused.Family;
import dev.llmplatform.onnx.GraphForm;
import dev.llmplatform.onnx.KvPrecision;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fused graph form driven by {@link OnnxDecoder} (rows of one shared KV buffer, written in place by
 * GroupQueryAttention) against the plain form (the oracle) on the same random weights: every step of a
 * script where sequences prefill, decode in a batch, join, leave, hit the prefix cache, prefill in chunks
 * and run up to the context length. Logits must agree within 1e-4 in float32 at every step.
 *
 * <p>The same script checks a float16 KV cache ({@link KvPrecision#FP16}: the attention op in float16) against
 * the float32 fused form, within {@link #HALF_KV_TOLERANCE} of the logits' scale.
 */
class FusedOnnxDecoderTest {

    private static final double TOLERANCE = 1e-4;
    /**
     * fp16 vs fp32 KV: worst |Δlogit| / max |logit| over a step. Measured over the three scripts below
     * (ORT 1.28 CPU, random weights of std 0.3, logits of up to ~10): Llama GQA 6.5e-3, 4.1e-3, 7.4e-3;
     * GPT-2 2.3e-3, 3.1e-3, 3.1e-3 (docs/benchmarks.md); the bound is twice the worst.
     */
    private static final double HALF_KV_TOLERANCE = 1.5e-2;
    private static final int CONTEXT = TinyFused.CONTEXT;

    /** The same sequence in both decoders: its cache in each. */
    private record Twin(KvCache plain, KvCache fused) {
    }

    /** A family with the fused form's KV precision: fp32 is checked against the plain form, fp16 against fused fp32. */
    enum Case {
        LLAMA_GQA(Family.LLAMA_GQA, KvPrecision.FP32), GPT2(Family.GPT2, KvPrecision.FP32),
        LLAMA_GQA_FP16_KV(Family.LLAMA_GQA, KvPrecision.FP16), GPT2_FP16_KV(Family.GPT2, KvPrecision.FP16);

        final Family family;
        final KvPrecision kv;

        Case(Family family, KvPrecision kv) {
            this.family = family;
            this.kv = kv;
        }
    }

    /** Runs the oracle and the fused form side by side and checks every step's logits. */
    private static final class Pair implements AutoCloseable {
        /** The oracle: the plain form, or the float32 fused form for a float16 cache. */
        final OnnxDecoder plain;
        final OnnxDecoder fused;
        final Case family;
        final boolean half;
        double worst;
        int steps;

        Pair(Case c) {
            this.family = c;
            this.half = c.kv == KvPrecision.FP16;
            plain = half ? TinyFused.decoder(c.family, GraphForm.FUSED) : TinyFused.decoder(c.family, GraphForm.PLAIN);
            fused = TinyFused.decoder(c.family, GraphForm.FUSED, c.kv);
        }

        Twin newSequence(int maxTokens) {
            return new Twin(plain.newCache(maxTokens), fused.newCache(maxTokens));
        }

        float[][][] step(List<Twin> twins, List<int[]> chunks, boolean all) {
            float[][][] expected = plain.step(twins.stream().map(Twin::plain).toList(), chunks, all);
            float[][][] actual = fused.step(twins.stream().map(Twin::fused).toList(), chunks, all);
            steps++;
            assertThat(actual.length).isEqualTo(expected.length);
            for (int b = 0; b < expected.length; b++) {
                double diff = maxAbsDiff(actual[b], expected[b]);
                if (half) {
                    diff /= maxAbs(expected[b]);
                }
                worst = Math.max(worst, diff);
                assertThat(diff).as("%s step %d sequence %d", family, steps, b)
                        .isLessThanOrEqualTo(half ? HALF_KV_TOLERANCE : TOLERANCE);
                assertThat(twins.get(b).fused().length()).isEqualTo(twins.get(b).plain().length());
            }
            return actual;
        }

        float[][][] decode(List<Twin> twins, int... tokens) {
            List<int[]> chunks = new ArrayList<>();
            for (int t : tokens) {
                chunks.add(new int[]{t});
            }
            return step(twins, chunks, false);
        }

        @Override
        public void close() {
            System.out.printf("%s: worst %s logit difference %.3e over %d steps%n", family, half ? "relative" : "absolute",
                    worst, steps);
            plain.close();
            fused.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Case.class)
    void shouldMatchThePlainFormAsSequencesPrefillDecodeJoinAndLeave(Case family) {
        try (Pair pair = new Pair(family)) {
            assertThat(pair.fused.graph().fused()).isTrue();
            assertThat(pair.plain.graph().fused()).isEqualTo(pair.half);
            assertThat(pair.fused.graph().kvElementBytes()).isEqualTo(family.kv.bytes());
            assertThat(pair.fused.kvBytesPerToken()).isEqualTo(pair.plain.kvBytesPerToken() * family.kv.bytes() / 4);
            Twin a = pair.newSequence(40);
            Twin b = pair.newSequence(40);
            pair.step(List.of(a), List.of(new int[]{3, 17, 42, 8, 0, 49, 25}), true);
            pair.step(List.of(b), List.of(new int[]{60, 2, 33}), true);
            for (int i = 0; i < 3; i++) {
                pair.decode(List.of(a, b), 5 + i, 40 + i);
            }
            // A third joins (prefilled alone, in its own row), then decodes with the others.
            Twin c = pair.newSequence(40);
            pair.step(List.of(c), List.of(new int[]{7, 7, 12, 50, 1}), false);
            long movedBefore = pair.fused.kvRowsMoved();
            for (int i = 0; i < 4; i++) {
                pair.decode(List.of(a, b, c), 10 + i, 20 + i, 30 + i);
            }
            assertThat(pair.fused.kvRowsMoved()).as("a steady batch copies no rows").isEqualTo(movedBefore);
            // The first leaves; the rest decode in another order.
            a.plain().release();
            a.fused().release();
            for (int i = 0; i < 3; i++) {
                pair.decode(List.of(c, b), 11 + i, 21 + i);
            }
            // A subset of the batch decodes (another prefills meanwhile), then all of them again.
            Twin d = pair.newSequence(40);
            pair.step(List.of(d), List.of(new int[]{9, 8}), false);
            pair.decode(List.of(d), 4);
            pair.decode(List.of(b, d, c), 1, 2, 3);
            assertThat(pair.fused.kvRowsMoved()).as("rows move only on joins and departures").isLessThanOrEqualTo(movedBefore + 6);
        }
    }

    @ParameterizedTest
    @EnumSource(Case.class)
    void shouldMatchThePlainFormOnAPrefixCacheHitAndChunkedPrefill(Case family) {
        try (Pair pair = new Pair(family)) {
            int[] prompt = {3, 17, 42, 8, 0, 49, 25, 11, 6, 30};
            int[] sharing = {3, 17, 42, 8, 0, 49, 25, 11, 51, 52, 53};
            Twin first = pair.newSequence(32);
            // Chunked prefill: 4 tokens, then 6 after them (a multi-token chunk over a past).
            pair.step(List.of(first), List.of(Arrays.copyOf(prompt, 4)), true);
            pair.step(List.of(first), List.of(Arrays.copyOfRange(prompt, 4, prompt.length)), true);

            KvCacheBudget plainBudget = new KvCacheBudget(1 << 24, pair.plain.kvBytesPerToken());
            KvCacheBudget fusedBudget = new KvCacheBudget(1 << 24, pair.fused.kvBytesPerToken());
            PrefixCache plainPrefixes = new PrefixCache(4, 1 << 20, plainBudget);
            PrefixCache fusedPrefixes = new PrefixCache(4, 1 << 20, fusedBudget, pair.fused.kvHeapBytesPerToken());
            plainPrefixes.insert(prompt, first.plain());
            fusedPrefixes.insert(prompt, first.fused());

            Twin second = pair.newSequence(32);
            int hit = plainPrefixes.lookup(sharing).copyInto(second.plain());
            assertThat(fusedPrefixes.lookup(sharing).copyInto(second.fused())).isEqualTo(hit).isEqualTo(8);
            pair.step(List.of(second), List.of(Arrays.copyOfRange(sharing, hit, sharing.length)), true);
            for (int i = 0; i < 3; i++) {
                pair.decode(List.of(first, second), 40 + i, 50 + i);
            }
            // Several multi-token chunks over pasts in one call: the fused kernel runs them one at a time.
            pair.step(List.of(first, second), List.of(new int[]{1, 2, 3}, new int[]{4, 5, 6}), true);
        }
    }

    @ParameterizedTest
    @EnumSource(Case.class)
    void shouldMatchThePlainFormUpToTheContextLength(Case family) {
        try (Pair pair = new Pair(family)) {
            Twin full = pair.newSequence(CONTEXT);
            Twin shorter = pair.newSequence(CONTEXT);
            int[] prompt = new int[CONTEXT - 6];
            for (int i = 0; i < prompt.length; i++) {
                prompt[i] = (i * 7 + 3) % TinyFused.VOCAB;
            }
            pair.step(List.of(full), List.of(prompt), false);
            pair.step(List.of(shorter), List.of(new int[]{5, 6}), false);
            for (int i = 0; i < 6; i++) {
                pair.decode(List.of(shorter, full), 10 + i, 20 + i);
            }
            assertThat(full.fused().length()).isEqualTo(CONTEXT);
        }
    }

    private static double maxAbs(float[][] a) {
        double max = 0;
        for (float[] row : a) {
            for (float v : row) {
                max = Math.max(max, Math.abs(v));
            }
        }
        return max;
    }

    private static double maxAbsDiff(float[][] a, float[][] b) {
        assertThat(a.length).isEqualTo(b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return max;
    }
}
