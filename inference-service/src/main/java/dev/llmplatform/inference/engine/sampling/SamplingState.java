package dev.llmplatform.inference.engine.sampling;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * What the sampler remembers about one sequence: its random stream (seeded per request, so the
 * same seed gives the same tokens whatever else runs in the batch), how often each token was
 * generated (presence and frequency penalties) and which tokens appeared at all, prompt included
 * (repetition penalty, as in Hugging Face and vLLM).
 */
public final class SamplingState {

    private final SplittableRandom random;
    private final Map<Integer, Integer> outputCounts = new HashMap<>();
    private final Set<Integer> seenTokens = new HashSet<>();

    public SamplingState(SplittableRandom random, int[] promptTokenIds) {
        this.random = random;
        for (int id : promptTokenIds) {
            seenTokens.add(id);
        }
    }

    /** A state with a stream from {@code seed}, or from fresh entropy when the seed is null. */
    public static SamplingState seeded(Long seed, int[] promptTokenIds) {
        return new SamplingState(seed == null ? new SplittableRandom() : new SplittableRandom(seed), promptTokenIds);
    }

    /** Records a generated token. */
    public void accept(int tokenId) {
        outputCounts.merge(tokenId, 1, Integer::sum);
        seenTokens.add(tokenId);
    }

    SplittableRandom random() {
        return random;
    }

    Map<Integer, Integer> outputCounts() {
        return outputCounts;
    }

    Set<Integer> seenTokens() {
        return seenTokens;
    }
}
