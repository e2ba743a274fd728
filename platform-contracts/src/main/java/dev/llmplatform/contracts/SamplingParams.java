package dev.llmplatform.contracts;

import java.util.Map;

/**
 * How to pick each next token. Zero temperature means greedy. {@code topK} 0 and
 * {@code topP} 1 and {@code minP} 0 disable those filters; penalties of 0 (presence,
 * frequency) and 1 (repetition) disable those. A null seed means a fresh random stream.
 *
 * @param logprobs        null for none, else how many top alternatives to return per token (0..20)
 * @param logitBias       token id → bias added to its logit before sampling
 * @param minTokens       vLLM's {@code min_tokens}: the request's stop tokens (EOS) cannot be sampled
 *                        before this many tokens were generated (0: no minimum)
 * @param ignoreEos       vLLM's {@code ignore_eos}: stop tokens do not end the generation (they are
 *                        emitted like any other), only {@code max_tokens}, the context or a cancel do
 * @param constraint      what the output must be (JSON schema, JSON object, regex, choice), enforced by masking
 *                        the logits before sampling; null for free text. Added without a version bump: an older
 *                        sender leaves it out, an older reader ignores it
 */
public record SamplingParams(
        double temperature,
        double topP,
        int topK,
        double minP,
        double repetitionPenalty,
        double presencePenalty,
        double frequencyPenalty,
        Long seed,
        Map<Integer, Double> logitBias,
        Integer logprobs,
        int minTokens,
        boolean ignoreEos,
        OutputConstraint constraint) {

    /** Without an output constraint. */
    public SamplingParams(double temperature, double topP, int topK, double minP, double repetitionPenalty,
                          double presencePenalty, double frequencyPenalty, Long seed, Map<Integer, Double> logitBias,
                          Integer logprobs, int minTokens, boolean ignoreEos) {
        this(temperature, topP, topK, minP, repetitionPenalty, presencePenalty, frequencyPenalty, seed, logitBias,
                logprobs, minTokens, ignoreEos, null);
    }

    /** Without a minimum length and with stop tokens honoured. */
    public SamplingParams(double temperature, double topP, int topK, double minP, double repetitionPenalty,
                          double presencePenalty, double frequencyPenalty, Long seed, Map<Integer, Double> logitBias,
                          Integer logprobs) {
        this(temperature, topP, topK, minP, repetitionPenalty, presencePenalty, frequencyPenalty, seed, logitBias,
                logprobs, 0, false);
    }

    public SamplingParams {
        logitBias = logitBias == null ? Map.of() : Map.copyOf(logitBias);
        if (topP == 0) {
            topP = 1.0;
        }
        if (repetitionPenalty == 0) {
            repetitionPenalty = 1.0;
        }
        if (minTokens < 0) {
            throw new IllegalArgumentException("minTokens must be >= 0, got " + minTokens);
        }
    }

    public static SamplingParams greedy() {
        return new SamplingParams(0, 1, 0, 0, 1, 0, 0, null, Map.of(), null);
    }

    /** The same settings with an output constraint (null for none). */
    public SamplingParams withConstraint(OutputConstraint newConstraint) {
        return new SamplingParams(temperature, topP, topK, minP, repetitionPenalty, presencePenalty, frequencyPenalty,
                seed, logitBias, logprobs, minTokens, ignoreEos, newConstraint);
    }

    /** The same settings with another seed (null for a fresh random stream). */
    public SamplingParams withSeed(Long newSeed) {
        return new SamplingParams(temperature, topP, topK, minP, repetitionPenalty, presencePenalty, frequencyPenalty,
                newSeed, logitBias, logprobs, minTokens, ignoreEos, constraint);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
