package dev.llmplatform.inference.engine.sampling;

import dev.llmplatform.contracts.SamplingParams;
import dev.llmplatform.contracts.TokenLogprob;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SamplerTest {

    private static final int VOCAB = 50;

    /** Random-looking logits with a clear but not overwhelming favourite at index 17. */
    private static float[] logits(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] logits = new float[VOCAB];
        for (int i = 0; i < VOCAB; i++) {
            logits[i] = (float) random.nextGaussian();
        }
        logits[17] = 3.5f;
        return logits;
    }

    private static SamplingParams params(double temperature, double topP, int topK, double minP) {
        return new SamplingParams(temperature, topP, topK, minP, 1, 0, 0, null, Map.of(), null);
    }

    private static SamplingState state(long seed, int... prompt) {
        return new SamplingState(new SplittableRandom(seed), prompt);
    }

    @Test
    void shouldPickTheArgmaxWhenTemperatureIsZero() {
        float[] logits = logits(1);
        for (int seed = 0; seed < 20; seed++) {
            assertThat(Sampler.sample(logits, SamplingParams.greedy(), state(seed)).tokenId()).isEqualTo(17);
        }
    }

    @Test
    void shouldEqualGreedyWhenTopKIsOne() {
        float[] logits = logits(2);
        for (int seed = 0; seed < 50; seed++) {
            assertThat(Sampler.sample(logits, params(1.5, 1, 1, 0), state(seed)).tokenId()).isEqualTo(17);
        }
    }

    @Test
    void shouldEqualGreedyWhenTopPIsTiny() {
        float[] logits = logits(3);
        for (int seed = 0; seed < 50; seed++) {
            assertThat(Sampler.sample(logits, params(1.5, 1e-6, 0, 0), state(seed)).tokenId()).isEqualTo(17);
        }
    }

    @Test
    void shouldEqualGreedyWhenMinPIsOne() {
        float[] logits = logits(4);
        for (int seed = 0; seed < 50; seed++) {
            assertThat(Sampler.sample(logits, params(2.0, 1, 0, 1.0), state(seed)).tokenId()).isEqualTo(17);
        }
    }

    @Test
    void shouldSpreadOverSeveralTokensAtHighTemperature() {
        float[] logits = logits(5);
        SamplingState state = state(42);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            seen.add(Sampler.sample(logits, params(5.0, 1, 0, 0), state).tokenId());
        }
        assertThat(seen.size()).isGreaterThan(10);
    }

    @Test
    void shouldOnlyDrawFromTheTopKTokens() {
        float[] logits = logits(6);
        int[] top3 = Sampler.topIndices(logits, 3);
        SamplingState state = state(7);
        for (int i = 0; i < 300; i++) {
            assertThat(top3).contains(Sampler.sample(logits, params(10.0, 1, 3, 0), state).tokenId());
        }
    }

    @Test
    void shouldForceATokenWithLogitBias() {
        float[] logits = logits(8);
        SamplingParams biased = new SamplingParams(0, 1, 0, 0, 1, 0, 0, null, Map.of(3, 100.0), null);
        assertThat(Sampler.sample(logits, biased, state(1)).tokenId()).isEqualTo(3);
        SamplingParams banned = new SamplingParams(0, 1, 0, 0, 1, 0, 0, null, Map.of(17, -100.0), null);
        assertThat(Sampler.sample(logits, banned, state(1)).tokenId()).isNotEqualTo(17);
    }

    @Test
    void shouldGiveTheSameTokensForTheSameSeedAndDifferentForAnother() {
        float[] logits = logits(9);
        SamplingParams hot = params(3.0, 1, 0, 0);
        int[] a = drawMany(logits, hot, 11);
        int[] b = drawMany(logits, hot, 11);
        int[] c = drawMany(logits, hot, 12);
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    private static int[] drawMany(float[] logits, SamplingParams params, long seed) {
        SamplingState state = state(seed);
        int[] tokens = new int[30];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = Sampler.sample(logits, params, state).tokenId();
        }
        return tokens;
    }

    @Test
    void shouldMoveGreedyAwayFromARepeatedTokenWithPenalties() {
        float[] logits = new float[VOCAB];
        logits[5] = 2.0f;
        logits[6] = 1.5f;
        SamplingParams frequency = new SamplingParams(0, 1, 0, 0, 1, 0, 0.3, null, Map.of(), null);
        SamplingState state = state(1);
        assertThat(Sampler.sample(logits, frequency, state).tokenId()).isEqualTo(5);
        assertThat(Sampler.sample(logits, frequency, state).tokenId()).isEqualTo(5);
        // 2.0 - 2*0.3 = 1.4 < 1.5: the frequency penalty hands the lead to token 6.
        assertThat(Sampler.sample(logits, frequency, state).tokenId()).isEqualTo(6);

        SamplingParams presence = new SamplingParams(0, 1, 0, 0, 1, 0.6, 0, null, Map.of(), null);
        SamplingState fresh = state(1);
        assertThat(Sampler.sample(logits, presence, fresh).tokenId()).isEqualTo(5);
        assertThat(Sampler.sample(logits, presence, fresh).tokenId()).isEqualTo(6);

        // Repetition penalty counts prompt tokens too: 2.0 / 1.5 = 1.33 < 1.5.
        SamplingParams repetition = new SamplingParams(0, 1, 0, 0, 1.5, 0, 0, null, Map.of(), null);
        assertThat(Sampler.sample(logits, repetition, state(1, 5)).tokenId()).isEqualTo(6);
    }

    @Test
    void shouldChangeTheSamplingDistributionWithPenalties() {
        float[] logits = logits(10);
        SamplingParams plain = params(1.0, 1, 0, 0);
        SamplingParams penalised = new SamplingParams(1.0, 1, 0, 0, 1, 0, 2.0, null, Map.of(), null);
        assertThat(countOf(17, logits, penalised)).isLessThan(countOf(17, logits, plain) / 2);
    }

    private static int countOf(int token, float[] logits, SamplingParams params) {
        SamplingState state = state(99);
        int count = 0;
        for (int i = 0; i < 400; i++) {
            if (Sampler.sample(logits, params, state).tokenId() == token) {
                count++;
            }
        }
        return count;
    }

    @Test
    void shouldReportRawLogprobsWithTopAlternatives() {
        float[] logits = {1f, 3f, 2f, 0f};
        SamplingParams params = new SamplingParams(0, 1, 0, 0, 1, 0, 0, null, Map.of(0, 50.0), 2);
        SampledToken token = Sampler.sample(logits, params, state(1));
        double logSumExp = Math.log(Math.exp(1) + Math.exp(3) + Math.exp(2) + Math.exp(0));
        assertThat(token.tokenId()).isEqualTo(0);
        TokenLogprob logprob = token.logprob();
        assertThat(logprob.tokenId()).isEqualTo(0);
        assertThat(logprob.logprob()).isCloseTo(1 - logSumExp, within(1e-6));
        assertThat(logprob.top()).extracting(TokenLogprob.Alternative::tokenId).containsExactly(1, 2);
        assertThat(logprob.top().getFirst().logprob()).isCloseTo(3 - logSumExp, within(1e-6));
        assertThat(logits[0]).isEqualTo(1f);
    }

    @Test
    void shouldOrderByDescendingValueWithLowerIndexFirstOnTies() {
        assertThat(Sampler.descendingOrder(new double[]{0.1, 0.5, 0.5, 0.9})).containsExactly(3, 1, 2, 0);
        assertThat(Sampler.topIndices(new float[]{1, 4, 4, 2, 9}, 3)).containsExactly(4, 1, 2);
    }
}
