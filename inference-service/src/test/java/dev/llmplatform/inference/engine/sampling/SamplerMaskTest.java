package dev.llmplatform.inference.engine.sampling;

import dev.llmplatform.contracts.SamplingParams;
import dev.llmplatform.contracts.TokenLogprob;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** An output constraint's mask in the sampler: after logit bias, before temperature and the filters; logprobs stay raw. */
class SamplerMaskTest {

    private static long[] mask(int vocab, int... allowed) {
        long[] bits = new long[(vocab + 63) >> 6];
        for (int id : allowed) {
            bits[id >> 6] |= 1L << id;
        }
        return bits;
    }

    @Property(tries = 300, seed = "20261206")
    void shouldOnlyEverDrawAllowedTokensWhateverTheSettings(@ForAll long seed, @ForAll @IntRange(min = 2, max = 300) int vocab,
                                                            @ForAll @IntRange(min = 0, max = 40) int topK) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] logits = new float[vocab];
        long[] allowed = new long[(vocab + 63) >> 6];
        int anyAllowed = random.nextInt(vocab);
        allowed[anyAllowed >> 6] |= 1L << anyAllowed;
        for (int i = 0; i < vocab; i++) {
            logits[i] = (float) random.nextGaussian() * 5;
            if (random.nextInt(4) == 0) {
                allowed[i >> 6] |= 1L << i;
            }
        }
        SamplingParams params = new SamplingParams(random.nextDouble() * 2, 0.5 + random.nextDouble() / 2, topK,
                random.nextDouble() / 10, 1.2, 0.3, 0.3, seed, Map.of(anyAllowed, -50.0, (anyAllowed + 1) % vocab, 80.0), 3);
        SamplingState state = SamplingState.seeded(seed, new int[]{0});
        for (int step = 0; step < 5; step++) {
            int chosen = Sampler.sample(logits, params, state, new int[0], allowed).tokenId();
            assertThat((allowed[chosen >> 6] >>> chosen & 1) == 1).as("token %d allowed", chosen).isTrue();
        }
    }

    @Test
    void shouldApplyTheMaskAfterLogitBiasAndKeepRawLogprobs() {
        float[] logits = {5, 4, 3, 2};
        SamplingParams biased = new SamplingParams(0, 1, 0, 0, 1, 0, 0, null, Map.of(3, 10.0), 2);
        var sampled = Sampler.sample(logits, biased, SamplingState.seeded(1L, new int[]{0}), new int[0], mask(4, 1, 2));
        assertThat(sampled.tokenId()).as("best allowed; the biased 3 is forbidden").isEqualTo(1);
        TokenLogprob logprob = sampled.logprob();
        assertThat(logprob.top().getFirst().tokenId()).as("raw top alternative, forbidden or not").isEqualTo(0);
    }

    @Test
    void shouldLetTheConstraintWinOverMinTokensWhenOnlyTheStopTokenIsAllowed() {
        float[] logits = {0, 9, 9};
        SamplingParams greedy = SamplingParams.greedy();
        int chosen = Sampler.sample(logits, greedy, SamplingState.seeded(1L, new int[]{1}), new int[]{0}, mask(3, 0)).tokenId();
        assertThat(chosen).isZero();
    }
}
