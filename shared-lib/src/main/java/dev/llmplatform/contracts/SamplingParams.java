package dev.llmplatform.contracts;

import java.util.Map;

/**
 * How to pick each next token. Zero temperature means greedy. {@code topK} 0 and
 * {@code topP} 1 and {@code minP} 0 disable those filters; penalties of 0 (presence,
 * frequency) and 1 (repetition) disable those. A null seed means a fresh random stream.
 *
 * @param logprobs        null for none, else how many top alternatives to return per token (0..20)
 * @param logitBias       token id → bias added to its logit before sampling
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
        Integer logprobs) {

    public SamplingParams {
        logitBias = logitBias == null ? Map.of() : Map.copyOf(logitBias);
        if (topP == 0) {
            topP = 1.0;
        }
        if (repetitionPenalty == 0) {
            repetitionPenalty = 1.0;
        }
    }

    public static SamplingParams greedy() {
        return new SamplingParams(0, 1, 0, 0, 1, 0, 0, null, Map.of(), null);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
